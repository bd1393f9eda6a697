"""Chat rules: flood control, the word filter, publish before anyone sees a line,
and storing lines in the history (once)."""

import asyncio
import uuid
from datetime import datetime

from django.db import transaction

from chat import flood
from chat.events import ChatMessageSent
from chat.models import MAX_LINE, ChatLine
from chat.selectors import RECENT_LINES
from habbo import versions
from habbo.bus.events import Envelope, InvalidEvent
from habbo.bus.producer import apublish
from habbo.models import User
from habbo.restrictions import restricted_until, time_left
from habbo.wordfilter import acensor, areport_word


class ChatRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


async def chat_send(
    *, room_id: uuid.UUID, user_id: int, kind: str, text: str, recipient_id: int | None = None
) -> Envelope:
    """Publish a line; it may be shown only after this returns (Kafka has it),
    and as the envelope's payload has it: with the word filter's replacements.

    Raises ChatRefused (muted, flooding) or EventBusUnavailable.
    """
    # Both mutes at once: one wait for Redis per line, not two.
    until, seconds = await asyncio.gather(restricted_until("mute", user_id), flood.muted_for(user_id))
    if until:
        raise ChatRefused("muted", f"A moderator muted you: {time_left(until)} left.")
    if seconds:
        raise ChatRefused("muted", f"You are muted for flooding: {seconds} s left.")
    if seconds := await flood.record_line(user_id):
        raise ChatRefused("muted", f"Too many lines too fast: you are muted for {seconds} s.")
    censored = await acensor(text, max_length=MAX_LINE)
    event = ChatMessageSent(
        room_id=room_id, user_id=user_id, kind=kind, text=censored.text, recipient_id=recipient_id
    )
    envelope = await apublish(event, actor=user_id)
    await areport_word(censored, writer_id=user_id, room_id=room_id, private=kind == "whisper")
    return envelope


@transaction.atomic
def chat_store(*, line_id: uuid.UUID, event: ChatMessageSent, said_at: datetime) -> ChatLine:
    """Apply chat.message to the history; the line's id is the event's id."""
    # The room model through the line's own foreign key: the rooms app uses
    # chat (its socket carries chat), so chat does not import rooms.
    rooms = ChatLine._meta.get_field("room").related_model.objects
    if not rooms.filter(pk=event.room_id).exists():
        raise InvalidEvent(f"unknown room {event.room_id}")
    known = set(User.objects.filter(pk__in={event.user_id, event.recipient_id} - {None}).values_list("pk", flat=True))
    if event.user_id not in known or (event.recipient_id and event.recipient_id not in known):
        raise InvalidEvent("unknown speaker or recipient")
    line, created = ChatLine.objects.get_or_create(
        id=line_id,
        defaults=dict(
            room_id=event.room_id,
            user_id=event.user_id,
            kind=event.kind,
            recipient_id=event.recipient_id,
            text=event.text,
            said_at=said_at,
        ),
    )
    if created and line.kind != ChatLine.Kind.WHISPER:
        versions.bump(RECENT_LINES, event.room_id)
    return line


def chat_history_empty() -> None:
    """Empty the chat history, to rebuild it by replaying chat-messages."""
    versions.bump_many(RECENT_LINES, ChatLine.objects.order_by().values_list("room_id", flat=True).distinct())
    ChatLine.objects.all().delete()
