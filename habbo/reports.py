"""Calls for help: the event that opens a ticket for the moderators.

Declared in the core, not in the moderation app, because every text path
(chat, private messages, mottos, room names) may open one through the word
filter (habbo.wordfilter), and the apps below moderation cannot import it.
The moderation consumer applies it (moderation.handlers).
"""

import uuid
from typing import Literal

from pydantic import Field, model_validator

from habbo.bus.events import Envelope, Event
from habbo.bus.producer import apublish, publish
from habbo.bus.topics import MODERATION
from habbo.text import PlainText

REPORT_MESSAGE_MAX = 200
QUOTE_MAX = 200


class HelpReported(Event):
    """A player reported a player, a room or a chat line; or the word filter
    saw a word set to open a ticket (`reporter_id` null, `quote` what was written)."""

    TYPE = "help.reported"
    TOPIC = MODERATION

    ticket_id: uuid.UUID = Field(description="the ticket's id, made by the reporter's click: a second click opens none")
    reporter_id: int | None = Field(gt=0, description="who reported; null for the word filter")
    about: Literal["player", "room", "chat", "word"]
    about_user_id: int | None = Field(default=None, gt=0, description="the player reported (or who wrote the word)")
    room_id: uuid.UUID | None = Field(default=None, description="the room it happened in, if any")
    chat_line_id: uuid.UUID | None = Field(default=None, description="the chat line reported (about `chat`)")
    message: PlainText(REPORT_MESSAGE_MAX, min_length=0) = Field(default="", description="the reporter's words")
    quote: PlainText(QUOTE_MAX, min_length=0) = Field(
        default="", description="for `word`: the text as written, before the filter"
    )
    private: bool = Field(
        default=False, description="the quote is from a whisper or a private message: shown only to staff who read those"
    )

    @model_validator(mode="after")
    def _says_what_about(self) -> "HelpReported":
        needed = {"player": self.about_user_id, "room": self.room_id, "chat": self.chat_line_id,
                  "word": self.about_user_id}
        if needed[self.about] is None:
            raise ValueError(f"a report about {self.about} names it")
        if (self.about == "word") != (self.reporter_id is None):
            raise ValueError("only the word filter reports without a reporter")
        return self

    def key(self) -> str:
        return str(self.ticket_id)


def report(event: HelpReported) -> Envelope:
    """Publish a report (the reporter is its actor); raises EventBusUnavailable."""
    return publish(event, actor=event.reporter_id)


async def areport(event: HelpReported) -> Envelope:
    return await apublish(event, actor=event.reporter_id)
