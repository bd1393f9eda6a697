"""The navigator window's tabs (GET /rooms/?tab=): public rooms, my rooms,
rooms by player count, search by room or owner name; and the room info."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from habbo.bus.topics import ROOM_EVENTS
from rooms.models import Room

pytestmark = pytest.mark.django_db


def make_room(owner, name, *, public=True, players=0) -> Room:
    return Room.objects.create(
        owner=owner, name=name, floor_plan="000\n000", door_x=0, door_y=0, is_public=public, player_count=players
    )


def tab(client, name: str, **params) -> list[str]:
    response = client.get(reverse("navigator_rooms"), {"tab": name, **params})
    assert response.status_code == 200
    return [room["name"] for room in response.json()["rooms"]]


def test_lists_public_mine_popular_and_search(client, make_player):
    me, other = make_player("me"), make_player("other")
    make_room(other, "Busy bar", players=7)
    make_room(other, "Quiet cafe", players=2)
    make_room(other, "Secret den", public=False, players=3)
    make_room(me, "My attic", public=False)
    make_room(make_player("barista"), "Coffee corner")
    client.force_login(me)

    public = tab(client, "public")
    assert {"Busy bar", "Quiet cafe", "Coffee corner"} <= set(public)
    assert "Secret den" not in public and "My attic" not in public
    assert tab(client, "mine") == ["My attic"]
    assert tab(client, "popular") == ["Busy bar", "Quiet cafe"]
    # By name (any case, a part of it) or by the owner's name; never someone else's private room.
    assert tab(client, "search", q="BAR") == ["Busy bar"]
    assert tab(client, "search", q="barista") == ["Coffee corner"]
    assert tab(client, "search", q="den") == []
    assert tab(client, "search", q="attic") == ["My attic"]
    assert client.get(reverse("navigator_rooms"), {"tab": "nope"}).status_code == 400


def test_a_room_card_says_who_owns_it_and_how_full_it_is(client, make_player):
    me = make_player("me")
    room = make_room(me, "My attic", players=3)
    client.force_login(me)
    info = client.get(reverse("room_info", args=[room.pk])).json()
    settings = info.pop("settings")
    assert info == {
        "id": str(room.pk), "name": "My attic", "description": "", "owner": "me", "players": 3,
        "capacity": room.capacity, "is_public": True, "url": room.get_absolute_url(), "yours": True, "access": "open",
    }
    assert settings == {
        "name": "My attic", "description": "", "capacity": room.capacity, "access": "open", "is_public": True,
        "wallpaper": room.wallpaper, "floor": room.floor,
    }
    other = Client()
    other.force_login(make_player("other"))
    assert "settings" not in other.get(reverse("room_info", args=[room.pk])).json(), "only the owner edits them"
    assert client.get(reverse("room_info", args=[uuid.uuid4()])).status_code == 404


def test_the_navigator_needs_a_player(client):
    assert client.get(reverse("navigator_rooms")).status_code == 401


def test_navigator_needs_login(client):
    response = client.get(reverse("navigator"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_creating_page_opens_the_room_once_it_exists(client, make_player):
    me = make_player()
    client.force_login(me)
    pending = uuid.uuid4()
    response = client.get(reverse("navigator"), {"creating": pending})
    assert b"Creating your room" in response.content
    room = make_room(me, "Fresh room")
    response = client.get(reverse("navigator"), {"creating": room.pk})
    assert response.status_code == 302 and response.url == room.get_absolute_url()


def test_room_page_serves_the_live_client(client, make_player):
    me = make_player()
    room = make_room(me, "Live room")
    client.force_login(me)
    response = client.get(room.get_absolute_url())
    assert response.status_code == 200
    assert f'data-room-id="{room.pk}"' in response.content.decode()
    assert b"js/room/room.js" in response.content
    assert client.get(reverse("room", args=[uuid.uuid4()])).status_code == 404


def test_invalid_create_form_is_refused_without_publishing(client, make_player, kafka):
    client.force_login(make_player())
    response = client.post(reverse("room_create"), {"name": "ab", "capacity": 501, "layout": "nope"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "capacity", "layout"}
    # The publish would be acknowledged before the response: the topic holds it by now.
    assert kafka.end_offsets(ROOM_EVENTS.full_name) == 0
    assert not Room.objects.exists()
