"""Reads for rooms: what the navigator lists."""

from django.db.models import QuerySet

from habbo.models import User
from rooms.models import Room


def _listed() -> QuerySet[Room]:
    return Room.objects.select_related("owner").only(
        "id", "name", "description", "capacity", "player_count", "is_public", "created_at", "owner__username"
    )


def public_rooms(limit: int = 50) -> list[Room]:
    return list(_listed().filter(is_public=True).order_by("-created_at")[:limit])


def rooms_of(user: User) -> list[Room]:
    return list(_listed().filter(owner=user).order_by("-created_at"))


def popular_rooms(limit: int = 20) -> list[Room]:
    """Public rooms with players in them, fullest first."""
    return list(_listed().filter(is_public=True, player_count__gt=0).order_by("-player_count", "name")[:limit])
