"""Kafka handlers for the rooms consumer: thin doors into rooms.services."""

from habbo.bus.events import Envelope
from rooms import services
from rooms.events import RoomCreated


def room_created(event: RoomCreated, envelope: Envelope) -> None:
    services.room_create(event=event, actor_id=envelope.actor)
