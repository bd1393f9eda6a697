"""The event envelope and the base class every event payload derives from.

A message on any topic is one JSON envelope:
  {"id", "type", "version", "occurred_at", "actor", "key", "payload"}
Each event type is a pydantic model subclassing Event; declaring the class
registers it, so decode() knows every type without a hand-written switch.
"""

import json
import uuid
from datetime import datetime
from typing import Any, ClassVar

from django.utils import timezone
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, PositiveInt, ValidationError

from habbo.bus.topics import Topic


class InvalidEvent(Exception):
    """The message cannot be decoded, validated or applied; it goes to the DLQ."""


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: uuid.UUID = Field(description="unique per event; a consumer applies an id once")
    type: str = Field(
        pattern=r"^[a-z_]+(\.[a-z_]+)+$", max_length=64, description="dotted event type, e.g. `room.created`"
    )
    version: PositiveInt = Field(description="schema version of `payload` for this type")
    occurred_at: AwareDatetime = Field(description="when the action happened; the offset is required")
    actor: int | None = Field(description="the user who acted (`null`: the hotel itself)")
    key: str = Field(min_length=1, max_length=200, description="the Kafka message key; must be what the payload implies")
    payload: dict[str, Any] = Field(description="the event's fields (below), checked against the type's schema")


class Event(BaseModel):
    """Base of every event payload. Subclasses set TYPE, TOPIC (and VERSION)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[Topic]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "TYPE" not in cls.__dict__:
            return  # a shared base of several event types, not an event itself
        key = (cls.TYPE, cls.VERSION)
        if key in EVENT_TYPES:
            raise TypeError(f"event type {key} is declared twice")
        EVENT_TYPES[key] = cls

    def key(self) -> str:
        """The Kafka message key: what ordering is kept for."""
        raise NotImplementedError

    def envelope(
        self, *, actor: int | None, occurred_at: datetime | None = None, id: uuid.UUID | None = None
    ) -> Envelope:
        """`id`: a fixed one makes publishing the same fact twice harmless
        (consumers apply an id once); a new one by default."""
        return Envelope(
            id=id or uuid.uuid4(),
            type=self.TYPE,
            version=self.VERSION,
            occurred_at=occurred_at or timezone.now(),
            actor=actor,
            key=self.key(),
            payload=self.model_dump(mode="json"),
        )


EVENT_TYPES: dict[tuple[str, int], type[Event]] = {}


def decode(raw: bytes | None) -> tuple[Envelope, Event]:
    """Parse and validate one Kafka message value, or raise InvalidEvent."""
    if raw is None:
        raise InvalidEvent("empty message")
    try:
        # Strict, as the payload below: a value must have its JSON type, nothing is converted.
        envelope = Envelope.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        raise InvalidEvent(f"invalid envelope: {_summary(exc)}") from exc
    event_class = EVENT_TYPES.get((envelope.type, envelope.version))
    if event_class is None:
        raise InvalidEvent(f"unknown event type {envelope.type!r} version {envelope.version}")
    try:
        # As JSON, so strict mode still reads UUIDs and times from their JSON strings.
        event = event_class.model_validate_json(json.dumps(envelope.payload), strict=True)
    except ValidationError as exc:
        raise InvalidEvent(f"invalid {envelope.type} payload: {_summary(exc)}") from exc
    if envelope.key != event.key():
        raise InvalidEvent(f"key {envelope.key!r} does not match the payload (expected {event.key()!r})")
    return envelope, event


def check_actor(actor_id: int | None, acting: int) -> None:
    """A player's event must be published by that player (the envelope's actor)."""
    if actor_id != acting:
        raise InvalidEvent(f"user {actor_id} cannot act for user {acting}")


def _summary(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in exc.errors())[:500]
