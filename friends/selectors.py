from django.db.models import Q

from friends.models import FriendRequest, Friendship
from habbo.models import User


def friends_of(user: User) -> list[User]:
    pairs = Friendship.objects.filter(Q(user_low=user) | Q(user_high=user)).values_list("user_low", "user_high")
    ids = {low if high == user.pk else high for low, high in pairs}
    return list(User.objects.filter(pk__in=ids).order_by("username"))


def pending_for(user: User) -> list[FriendRequest]:
    return list(
        FriendRequest.objects.filter(recipient=user, status=FriendRequest.Status.PENDING).select_related("sender")
    )


def find_players(query: str, *, but: User, limit: int = 20) -> list[User]:
    if not query.strip():
        return []
    return list(User.objects.filter(username__icontains=query.strip()).exclude(pk=but.pk).order_by("username")[:limit])
