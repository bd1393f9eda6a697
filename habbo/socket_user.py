"""The player behind a socket, read without the database when it can be.

The session comes from the cache (SESSION_ENGINE cached_db: written through
at login, deleted at logout, read through from the database when Redis lost
it). The user comes from a copy in Redis kept under the player's version
token (habbo.versions), which every save of the row replaces (post_save,
post_delete, habbo.looks), so a ban, a password change or new looks count
at the next socket. Both are read on the event loop; only a miss takes the
database thread (and the database).
"""

import logging
from functools import cache

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.utils.crypto import constant_time_compare

from habbo import versions
from habbo.models import User
from habbo.redis import REDIS_DOWN
from habbo.sessions import SessionStore

log = logging.getLogger(__name__)

# What the sockets read of a player; any other field of the cached user is
# read from the database when touched (in synchronous code; the event loop
# refuses, loudly).
FIELDS = (
    "id", "password", "username", "is_active", *User.FIGURE_FIELDS, "motto",
    "banned", "banned_until", "ban_reason", "muted_until", "trade_locked_until",
)
# A copy unused this long goes (and a token replaced while Redis was out of
# reach misleads for this long at most).
USER_TTL_S = 10 * 60
KIND = "user"


@cache  # the model's fields do not change while the process runs
def _fields() -> list:
    """FIELDS in the model's order, as Model.from_db takes a partial row."""
    return [field for field in User._meta.concrete_fields if field.attname in FIELDS]


def cached_user(user_id: int) -> User | None:
    """The player's row (FIELDS only), from the copy kept under their current token if there is one."""
    fields = _fields()

    def read_row() -> list | None:
        user = User.objects.filter(pk=user_id).only(*FIELDS).first()
        return None if user is None else [field.value_from_object(user) for field in fields]

    row = versions.read_kept(KIND, user_id, read_row, USER_TTL_S)
    return None if row is None else _user_from_row(row)


def _user_from_row(row: list) -> User:
    fields = _fields()
    values = [field.to_python(value) for field, value in zip(fields, row)]
    return User.from_db("default", [field.attname for field in fields], values)


async def socket_user(session) -> User | AnonymousUser:
    """channels.auth.get_user, with the user from cached_user(): the
    session's user, if its password hash still matches, else anonymous
    (and the session ends).

    With the session and the player's copy both in Redis it is read on the
    event loop, in two round trips: a hop to the database thread and back
    cost more than the reads (bench/README.md, "Entering"). Anything else
    (a miss, another backend, a hash that no longer matches, Redis out of
    reach) goes to the database thread."""
    try:
        user = await _from_copies(session)
    except REDIS_DOWN:
        user = None
    return user if user is not None else await _session_user(session)


async def _from_copies(session) -> User | AnonymousUser | None:
    """socket_user() from Redis alone; None where it needs the database thread."""
    data = await session.acached() if isinstance(session, SessionStore) else None
    if data is None:
        return None
    session.loaded(data)
    claimed = _claimed(session)
    if claimed is None:
        return AnonymousUser()
    user_id, backend = claimed
    if type(backend) is not ModelBackend:
        return None
    row = await versions.aread_kept(KIND, user_id)
    if row is None:
        return None
    user = _user_from_row(row)
    if not backend.user_can_authenticate(user):
        return AnonymousUser()
    return user if _hash_matches(session, user) else None


@database_sync_to_async
def _session_user(session) -> User | AnonymousUser:
    claimed = _claimed(session)
    if claimed is None:
        return AnonymousUser()
    user_id, backend = claimed
    if type(backend) is ModelBackend:
        user = cached_user(user_id)
        user = user if user is not None and backend.user_can_authenticate(user) else None
    else:
        user = backend.get_user(user_id)
    if user is None:
        return AnonymousUser()
    if not _hash_matches(session, user):
        session.flush()
        return AnonymousUser()
    return user


def _claimed(session) -> tuple[int, object] | None:
    """The user id and the backend the session names, if it names one still configured."""
    try:
        user_id = User._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return None
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    return user_id, load_backend(backend_path)


def _hash_matches(session, user: User) -> bool:
    """The session's password hash is still the user's (a password change ends the session)."""
    session_hash = session.get(HASH_SESSION_KEY)
    return bool(session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()))


def logged_in(sender, user, **kwargs) -> None:
    """user_logged_in: the copy is made at login, so the player's first room
    entry reads no row either (cached_user reads it after taking the token)."""
    if not isinstance(user, User):
        return
    try:
        cached_user(user.pk)
    except REDIS_DOWN:  # the first socket reads the row instead
        log.warning("the copy of player %s could not be kept at login", user.pk, exc_info=True)


def row_saved(sender, instance: User, update_fields=None, **kwargs) -> None:
    """post_save and post_delete of a User: the copies read before go."""
    if update_fields is not None and not set(update_fields) & set(FIELDS):
        return  # e.g. last_login at each login: nothing a socket reads
    versions.bump(KIND, instance.pk)
