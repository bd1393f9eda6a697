"""The room socket `ws/rooms/<id>/`: walking, waving, dancing, chat,
furniture, rights, the doorbell and trading (docs/protocol.md).

A thin door: it validates each message against rooms.protocol and calls the
rules in rooms.doorbell (who may enter), rooms.presence, rooms.movement,
rooms.furniture_requests, rooms.trading and chat.services. Everything the
room shares lives in Redis (rooms.live), so any daphne process serves any room.
"""

import json
import logging
import time
import uuid

from autobahn.exception import Disconnected
from channels.generic.websocket import AsyncWebsocketConsumer
from pydantic import ValidationError

from chat.services import ChatRefused, chat_send
from habbo import direct_frames, metrics, restrictions, socket_layer
from habbo.bus.producer import EventBusUnavailable
from habbo.sockets import SmallClientMessages, WithoutDbHopPerMessage
from rooms import doorbell, frames, furniture_requests, presence
from rooms.fanout import broadcast, fanout
from rooms.heartbeat import heartbeats
from rooms.presence import room_event
from rooms.live import Avatar, LiveRoom, now_ms
from rooms.movement import plan_walk
from rooms.placement import Refused
from rooms.protocol import (
    ClientMessage, Dance, DoorbellAnswer, Move, Pickup, Place, Rights, Say, Shout, TradeAccept, TradeCancel, TradeConfirm,
    TradeOffer, TradeOpen, Walk, Wave, Whisper, refusal,
)
from rooms.trade_socket import TradingSocket
from rooms.trading import TradeNotAllowed

log = logging.getLogger(__name__)

CLOSE_NOT_LOGGED_IN = 4401
CLOSE_FULL = 4403
CLOSE_NO_ROOM = 4404
CLOSE_GONE = 4408
CLOSE_REPLACED = 4409
CLOSE_UNAVAILABLE = 4503
# Daphne (autobahn) lets an application close only with 1000 or 3000-4999, so
# these are RFC 6455's 1003 and 1007 plus 3000.
CLOSE_UNSUPPORTED = 4003  # binary frames
CLOSE_INVALID = 4007  # a text frame that is not a JSON object

RATE_PER_S = 10  # messages a socket may send per second, in a burst of RATE_BURST
RATE_BURST = 20
UNAVAILABLE = "That did not go through; nothing changed. Try again."


