"""The player behind a socket, read without the database when it can be.

The session comes from the cache (SESSION_ENGINE cached_db: written through
at login, deleted at logout, read through from the database when Redis lost
it). The user comes from a copy in Redis kept under the player's version
token (habbo.versions), which every save of the row replaces (post_save,
post_delete, habbo.looks), so a ban, a password change or new looks count
at the next socket. Both are read in one hop to the database thread, which
touches the database only on a miss.
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

    row = versions.read_kept("user", user_id, read_row, USER_TTL_S)
    if row is None:
        return None
    values = [field.to_python(value) for field, value in zip(fields, row)]
    return User.from_db("default", [field.attname for field in fields], values)


@database_sync_to_async
def socket_user(session) -> User | AnonymousUser:
    """channels.auth.get_user, with the user from cached_user(): the
    session's user, if its password hash still matches, else anonymous
    (and the session ends)."""
    try:
        user_id = User._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return AnonymousUser()
    backend = load_backend(backend_path)
    if type(backend) is ModelBackend:
        user = cached_user(user_id)
        user = user if user is not None and backend.user_can_authenticate(user) else None
    else:
        user = backend.get_user(user_id)
    if user is None:
        return AnonymousUser()
    session_hash = session.get(HASH_SESSION_KEY)
    if not (session_hash and constant_time_compare(session_hash, user.get_session_auth_hash())):
        session.flush()
        return AnonymousUser()
    return user


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
    versions.bump("user", instance.pk)
