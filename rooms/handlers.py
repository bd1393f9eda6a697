"""Kafka handlers for the rooms consumer: thin doors into rooms.services."""

from habbo.bus.events import Envelope
from habbo.bus.registry import ConsumerSpec, register
from habbo.bus.topics import ROOM_EVENTS
from rooms import services
from rooms.furnishing import apply_room_changes
from rooms.events import RoomCreated, RoomSettingsChanged, UserEntered, UserLeft


def room_created(event: RoomCreated, envelope: Envelope) -> None:
    services.room_create(event=event, actor_id=envelope.actor)


def room_settings_changed(event: RoomSettingsChanged, envelope: Envelope) -> None:
    services.room_settings_apply(event=event, actor_id=envelope.actor)


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


register(
    ConsumerSpec(
        name="rooms",
        topic=ROOM_EVENTS,
        handlers={"room.created": room_created, "room.settings_changed": room_settings_changed},
        description="creates rooms and changes their settings; tells their owners and the room",
    ),
    ConsumerSpec(
        name="room-stats",
        topic=ROOM_EVENTS,
        handlers={"room.user_entered": stats_user_entered, "room.user_left": stats_user_left},
        description="keeps each room's player count for the navigator",
        rebuild=services.room_occupancy_forget,
    ),
    ConsumerSpec(
        name="visit-log",
        topic=ROOM_EVENTS,
        handlers={"room.user_entered": visit_user_entered, "room.user_left": visit_user_left},
        description="records who was in which room, from when to when",
        rebuild=services.visit_log_empty,
    ),
    ConsumerSpec(
        name="furniture",
        topic=ROOM_EVENTS,
        batch_handler=apply_room_changes,
        batch_types=("furni.placed", "furni.moved", "furni.picked_up", "room.rights_changed", "trade.agreed"),
        description="places, moves and picks up furniture, keeps room rights and swaps trades; tells the room",
    ),
)