class RoomConsumer(TradingSocket, SmallClientMessages, WithoutDbHopPerMessage, AsyncWebsocketConsumer):
    # Whispers, trades, "replaced" and sanctions reach this socket through its
    # process's one subscription, not one (and a group's) of its own.
    channel_layer_alias = socket_layer.ALIAS
    joined = False
    connection = None  # Daphne's connection, for room frames written directly
    # Room frames that arrive before the snapshot is sent wait here, in order.
    held_frames: list[direct_frames.Frame] | None = None

    async def connect(self):
        await self.accept()
        self.connection = direct_frames.daphne_connection(self.base_send)
        user = self.scope["user"]
        if not user.is_authenticated:
            return await self.close(CLOSE_NOT_LOGGED_IN, "log in first")
        if restrictions.banned_now(user):
            return await self._closed_by_sanction(restrictions.CLOSE_BANNED, restrictions.ban_sentence(user))
        await restrictions.restore(user)
        self.user = user
        self.room = await presence.load_room(self.scope["url_route"]["kwargs"]["room_id"])
        if self.room is None:
            return await self.close(CLOSE_NO_ROOM, "no such room")
        self.live = LiveRoom(self.room.id)
        self.conn = uuid.uuid4().hex
        self.tokens, self.tokens_at = RATE_BURST, time.monotonic()
        self.held_frames = []
        try:
            await fanout().join(self.room.id, self)
        except TimeoutError:  # this process could not read the room from Redis in time
            return await self.close(CLOSE_UNAVAILABLE, "the hotel cannot let you in right now; try again")
        try:
            await doorbell.admit(self.room, fanout().furniture(self.room.id), self.user)
            entered = await presence.enter(self.room, self.user, conn=self.conn, channel=self.channel_name)
        except doorbell.NotLetIn as refused:
            await fanout().leave(self.room.id, self)
            return await self.close(refused.code, refused.reason)
        except presence.RoomFull:
            await fanout().leave(self.room.id, self)
            return await self.close(CLOSE_FULL, "the room is full")
        except presence.Replaced:
            await fanout().leave(self.room.id, self)
            return await self.close(CLOSE_REPLACED, "logged in elsewhere")
        except BaseException:
            await fanout().leave(self.room.id, self)
            raise
        self.avatar: Avatar = entered.avatar
        # A moderator's kick or ban reaches this socket through the player's
        # sockets group; Channels leaves the groups in self.groups on disconnect.
        self.groups.append(restrictions.sockets_group(user.pk))
        await self.channel_layer.group_add(self.groups[-1], self.channel_name)
        self.joined = True
        furniture = fanout().furniture(self.room.id)
        if furniture is None:  # the room was deleted while this socket came in
            await self.disconnect(None)
            return await self.close(CLOSE_NO_ROOM, "no such room")
        try:
            await self.send_frame_now(await presence.snapshot(self.room, furniture, entered))
            held, self.held_frames = self.held_frames, None
            for frame in held:
                await self.send_frame(frame)
            heartbeats().add(self, self.user.pk, self.conn)
        except BaseException:
            # A failed connect gets no disconnect: leave the room (and its frames) here.
            await self.disconnect(None)
            raise

    async def disconnect(self, code):
        if not self.joined:
            return
        self.joined = False
        heartbeats().remove(self)
        await fanout().leave(self.room.id, self)
        await presence.leave(self.room, self.avatar)
        await self._leave_trade()

    async def gone(self):
        """The room's heartbeat found this avatar cleared or taken over (rooms.heartbeat)."""
        heartbeats().remove(self)
        await self.close(CLOSE_GONE, "you are no longer in the room; reconnect")

    async def lost(self):
        """The Redis node of this room failed (rooms.fanout): back in through a new socket."""
        heartbeats().remove(self)
        await self.close(CLOSE_UNAVAILABLE, "the hotel lost the room for a moment; reconnect")

    # -- client → server ---------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None:
            return await self.close(CLOSE_UNSUPPORTED, "binary frames are not accepted")
        try:
            data = json.loads(text_data)
        except (ValueError, RecursionError):
            return await self.close(CLOSE_INVALID, "frames must be JSON")
        if not isinstance(data, dict):
            return await self.close(CLOSE_INVALID, "frames must be JSON objects")
        if not self.joined:
            return
        if not self._take_token():
            return await self._error("slow_down", "Too many messages; slow down.")
        try:
            message = ClientMessage.validate_python(data)
        except ValidationError as exc:
            return await self._error("invalid", refusal(exc))
        handler = {
            Walk: self._walk, Say: self._chat, Shout: self._chat, Whisper: self._whisper, Wave: self._wave,
            Dance: self._dance,
            Place: self._place, Move: self._move, Pickup: self._pickup, Rights: self._rights,
            DoorbellAnswer: self._doorbell_answer,
            TradeOpen: self._trade_open, TradeOffer: self._trade_offer, TradeAccept: self._trade_accept,
            TradeConfirm: self._trade_confirm, TradeCancel: self._trade_cancel,
        }
        try:
            await handler[type(message)](message)
        except (Refused, TradeNotAllowed) as refused:
            await self._error(refused.code, refused.message)
        except EventBusUnavailable:
            await self._error("unavailable", UNAVAILABLE)
        except Exception:
            # Redis or Kafka trouble: the player is told, the socket and the avatar stay.
            log.exception("room %s: %s from user %s failed", self.room.id, message.type, self.user.pk)
            await self._error("server_error", "Something went wrong on our side; try again.")

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(RATE_BURST, self.tokens + (now - self.tokens_at) * RATE_PER_S)
        self.tokens_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def _walk(self, message: Walk):
        # Only this socket moves its avatar, so self.avatar is where it walks;
        # the others' positions come from this process's copy of the room.
        now = now_ms()
        occupied = fanout().occupied(self.room.id, now, but=self.user.pk)
        furniture = fanout().furniture(self.room.id)
        blocking = furniture.blocking if furniture else set()
        moved = plan_walk(self.avatar, self.room.plan, (message.x, message.y), blocking | occupied, now)
        walk = frames.Walk.model_construct(user=self.user.pk, path=moved.path, started_at=moved.started_at)
        if not await self.live.move(moved, walk):
            # Cleared as gone (no heartbeat in time) or taken over: start afresh.
            return await self.close(CLOSE_GONE, "you are no longer in the room; reconnect")
        self.avatar = moved
        metrics.WALKS.inc()

    def _furniture(self):
        furniture = fanout().furniture(self.room.id)
        if furniture is None:
            raise Refused("no_room")
        return furniture

    def _avatars(self) -> set:
        """Every avatar's tile, this player's too: nothing is put onto anyone."""
        return fanout().occupied(self.room.id, now_ms(), but=0)

    async def _place(self, message: Place):
        await furniture_requests.place(self.room, self._furniture(), self.user.pk, message, self._avatars())

    async def _move(self, message: Move):
        await furniture_requests.move(self.room, self._furniture(), self.user.pk, message, self._avatars())

    async def _pickup(self, message: Pickup):
        await furniture_requests.pickup(self.room, self._furniture(), self.user.pk, message)

    async def _rights(self, message: Rights):
        await furniture_requests.rights(self.room, self._furniture(), self.user.pk, message)

    async def _doorbell_answer(self, message: DoorbellAnswer):
        await doorbell.answer(self.room, self._furniture(), by=self.user.pk, visitor=message.user, let_in=message.let_in)

    async def _still_here(self) -> bool:
        """False (and the socket closes) if this socket no longer owns its avatar."""
        avatar = await self.live.get(self.user.pk)
        if avatar is None or avatar.conn != self.conn:
            await self.close(CLOSE_GONE, "you are no longer in the room; reconnect")
            return False
        return True

    async def _wave(self, message: Wave):
        if not await self._still_here():
            return
        await broadcast(self.room.id, frames.Wave.model_construct(user=self.user.pk))

    async def _dance(self, message: Dance):
        # Kept on the avatar, so whoever enters later sees the dance too.
        dance = frames.Dance.model_construct(user=self.user.pk, style=message.style)
        if not await self.live.change(self.user.pk, self.conn, {"dance": message.style}, dance):
            await self.close(CLOSE_GONE, "you are no longer in the room; reconnect")

    async def _chat(self, message: Say | Shout):
        if not await self._still_here():
            return
        envelope = await self._send_line(kind=message.type, text=message.text)
        if envelope:
            metrics.CHAT_LINES.labels(message.type).inc()
            await broadcast(self.room.id, self._line(envelope, message.type))

    async def _whisper(self, message: Whisper):
        if not await self._still_here():
            return
        target = await presence.find_present(self.live, message.to)
        if target is None or target.id == self.user.pk:
            return await self._error("not_here", f"{message.to} is not in this room.")
        envelope = await self._send_line(kind="whisper", text=message.text, recipient_id=target.id)
        if envelope:
            metrics.CHAT_LINES.labels("whisper").inc()
            line = self._line(envelope, "whisper", to=target.id)
            await self.channel_layer.send(target.channel, room_event(line))
            await self.send_frame_now(line)

    async def _send_line(self, **line):
        try:
            return await chat_send(room_id=self.room.id, user_id=self.user.pk, **line)
        except ChatRefused as exc:
            await self._error(exc.code, exc.message)
        except EventBusUnavailable:
            await self._error("unavailable", "Your message could not be sent; nobody saw it. Try again.")
        return None

    def _line(self, envelope, kind: str, **whisper_to: int) -> frames.Chat:
        line = frames.WhisperLine if whisper_to else frames.Chat
        return line.model_construct(
            id=str(envelope.id),
            user=self.user.pk,
            name=self.user.username,
            kind=kind,
            text=envelope.payload["text"],  # as published: after the word filter
            at=int(envelope.occurred_at.timestamp() * 1000),
            **whisper_to,
        )

    async def _error(self, code: str, message: str):
        await self.send_frame_now(frames.Error(code=code, message=message))

    async def send_frame_now(self, frame: frames.Frame):
        """A frame for this socket alone, in order with what it was sent before."""
        await self.send(text_data=frames.frame_text(frame))

    async def send(self, text_data=None, bytes_data=None, close=False):
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except Disconnected:
            pass  # the client went away while a broadcast was on its way; disconnect() follows

    # -- room broadcasts (rooms.fanout) and channel layer → client -------------

    async def send_frame(self, frame: direct_frames.Frame) -> None:
        """A room broadcast: on Daphne's connection, framed once for the room,
        when the shortcut is on and the socket open; otherwise through ASGI."""
        if self.held_frames is not None:
            self.held_frames.append(frame)
        elif not (self.connection and direct_frames.write(self.connection, frame)):
            await self.send(text_data=frame.text)

    async def room_event(self, event):
        """A message for this socket alone (a whisper)."""
        await self.send(text_data=event["text"])

    async def room_replaced(self, event):
        """The same player opened another room socket: this one goes."""
        await self._go()
        await self.close(CLOSE_REPLACED, "logged in elsewhere")

    async def sanction_close(self, event):
        """A moderator kicked (from this room, or any) or banned the player."""
        if event["room"] in (None, str(self.room.id)):
            await self._go()
            await self._closed_by_sanction(event["code"], event["reason"])

    async def _go(self):
        """Leave the room now, without waiting for the socket's disconnect."""
        if self.joined:
            self.joined = False
            heartbeats().remove(self)
            await fanout().leave(self.room.id, self)
            # In the same room a new socket may own the avatar now, and this changes nothing.
            await presence.leave(self.room, self.avatar)
            await self._leave_trade()

    async def _closed_by_sanction(self, code: int, sentence: str):
        """The sentence as an error frame first: a close reason holds 123 bytes."""
        word = "kicked" if code == restrictions.CLOSE_KICKED else "banned"
        await self.send_frame_now(frames.Error(code=word, message=sentence))
        await self.close(code, word)
