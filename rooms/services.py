"""Writes for rooms. Views, sockets and Kafka handlers call these."""

import uuid
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest

from habbo.bus.events import InvalidEvent
from habbo.bus.producer import publish
from habbo.bus.push import notify_on_commit, publish_on_redis_on_commit
from habbo.models import User
from habbo.wordfilter import Censored, censor, report_word
from rooms.events import DESCRIPTION_MAX, NAME_MAX, RoomCreated, RoomSettingsChanged
from rooms.frames import RoomUpdated, frame_text
from rooms.layouts import LAYOUTS
from rooms.live import frames_channel
from rooms.models import Room, Visit
from rooms.presence import room_saved
from rooms.pushes import RoomCreated as RoomCreatedNotice
from rooms.pushes import RoomSettingsSaved


def room_created_event(
    *, room_id: uuid.UUID, owner_id: int, name: str, description: str, capacity: int, layout: str, is_public: bool
) -> RoomCreated:
    """room.created for a new room with one of the built-in layouts."""
    plan = LAYOUTS[layout].plan
    return RoomCreated(
        room_id=room_id,
        owner_id=owner_id,
        name=name,
        description=description,
        capacity=capacity,
        floor_plan=plan.text(),
        door_x=plan.door_x,
        door_y=plan.door_y,
        is_public=is_public,
    )


def room_create_request(
    *, owner: User, name: str, description: str, capacity: int, layout: str, is_public: bool
) -> uuid.UUID:
    """Publish room.created and return the new room's id once Kafka has it.

    The room row appears when the rooms consumer applies the event.
    Raises EventBusUnavailable if Kafka does not acknowledge.
    """
    texts = _censored(name, description)
    event = room_created_event(
        room_id=uuid.uuid4(), owner_id=owner.pk, name=texts[0].text, description=texts[1].text, capacity=capacity,
        layout=layout, is_public=is_public,
    )
    publish(event, actor=owner.pk)
    _report_words(texts, writer_id=owner.pk, room_id=event.room_id)
    return event.room_id


def _censored(name: str, description: str) -> tuple[Censored, Censored]:
    """A room's name and description as the word filter leaves them."""
    return censor(name, max_length=NAME_MAX), censor(description, max_length=DESCRIPTION_MAX)


def _report_words(texts: tuple[Censored, ...], *, writer_id: int, room_id: uuid.UUID) -> None:
    for text in texts:
        report_word(text, writer_id=writer_id, room_id=room_id)


@transaction.atomic
def room_create(*, event: RoomCreated, actor_id: int | None) -> Room:
    """Apply room.created: make the room and tell its owner after commit."""
    if actor_id is not None and actor_id != event.owner_id:
        raise InvalidEvent(f"user {actor_id} cannot create a room for user {event.owner_id}")
    if not User.objects.filter(pk=event.owner_id).exists():
        raise InvalidEvent(f"unknown owner {event.owner_id}")
    if Room.objects.filter(pk=event.room_id).exists():
        raise InvalidEvent(f"room {event.room_id} already exists")
    room = Room.objects.create(
        id=event.room_id,
        owner_id=event.owner_id,
        name=event.name,
        description=event.description,
        capacity=event.capacity,
        floor_plan=event.floor_plan,
        door_x=event.door_x,
        door_y=event.door_y,
        is_public=event.is_public,
    )
    card = {"id": str(room.id), "name": room.name, "url": room.get_absolute_url()}
    notify_on_commit(event.owner_id, RoomCreatedNotice(room=card))
    return room


class SettingsRefused(Exception):
    """The settings cannot be changed; the message says why to the player."""


def room_settings_request(*, user: User, room_id: uuid.UUID, settings: dict) -> None:
    """Publish room.settings_changed for the room's owner; raises
    SettingsRefused, pydantic's ValidationError or EventBusUnavailable."""
    if not Room.objects.filter(pk=room_id, owner=user).exists():
        raise SettingsRefused("Only the room's owner can change its settings.")
    written = RoomSettingsChanged.model_validate(settings | {"room_id": room_id})
    texts = _censored(written.name, written.description)
    filtered = {"name": texts[0].text, "description": texts[1].text}
    publish(RoomSettingsChanged.model_validate(written.model_dump() | filtered), actor=user.pk)
    _report_words(texts, writer_id=user.pk, room_id=room_id)


@transaction.atomic
def room_settings_apply(*, event: RoomSettingsChanged, actor_id: int | None) -> None:
    """Apply room.settings_changed, then tell the room and its owner."""
    room = Room.objects.select_for_update().filter(pk=event.room_id).first()
    if room is None:
        raise InvalidEvent(f"unknown room {event.room_id}")
    if actor_id is not None and actor_id != room.owner_id:
        raise InvalidEvent(f"user {actor_id} does not own room {room.pk}")
    fields = event.model_dump(exclude={"room_id"})
    Room.objects.filter(pk=room.pk).update(**fields)
    room_saved(Room, room)  # an update() sends no post_save
    publish_on_redis_on_commit(frames_channel(room.pk), frame_text(RoomUpdated(room=fields)))
    card = {"id": str(room.pk), "name": event.name, "url": room.get_absolute_url()}
    notify_on_commit(room.owner_id, RoomSettingsSaved(room=card))


@transaction.atomic
def room_occupancy(*, room_id: uuid.UUID, present: int | None, seq: int | None, delta: int) -> None:
    """Apply room.user_entered / room.user_left to the navigator's count.

    The event says how many were in the room right after it and the change's
    number: the count of the highest number holds, so a late, repeated or
    lost event is corrected by the next one. Events from before those fields
    count +1 / -1."""
    rooms = Room.objects.filter(pk=room_id)
    if present is None or seq is None:
        rooms.update(player_count=Greatest(F("player_count") + delta, 0))
    else:
        rooms.filter(occupancy_seq__lt=seq).update(player_count=present, occupancy_seq=seq)


def room_occupancy_forget() -> None:
    """Empty the room-stats projection, to rebuild it by replaying room-events."""
    Room.objects.update(player_count=0, occupancy_seq=0)


@transaction.atomic
def visit_log_record(
    *, visit_id: uuid.UUID, room_id: uuid.UUID, user_id: int, entered_at: datetime | None = None,
    left_at: datetime | None = None,
) -> Visit:
    """Apply room.user_entered / room.user_left to the visit log."""
    if not Room.objects.filter(pk=room_id).exists() or not User.objects.filter(pk=user_id).exists():
        raise InvalidEvent(f"unknown room {room_id} or user {user_id}")
    visit, _ = Visit.objects.get_or_create(id=visit_id, defaults={"room_id": room_id, "user_id": user_id})
    if (visit.room_id, visit.user_id) != (room_id, user_id):
        raise InvalidEvent(f"visit {visit_id} belongs to another room or player")
    if entered_at:
        visit.entered_at = entered_at
    if left_at:
        visit.left_at = left_at
    visit.save()
    return visit


def visit_log_empty() -> None:
    """Empty the visit log, to rebuild it by replaying room-events."""
    Visit.objects.all().delete()
