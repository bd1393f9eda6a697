"""Who is in a room: entering, leaving, a second login, and clearing avatars
whose socket or process is gone. Entering and leaving are durable events
(room.user_entered / room.user_left) for the room-stats and visit-log consumers."""

import asyncio
import logging
import uuid
import weakref
from dataclasses import dataclass

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from chat.selectors import RECENT_LINES, recent_lines
from habbo import presence, socket_layer, versions
from habbo.bus import outbox
from habbo.loops import per_loop
from habbo.models import User
from habbo.redis import REDIS_DOWN, failed, one_round_trip
from habbo.versions import LocalCache
from rooms.events import UserEntered, UserLeft
from rooms.floorplan import FloorPlan
from rooms.frames import Frame, RoomView, Snapshot, frame_text
from rooms.fanout import fanout
from rooms.live import (
    FULL, JOINED, SUPERSEDED, TAKEN, Avatar, Entry, LiveRoom, claim_script, claimed, now_ms, public_of,
    release_user, restore_user, standing_of,
)
from rooms.live_furniture import LiveFurniture
from rooms.models import Room
from rooms.movement import entry_walk, taken_tiles

log = logging.getLogger(__name__)


# An entry whose tile was taken meanwhile looks again, this many times in
# all: each time another player got in, so a room's worth entering at once
# all find a tile of their own before the last attempt enters regardless.
ENTRY_ATTEMPTS = 25
# Room id → the lock its entries take turns at (while any holds or awaits it).
_entry_turns = per_loop(weakref.WeakValueDictionary)


class RoomFull(Exception):
    pass


class Replaced(Exception):
    """The player's later socket owns the avatar: this one lost before it got in."""


def room_event(frame: Frame) -> dict:
    """A channel-layer message for one room socket (a whisper)."""
    return {"type": "room.event", "text": frame_text(frame)}


@dataclass(frozen=True)
class LoadedRoom:
    """What a room socket needs of a room, read once when it connects."""

    id: uuid.UUID
    name: str
    capacity: int
    plan: FloorPlan
    wallpaper: str
    floor: str
    access: str = Room.Access.OPEN


# Kept by each process (habbo.versions): a room under its token, replaced
# when it is saved or deleted (room_saved); its last lines under the room's
# chat token, replaced when a line is stored (chat.services.chat_store).
_rooms: LocalCache[LoadedRoom] = LocalCache("room", size=2000)
_chat: LocalCache[list[dict]] = LocalCache(RECENT_LINES, size=2000)


async def load_room(room_id) -> LoadedRoom | None:
    """The room's furniture is read by the process once (rooms.fanout), not per socket."""
    return await _rooms.get(room_id, lambda: _read_room(room_id))


@database_sync_to_async
def _read_room(room_id) -> LoadedRoom | None:
    room = Room.objects.filter(pk=room_id).first()
    if room is None:
        return None
    return LoadedRoom(room.id, room.name, room.capacity, room.plan, room.wallpaper, room.floor, room.access)


def room_saved(sender, instance: Room, **kwargs) -> None:
    """post_save and post_delete of a Room: the processes' copies go. An
    update() sends no signal: code that changes a room that way calls this too."""
    versions.bump("room", instance.pk)


@dataclass(frozen=True)
class Entered:
    avatar: Avatar  # as stored: a player already here keeps their path and visit
    # Who was in the room as this entry read it just before it got in (user
    # id → stored JSON; reap or a retry). The socket joined the room's frames
    # before that read, so its snapshot is this with every frame since after it.
    others: dict
    chat_token: str | None  # the room's chat token (habbo.versions) as the entry read it, after joining the frames


async def enter(room: LoadedRoom, user: User, *, conn: str, channel: str) -> Entered:
    """Put the player in the room at the door, stepping in to the nearest
    free tile (or where their other socket had them).

    Raises RoomFull or Replaced. A newcomer's room.user_entered is parked
    in the room's outbox in the step that lets them in, and published
    moments later with the others' (habbo.bus.outbox.publish_soon): the
    player does not wait for Kafka, and while Kafka is down gets in all the
    same, the event left for a drain.
    """
    live = LiveRoom(room.id)
    # This process's entries into a room take turns at picking a tile: at
    # once they would all pick the same one, and all but one look again
    # (a room filling up tried 3 times an entry on average).
    async with _entry_turns().setdefault(room.id, asyncio.Lock()):
        # Who is in, the claim and the room's chat token (for the snapshot)
        # in one round trip: each costs the event loop more than the reads.
        look, claim, chat_token = await one_round_trip(
            live.look_script(), claim_script(user.pk, room.id, conn, channel),
            ("GET", _chat.token_key(room.id)))
        if isinstance(claim, Exception):
            raise claim
        claim = claimed(claim)
        try:
            if error := failed([look, chat_token]):
                raise error
            others = await _reaped(room, live.looked(look, _presence_timeout_ms()))
            entry, others = await _join(room, user, conn, channel, claim.number, others)
        except BaseException:  # e.g. the room's Redis node failed: the claim must not name a socket that never got in
            await _give_back(user.pk, conn, claim.previous)
            raise
    if entry.outcome == FULL:
        await restore_user(user.pk, conn, claim.previous)
        raise RoomFull
    if entry.outcome == SUPERSEDED:
        raise Replaced
    if entry.outcome == JOINED:
        outbox.publish_soon(entry.parked, live.tag)
    # Only now, with the player in, does their other socket (if any) go.
    if claim.previous and claim.previous["conn"] != conn:
        try:
            await get_channel_layer(socket_layer.ALIAS).send(claim.previous["channel"], {"type": "room.replaced"})
        except REDIS_DOWN:  # the player is in; that socket finds its avatar gone at its next heartbeat
            log.warning("player %s's replaced socket could not be told", user.pk, exc_info=True)
    await presence.changed(user.pk)
    return Entered(entry.avatar, others, chat_token)


