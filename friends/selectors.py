from django.db.models import Count, Q

from friends.models import FriendRequest, Friendship, PrivateMessage
from habbo.models import User


def friend_ids(user_id: int) -> list[int]:
    pairs = Friendship.objects.filter(Q(user_low=user_id) | Q(user_high=user_id)).values_list("user_low", "user_high")
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

