"""A player's furniture and rights requests, as the web process takes them:
checked at once against its live copy of the room (rooms.live_furniture)
and the avatars standing there, then published, and answered after Kafka's
ack. The furniture consumer decides on the database (rooms.furnishing);
what it refuses after all comes back as a furni.refused notice.

Raises placement.Refused (player words) or EventBusUnavailable."""

from channels.db import database_sync_to_async

from habbo.bus.producer import apublish
from habbo.models import User
from rooms.events import FurniMoved, FurniPickedUp, FurniPlaced, RightsChanged
from rooms.live_furniture import LiveFurniture
from rooms.models import Furni
from rooms.pathfinding import Tile
from rooms.placement import Refused, kind_of
from rooms.presence import LoadedRoom
from rooms.protocol import Move, Pickup, Place, Rights


@database_sync_to_async
def _inventory_piece(furni_id: int, user_id: int) -> Furni:
    furni = Furni.objects.select_related("item").filter(pk=furni_id, owner_id=user_id, room__isnull=True).first()
    if furni is None:
        raise Refused("not_in_inventory")
    return furni


async def place(room: LoadedRoom, furniture: LiveFurniture, user_id: int, message: Place, avatars: set[Tile]) -> None:
    furni = await _inventory_piece(message.furni, user_id)
    piece = furniture.rules.check_place(
        room.plan, actor=user_id, owner=furni.owner_id, kind=kind_of(furni.item), x=message.x, y=message.y,
        rotation=message.rotation,
    )
    if piece.tiles() & avatars:
        raise Refused("avatar_in_the_way")
    await apublish(
        FurniPlaced(room_id=room.id, user_id=user_id, furni_id=furni.pk, x=message.x, y=message.y, rotation=message.rotation),
        actor=user_id,
    )


async def move(room: LoadedRoom, furniture: LiveFurniture, user_id: int, message: Move, avatars: set[Tile]) -> None:
    before = furniture.rules.pieces.get(message.furni)
    piece = furniture.rules.check_move(
        room.plan, actor=user_id, furni_id=message.furni, x=message.x, y=message.y, rotation=message.rotation
    )
    # Turning a piece in place under someone is fine; moving it onto them is not.
    if (piece.tiles() - before.tiles()) & avatars:
        raise Refused("avatar_in_the_way")
    await apublish(
        FurniMoved(room_id=room.id, user_id=user_id, furni_id=piece.id, x=piece.x, y=piece.y, rotation=piece.rotation),
        actor=user_id,
    )


async def pickup(room: LoadedRoom, furniture: LiveFurniture, user_id: int, message: Pickup) -> None:
    piece = furniture.rules.check_pickup(actor=user_id, furni_id=message.furni)
    await apublish(FurniPickedUp(room_id=room.id, user_id=user_id, furni_id=piece.id), actor=user_id)


async def rights(room: LoadedRoom, furniture: LiveFurniture, user_id: int, message: Rights) -> None:
    """The room's owner gives or takes a player's rights."""
    if user_id != furniture.owner:
        raise Refused("not_owner")
    if not await User.objects.filter(pk=message.user, is_active=True).aexists():
        raise Refused("no_player")
    await apublish(RightsChanged(room_id=room.id, user_id=message.user, granted=message.granted), actor=user_id)
