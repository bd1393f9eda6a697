"""A player's friend ids without the database when it can be: every room
entry and leave tells the player's friends (friends.presence.announce), and
reading them was a query each time, even for a player with none.

A copy is kept in Redis under the player's "friends" version token
(habbo.versions), which every change of a friendship replaces for both
players: friends.rules for the friends consumer's bulk writes, the receivers
below for a single row (the admin, scripts, tests). A new player's is
replaced too: a database made anew gives the same ids out again, and a copy
kept for an earlier player of that id must not be theirs. A miss, or Redis
out of reach, reads the ids from the database.
"""

from channels.db import database_sync_to_async

from friends.models import Friendship
from friends.selectors import friend_ids
from habbo import versions
from habbo.models import User
from habbo.redis import REDIS_DOWN

KIND = "friends"
# A copy unused this long goes (and a token replaced while Redis was out of
# reach misleads for this long at most).
FRIENDS_TTL_S = 10 * 60


def _key(user_id: int) -> str:
    return versions.copy_key(KIND, user_id)


def kept_friend_ids(user_id: int) -> list[int]:
    """friends.selectors.friend_ids(), from the copy kept under the player's
    current token if there is one (the token is taken before the query)."""
    try:
        return versions.read_kept(KIND, user_id, lambda: friend_ids(user_id), FRIENDS_TTL_S)
    except REDIS_DOWN:
        return friend_ids(user_id)


async def cached_friend_ids(user_id: int) -> list[int]:
    """kept_friend_ids() for the event loop: a copy is read there in one
    round trip (the token and the copy share a hash tag), and only a miss
    takes the database thread."""
    try:
        ids = await versions.aread_kept(KIND, user_id)
    except REDIS_DOWN:
        ids = None  # kept_friend_ids falls back to the query
    return ids if ids is not None else await database_sync_to_async(kept_friend_ids)(user_id)


def logged_in(sender, user, **kwargs) -> None:
    """user_logged_in: the copy is made at login (as habbo.socket_user's is),
    so the player's first room entry runs no query either."""
    if isinstance(user, User):
        kept_friend_ids(user.pk)


def changed(*user_ids: int) -> None:
    """These players' friendships changed (made or ended): the copies read before go."""
    versions.bump_many(KIND, user_ids)


def friendship_saved(sender, instance: Friendship, **kwargs) -> None:
    """post_save and post_delete of one Friendship (bulk writes send no
    signal: friends.rules calls changed() itself). An edit may have moved the
    row to another pair (the admin allows it): its old pair changed too."""
    changed(instance.user_low_id, instance.user_high_id, *getattr(instance, "_pair_before", ()))


def friendship_saving(sender, instance: Friendship, **kwargs) -> None:
    """pre_save of a Friendship: an edited row's pair as it is stored, for friendship_saved."""
    if not instance._state.adding:
        stored = Friendship.objects.filter(pk=instance.pk).values_list("user_low_id", "user_high_id").first()
        instance._pair_before = stored or ()


def player_created(sender, instance: User, created=False, **kwargs) -> None:
    """post_save of a User: a new player's token is new (see above)."""
    if created:
        changed(instance.pk)
