"""Kafka handlers for the messenger and notifications consumers: thin doors
into friends.services. (The friends consumer applies friends.rules.)"""

from friends import services
from friends.events import FriendRequested, MessageSent
from friends.rules import apply_friend_events
from habbo.bus.events import Envelope
from habbo.bus.registry import ConsumerSpec, register
from habbo.bus.topics import FRIEND_REQUESTS, PRIVATE_MESSAGES
from habbo.redis import sync_redis


def notify_offline(event: FriendRequested, envelope: Envelope) -> None:
    services.notify_offline(event=event, event_id=envelope.id, sync_redis=sync_redis())


def message_sent(event: MessageSent, envelope: Envelope) -> None:
    services.apply_message(event=event, message_id=envelope.id, sent_at=envelope.occurred_at, actor_id=envelope.actor)


register(
    ConsumerSpec(
        name="friends",
        topic=FRIEND_REQUESTS,
        batch_handler=apply_friend_events,
        batch_types=("friend.requested", "friend.accepted", "friend.declined", "friend.removed"),
        description="applies friend requests, answers and removals; tells both players",
    ),
    ConsumerSpec(
        name="messenger",
        topic=PRIVATE_MESSAGES,
        handlers={"message.sent": message_sent},
        description="stores private messages between friends and delivers them live",
    ),
    ConsumerSpec(
        name="notifications",
        topic=FRIEND_REQUESTS,
        handlers={"friend.requested": notify_offline},
        one_transaction_per_event=True,
        description="e-mails players who were offline when a friend request came",
    ),
)
