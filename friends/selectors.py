from django.db.models import Q

from friends.models import FriendRequest, Friendship
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
