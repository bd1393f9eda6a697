"""Which consumers exist: name → topic, consumer group, and what applies each event type.

Each concern is its own consumer group, so one failing never stops another.
A consumer names either `handlers`, plain functions `handler(event, envelope)`
per event type, or one `batch_handler(items)` that takes every event of a
batch of its `batch_types` in order, as a list of (event, envelope), and can
check and write them all with a few queries. Both run in the batch's
transaction. Event types a consumer has no handler for are skipped (and
committed). Handlers are dotted paths, imported when the consumer starts.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import import_string

from habbo.bus.topics import CHAT_MESSAGES, FRIEND_REQUESTS, PRIVATE_MESSAGES, ROOM_EVENTS, Topic

ApplyItems = Callable[[list[tuple]], None]


@dataclass(frozen=True)
class ConsumerSpec:
    name: str
    topic: Topic
    description: str
    handlers: dict[str, str] = field(default_factory=dict)
    batch_handler: str = ""
    batch_types: tuple[str, ...] = ()
    # For side effects a rollback cannot take back (a sent e-mail): never
    # applied again because another event of its batch was refused.
    one_transaction_per_event: bool = False
    group: str = field(default="")

    def __post_init__(self):
        if bool(self.handlers) == bool(self.batch_handler) or bool(self.batch_handler) != bool(self.batch_types):
            raise ValueError(f"consumer {self.name}: give either handlers or a batch_handler with its batch_types")
        if not self.group:
            object.__setattr__(self, "group", self.name)

    @functools.cached_property
    def event_types(self) -> frozenset[str]:
        return frozenset(self.handlers) | frozenset(self.batch_types)

    def resolve(self) -> ApplyItems:
        """The function that applies a list of (event, envelope)."""
        if self.batch_handler:
            return import_string(self.batch_handler)
        handlers = {event_type: import_string(path) for event_type, path in self.handlers.items()}

        def apply_each(items: list[tuple]) -> None:
            for event, envelope in items:
                handlers[envelope.type](event, envelope)

        return apply_each


CONSUMERS: dict[str, ConsumerSpec] = {
    spec.name: spec
    for spec in (
        ConsumerSpec(
            name="rooms",
            topic=ROOM_EVENTS,
            handlers={"room.created": "rooms.handlers.room_created"},
            description="creates rooms and tells their owners",
        ),
        ConsumerSpec(
            name="room-stats",
            topic=ROOM_EVENTS,
            handlers={
                "room.user_entered": "rooms.handlers.stats_user_entered",
                "room.user_left": "rooms.handlers.stats_user_left",
            },
            description="keeps each room's player count for the navigator",
        ),
        ConsumerSpec(
            name="visit-log",
            topic=ROOM_EVENTS,
            handlers={
                "room.user_entered": "rooms.handlers.visit_user_entered",
                "room.user_left": "rooms.handlers.visit_user_left",
            },
            description="records who was in which room, from when to when",
        ),
        ConsumerSpec(
            name="chat-history",
            topic=CHAT_MESSAGES,
            handlers={"chat.message": "chat.handlers.chat_message"},
            description="stores every chat line anyone saw",
        ),
        ConsumerSpec(
            name="friends",
            topic=FRIEND_REQUESTS,
            batch_handler="friends.rules.apply_friend_events",
            batch_types=("friend.requested", "friend.accepted", "friend.declined", "friend.removed"),
            description="applies friend requests, answers and removals; tells both players",
        ),
        ConsumerSpec(
            name="messenger",
            topic=PRIVATE_MESSAGES,
            handlers={"message.sent": "friends.handlers.message_sent"},
            description="stores private messages between friends and delivers them live",
        ),
        ConsumerSpec(
            name="notifications",
            topic=FRIEND_REQUESTS,
            handlers={"friend.requested": "friends.handlers.notify_offline"},
            one_transaction_per_event=True,
            description="e-mails players who were offline when a friend request came",
        ),
    )
}
