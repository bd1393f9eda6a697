"""Entering a room that is not open (rooms.models.Room.Access). A locked room
lets in its owner and those with rights; a doorbell room lets them in too, and
anyone whom someone with rights, inside, lets in. Ringing and answering are
real-time, as walking is: nothing about them is kept. A ring is a room frame
to those inside, rung once until answered (or for RING_TTL_S); an answer is a
notice to the visitor's pages and, when it is yes, a pass in Redis: the
visitor comes and goes (a reconnect, another window) without ringing until
PASS_TTL_S after their last entry."""

from habbo.bus.push import notify
from habbo.redis import redis, tag
from rooms.fanout import broadcast
from rooms.frames import Doorbell, DoorbellAnswered
from rooms.live import LiveRoom
from rooms.live_furniture import LiveFurniture
from rooms.models import Room
from rooms.placement import Refused
from rooms.presence import reap
from rooms.pushes import DoorbellAnswer

PASS_TTL_S = 15 * 60
RING_TTL_S = 2 * 60

# Close codes of a room socket that is not let in (docs/protocol.md).
CLOSE_LOCKED = 4423
CLOSE_RANG = 4424
CLOSE_NOBODY_IN = 4425


class NotLetIn(Exception):
    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


# Under the room's hash tag: on a Redis Cluster the doorbell lives on the
# room's shard, so another shard's failover leaves it alone.
def _pass_key(room_id, user_id: int) -> str:
    return f"live:doorpass:{tag('room', room_id)}:{user_id}"


def _ring_key(room_id, user_id: int) -> str:
    return f"live:doorring:{tag('room', room_id)}:{user_id}"


def _answers(furniture: LiveFurniture, user_id: int) -> bool:
    return user_id == furniture.owner or user_id in furniture.rights


async def admit(room, furniture: LiveFurniture | None, user) -> None:
    """Returns if the player may enter now, else raises NotLetIn (after
    ringing, for a doorbell room with someone inside to answer). Without
    the room's furniture (deleted meanwhile) the entry goes on to find that.
    Someone already inside (another window taking over) is not asked again."""
    if room.access == Room.Access.OPEN or furniture is None or _answers(furniture, user.pk):
        return
    live = LiveRoom(room.id)
    if room.access == Room.Access.LOCKED:
        raise NotLetIn(CLOSE_LOCKED, "the room is locked")
    if await redis().expire(_pass_key(room.id, user.pk), PASS_TTL_S) or await redis().hexists(live.key, user.pk):
        return
    await reap(room)  # avatars of a dead process answer no doorbell
    inside = {int(uid) for uid in await redis().hkeys(live.key)}
    if not any(_answers(furniture, uid) for uid in inside):
        raise NotLetIn(CLOSE_NOBODY_IN, "nobody is in to answer the doorbell")
    if await redis().set(_ring_key(room.id, user.pk), 1, nx=True, ex=RING_TTL_S):
        await broadcast(room.id, Doorbell(user=user.pk, name=user.username))
    raise NotLetIn(CLOSE_RANG, "you rang the doorbell; wait for an answer")


async def answer(room, furniture: LiveFurniture, *, by: int, visitor: int, let_in: bool) -> None:
    """Someone inside answers a ring, once; raises Refused without rights or
    without a visitor ringing."""
    if not _answers(furniture, by):
        raise Refused("no_rights")
    if not await redis().getdel(_ring_key(room.id, visitor)):
        raise Refused("not_ringing")
    if let_in:
        await redis().set(_pass_key(room.id, visitor), 1, ex=PASS_TTL_S)
    card = {"id": str(room.id), "name": room.name, "url": f"/rooms/{room.id}/"}
    await notify([visitor], DoorbellAnswer(room=card, let_in=let_in))
    # The others who could answer put their prompt away.
    await broadcast(room.id, DoorbellAnswered(user=visitor, let_in=let_in))
