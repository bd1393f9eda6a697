"""Reads for rooms: what the navigator lists, and a room's furniture."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from habbo.models import User
from rooms.frames import FurnitureView, ItemView, RoomSettings
from rooms.models import Furni, Item, Room, RoomRight


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


def search_rooms(query: str, *, user: User, limit: int = 50) -> list[Room]:
    """Rooms whose name holds `query` or whose owner is called so: public
    ones, and the player's own."""
    query = query.strip()
    if not query:
        return []
    named = Q(name__icontains=query) | Q(owner__username__iexact=query)
    return list(_listed().filter(named, Q(is_public=True) | Q(owner=user)).order_by("-player_count", "name")[:limit])


def rooms_by_id(room_ids) -> list[Room]:
    return list(_listed().filter(pk__in=room_ids).order_by("-player_count", "name"))


def room_card(room: Room) -> dict:
    """A room as the navigator lists it."""
    return {
        "id": str(room.pk), "name": room.name, "description": room.description, "owner": room.owner.username,
        "players": room.player_count, "capacity": room.capacity, "is_public": room.is_public,
        "url": room.get_absolute_url(),
    }


def room_settings(room: Room) -> dict:
    """What the owner edits in the room info window: the fields room_updated shows."""
    return {field: getattr(room, field) for field in RoomSettings.model_fields}


def item_view(item: Item) -> ItemView:
    """A kind of furniture as the renderer draws it (the catalogue's ITEM)."""
    return ItemView(
        id=item.pk, name=item.name, look=item.look, width=item.width, length=item.length, height=item.height,
        colour=item.colour, can_sit=item.can_sit, can_lay=item.can_lay, can_walk_on=item.can_walk_on,
        can_stack=item.can_stack, rotations=[int(r) for r in item.rotations.split(",")],
    )


def furniture_view(furni: Furni) -> FurnitureView:
    """A placed piece as the room's frames show it (its item loaded)."""
    item = furni.item
    return FurnitureView(
        id=furni.pk, item=item.pk, name=item.name, look=item.look, owner=furni.owner_id, x=furni.x, y=furni.y,
        z=furni.z, rotation=furni.rotation, rotations=[int(r) for r in item.rotations.split(",")], width=item.width,
        length=item.length, height=item.height, colour=item.colour, can_sit=item.can_sit, can_lay=item.can_lay,
        can_walk_on=item.can_walk_on, can_stack=item.can_stack,
    )


def limited_number(furni: Furni) -> int | None:
    """A limited edition's number (economy.LimitedUnit, loaded with select_related("limited"))."""
    unit = getattr(furni, "limited", None)
    return unit.number if unit else None


@dataclass(frozen=True)
class Furnishing:
    """A room's furniture, owner, rights and change number, read together."""

    owner: int
    rights: set[int]
    seq: int
    views: dict[int, FurnitureView]


def room_furnishing(room_id) -> Furnishing | None:
    """The change number is read first: the pieces and rights read after it
    are at least that new, and the frames numbered after it set what they
    show again (each says how a piece or a right is now), so applying them on
    top is right either way."""
    room = Room.objects.filter(pk=room_id).values("owner_id", "furni_seq").first()
    if room is None:
        return None
    views = {f.pk: furniture_view(f) for f in Furni.objects.filter(room_id=room_id).select_related("item")}
    rights = set(RoomRight.objects.filter(room_id=room_id).values_list("user_id", flat=True))
    return Furnishing(room["owner_id"], rights, room["furni_seq"], views)
