"""Kafka handlers for the messenger and notifications consumers: thin doors
into friends.services. (The friends consumer applies friends.rules.)"""

from friends import services
from friends.events import FriendRequested, MessageSent
from habbo.bus.events import Envelope
from habbo.redis import sync_redis


def notify_offline(event: FriendRequested, envelope: Envelope) -> None:
    services.notify_offline(event=event, event_id=envelope.id, sync_redis=sync_redis())


def message_sent(event: MessageSent, envelope: Envelope) -> None:
    services.apply_message(event=event, message_id=envelope.id, sent_at=envelope.occurred_at, actor_id=envelope.actor)
