"""A web process's copy of a room's furniture (rooms.live_furniture) and the
furniture a client reads again after a missed frame (GET /rooms/<id>/furniture/)."""

import pytest
from django.urls import reverse

from rooms.live_furniture import LiveFurniture
from rooms.models import Furni, Item, Room, RoomRight
from rooms.selectors import Furnishing, furniture_view, room_furnishing


@pytest.fixture
def furnished(make_player):
    owner = make_player("alice")
    room = Room.objects.create(owner=owner, name="Copied room", floor_plan="0000\n0000", door_x=0, door_y=0, furni_seq=7)
    item = Item.objects.create(name="Copied chair", look="chair", can_sit=True)
    chair = Furni.objects.create(item=item, owner=owner, room=room, x=1, y=1)
    RoomRight.objects.create(room=room, user=make_player("bob"))
    return room, chair


def frame_of(chair: Furni, seq: int, **changes) -> dict:
    return {"type": "furni_moved", "piece": furniture_view(chair).model_dump() | changes, "seq": seq}


@pytest.mark.django_db
def test_a_missed_or_unreadable_frame_leaves_the_copy_as_it_was_to_be_read_again(furnished):
    room, chair = furnished
    copy = LiveFurniture(room_furnishing(room.pk))
    assert copy.apply(frame_of(chair, 8, x=2))
    assert (copy.seq, copy.views[chair.pk].x) == (8, 2)
    assert copy.apply(frame_of(chair, 8, x=3))  # already in it: skipped
    assert not copy.apply(frame_of(chair, 10, x=3))  # 9 was missed
    assert not copy.apply(frame_of(chair, 9, colour="not a colour", extra="a field this version does not know"))
    assert (copy.seq, copy.views[chair.pk].x) == (8, 2)
    assert copy.apply({"type": "walk", "user": 1, "path": [[0, 0]], "started_at": 0})  # not furniture


@pytest.mark.django_db
def test_a_client_reads_the_room_furniture_again(client, furnished, make_player):
    room, chair = furnished
    url = reverse("room_furniture", args=[room.pk])
    assert client.get(url).json()["error"] == "not_logged_in"
    client.force_login(make_player("carol"))
    answer = client.get(url).json()
    assert (answer["owner"], answer["furni_seq"], answer["rights"]) == (room.owner_id, 7, [RoomRight.objects.get().user_id])
    assert [(p["id"], p["x"], p["y"], p["look"]) for p in answer["furniture"]] == [(chair.pk, 1, 1, "chair")]
    assert client.get(reverse("room_furniture", args=["0b9d5f4e-8a1c-4b7e-9d3f-aabbccddeeff"])).status_code == 404


@pytest.mark.django_db
def test_the_copy_is_what_the_database_holds(furnished):
    room, chair = furnished
    assert room_furnishing(room.pk) == Furnishing(room.owner_id, {RoomRight.objects.get().user_id}, 7, {chair.pk: furniture_view(chair)})
