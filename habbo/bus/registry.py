"""Which consumers exist: name → topic, consumer group, handler per event type.

Each concern is its own consumer group, so one failing never stops another.
Handlers are dotted paths to plain functions `handler(event, envelope)`;
event types a consumer has no handler for are skipped (and committed).
"""

from dataclasses import dataclass, field

from habbo.bus.topics import CHAT_MESSAGES, FRIEND_REQUESTS, PRIVATE_MESSAGES, ROOM_EVENTS, Topic


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
            handlers={
                "friend.requested": "friends.handlers.requested",
                "friend.accepted": "friends.handlers.accepted",
                "friend.declined": "friends.handlers.declined",
                "friend.removed": "friends.handlers.removed",
            },
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
            description="e-mails players who were offline when a friend request came",
        ),
    )
}
