"""Which consumers exist: name → topic, consumer group, handler per event type.

Each concern is its own consumer group, so one failing never stops another.
Handlers are dotted paths to plain functions `handler(event, envelope)`;
event types a consumer has no handler for are skipped (and committed).
"""

from dataclasses import dataclass, field

from habbo.bus.topics import ROOM_EVENTS, Topic


@dataclass(frozen=True)
class ConsumerSpec:
    name: str
    topic: Topic
    handlers: dict[str, str]
    description: str
    group: str = field(default="")

    def __post_init__(self):
        if not self.group:
            object.__setattr__(self, "group", self.name)


CONSUMERS: dict[str, ConsumerSpec] = {
    spec.name: spec
    for spec in (
        ConsumerSpec(
            name="rooms",
            topic=ROOM_EVENTS,
            handlers={"room.created": "rooms.handlers.room_created"},
            description="creates rooms and tells their owners",
        ),
    )
}
