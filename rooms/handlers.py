"""Kafka handlers for the rooms consumer: thin doors into rooms.services."""

from habbo.bus.events import Envelope
from rooms import services
from rooms.events import RoomCreated, UserEntered, UserLeft


def room_created(event: RoomCreated, envelope: Envelope) -> None:
    services.room_create(event=event, actor_id=envelope.actor)


def stats_user_entered(event: UserEntered, envelope: Envelope) -> None:
    services.room_occupancy(room_id=event.room_id, present=event.present, seq=event.seq, delta=1)


def stats_user_left(event: UserLeft, envelope: Envelope) -> None:
    services.room_occupancy(room_id=event.room_id, present=event.present, seq=event.seq, delta=-1)


def visit_user_entered(event: UserEntered, envelope: Envelope) -> None:
    services.visit_log_record(
        visit_id=event.visit_id, room_id=event.room_id, user_id=event.user_id, entered_at=envelope.occurred_at
    )


def visit_user_left(event: UserLeft, envelope: Envelope) -> None:
    services.visit_log_record(
        visit_id=event.visit_id, room_id=event.room_id, user_id=event.user_id, left_at=envelope.occurred_at
    )
