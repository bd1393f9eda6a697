from django.db import connection
from django.db.models import Count

from friends.models import FriendRequest, Friendship, PrivateMessage
from habbo.models import User


def friend_ids(user_id: int) -> list[int]:
    # Plain SQL: every room entry whose copy is not kept asks (friends.friend_cache),
    # and building the ORM's query cost six times running it (bench/README.md, "Entering").
    quote, meta = connection.ops.quote_name, Friendship._meta
    low, high = (quote(meta.get_field(name).column) for name in ("user_low", "user_high"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {low}, {high} FROM {quote(meta.db_table)} WHERE {low} = %s OR {high} = %s", [user_id, user_id]
        )
        pairs = cursor.fetchall()
    return [low if high == user_id else high for low, high in pairs]


def friends_of(user: User) -> list[User]:
    return list(User.objects.filter(pk__in=friend_ids(user.pk)).order_by("username"))


def pending_for(user: User) -> list[FriendRequest]:
    return list(
        FriendRequest.objects.filter(recipient=user, status=FriendRequest.Status.PENDING).select_related("sender")
    )


def find_players(query: str, *, but: User, limit: int = 20) -> list[User]:
    if not query.strip():
        return []
    return list(User.objects.filter(username__icontains=query.strip()).exclude(pk=but.pk).order_by("username")[:limit])


def unread_counts(user: User) -> dict[int, int]:
    """Messages waiting for `user`, per sender."""
    waiting = PrivateMessage.objects.filter(recipient=user, read_at__isnull=True)
    return dict(waiting.values_list("sender_id").annotate(n=Count("id")).values_list("sender_id", "n"))

