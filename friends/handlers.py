"""Kafka handlers for the friends consumer: thin doors into friends.services."""

from friends import services
from friends.events import FriendAccepted, FriendDeclined, FriendRemoved, FriendRequested, MessageSent
from habbo.bus.events import Envelope
from habbo.redis import sync_redis


def requested(event: FriendRequested, envelope: Envelope) -> None:
    services.apply_requested(event=event, actor_id=envelope.actor)


def accepted(event: FriendAccepted, envelope: Envelope) -> None:
    services.apply_accepted(event=event, actor_id=envelope.actor)


def declined(event: FriendDeclined, envelope: Envelope) -> None:
    services.apply_declined(event=event, actor_id=envelope.actor)


def removed(event: FriendRemoved, envelope: Envelope) -> None:
    services.apply_removed(event=event, actor_id=envelope.actor)


def notify_offline(event: FriendRequested, envelope: Envelope) -> None:
    services.notify_offline(event=event, event_id=envelope.id, sync_redis=sync_redis())


def message_sent(event: MessageSent, envelope: Envelope) -> None:
    services.apply_message(event=event, message_id=envelope.id, sent_at=envelope.occurred_at, actor_id=envelope.actor)