async def _join(room: LoadedRoom, user: User, conn: str, channel: str, claim: int, others: dict) -> tuple[Entry, dict]:
    """Enter, first by `others` (as reap read them just before); returns the
    entry and the others as its last try read them."""
    live = LiveRoom(room.id)
    furniture = fanout().furniture(room.id)
    blocked = furniture.blocking if furniture else set()
    visit = uuid.uuid4().hex
    entered = outbox.entry(UserEntered(room_id=room.id, user_id=user.pk, visit_id=visit), actor=user.pk)
    for attempt in range(ENTRY_ATTEMPTS):
        now = now_ms()
        if attempt:
            others = await live.stored()
        path = entry_walk(room.plan, blocked, taken_tiles(standing_of(others), now, but=user.pk))
        fresh = Avatar(user.pk, user.username, user.figure, path, now, conn, channel, visit, motto=user.motto,
                       claim=claim)
        # Someone else may take the tile before this entry is stored: then
        # look again; the last attempt enters whatever happened meanwhile.
        target = path[-1] if len(path) > 1 and attempt < ENTRY_ATTEMPTS - 1 else None
        entry = await live.join(fresh, room.capacity, target=target, outbox_entry=entered)
        if entry.outcome != TAKEN:
            break
    return entry, others


async def _give_back(user_id: int, conn: str, previous: dict | None) -> None:
    """restore_user(), as far as Redis lets it now."""
    try:
        await restore_user(user_id, conn, previous)
    except REDIS_DOWN:
        log.warning("the claim of player %s could not be given back", user_id, exc_info=True)


async def leave(room: LoadedRoom, avatar: Avatar) -> None:
    """Take the avatar out, unless a newer socket of the same player owns it.

    On a Redis Cluster the player's claim and the room may be on two shards:
    one failing does not keep the other (a claim left behind is replaced by
    the player's next; an avatar left behind is reaped)."""
    await _release(avatar)
    if await _take_out(room, avatar, actor=avatar.id):
        await presence.changed(avatar.id)


async def _release(avatar: Avatar) -> None:
    try:
        await release_user(avatar.id, avatar.conn)
    except REDIS_DOWN:
        log.warning("the claim of player %s could not be released", avatar.id, exc_info=True)


async def reap(room: LoadedRoom) -> dict:
    """Clear avatars whose socket stopped beating (its process died), and
    retry parked events (in the background). Returns who is in the room as
    LiveRoom.look read it (user id → stored JSON), without those cleared."""
    return await _reaped(room, await LiveRoom(room.id).look(_presence_timeout_ms()))


def _presence_timeout_ms() -> int:
    """How long a socket may go without beating before its avatar is cleared."""
    return settings.ROOM_PRESENCE_TIMEOUT_S * 1000


async def _reaped(room: LoadedRoom, looked: tuple[dict, list[Avatar]]) -> dict:
    """reap() after the look."""
    present, stale = looked
    for avatar in stale:
        # Published by the drain below: one by one here, each could wait for
        # Kafka while the room's heartbeat (or an entry) waits behind it.
        if await _take_out(room, avatar, actor=None, publish=False):
            await _release(avatar)
            await presence.changed(avatar.id)
        else:
            # The player's new socket took the avatar over meanwhile (no
            # frame tells that: path, visit and looks stay), or another
            # reaper cleared it (its user_left comes after this read).
            present[str(avatar.id)] = avatar.to_json()
    outbox.drain_soon()
    return present


async def _take_out(room: LoadedRoom, avatar: Avatar, *, actor: int | None, publish: bool = True) -> bool:
    """Remove the avatar with its room.user_left parked in the same step, then
    publish that (or leave it to the drain); False if another socket owns the avatar."""
    left = UserLeft(room_id=room.id, user_id=avatar.id, visit_id=avatar.visit)
    live = LiveRoom(room.id)
    parked = await live.leave(avatar.id, avatar.conn, outbox.entry(left, actor=actor))
    if parked is None:
        return False
    if publish:
        await outbox.publish_parked(parked, live.tag)
    else:
        await outbox.outbox_listed(live.tag)
    return True


async def find_present(live: LiveRoom, username: str) -> Avatar | None:
    return next((a for a in await live.avatars() if a.name.lower() == username.lower()), None)


async def snapshot(room: LoadedRoom, furniture: LiveFurniture, entered: Entered) -> Snapshot:
    """The room as the entry read it, with the entrant in it (Entered.others)."""
    you = entered.avatar.id
    avatars = [public_of(raw) for user_id, raw in entered.others.items() if int(user_id) != you]
    avatars.append(entered.avatar.public())
    return Snapshot(
        you=you,
        now=now_ms(),
        room=RoomView(
            id=str(room.id),
            name=room.name,
            owner=furniture.owner,
            capacity=room.capacity,
            floor_plan=list(room.plan.rows),
            door=(room.plan.door_x, room.plan.door_y),
            wallpaper=room.wallpaper,
            floor=room.floor,
        ),
        furniture=list(furniture.views.values()),
        rights=sorted(furniture.rights),
        furni_seq=furniture.seq,
        avatars=avatars,
        chat=await _chat.get(room.id, lambda: database_sync_to_async(recent_lines)(room.id), token=entered.chat_token),
    )
