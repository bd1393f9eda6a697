"""The navigator lists public rooms, my rooms, and rooms by player count."""

import uuid

import pytest
from django.urls import reverse

from habbo.bus.topics import ROOM_EVENTS
from rooms.models import Room

pytestmark = pytest.mark.django_db


def make_room(owner, name, *, public=True, players=0) -> Room:
    return Room.objects.create(
        owner=owner, name=name, floor_plan="000\n000", door_x=0, door_y=0, is_public=public, player_count=players
    )


def section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</ul>", start)]


def test_lists_public_mine_and_popular(client, make_player):
    me, other = make_player("me"), make_player("other")
    make_room(other, "Busy bar", players=7)
    make_room(other, "Quiet cafe", players=2)
    make_room(other, "Secret den", public=False, players=3)
    make_room(me, "My attic", public=False)
    client.force_login(me)
    html = client.get(reverse("navigator")).content.decode()

    public = section(html, "public-rooms")
    assert "Busy bar" in public and "Quiet cafe" in public
    assert "Secret den" not in public and "My attic" not in public
    mine = section(html, "my-rooms")
    assert "My attic" in mine and "Busy bar" not in mine
    popular = section(html, "popular-rooms")
    assert popular.index("Busy bar") < popular.index("Quiet cafe")
    assert "Secret den" not in popular


def test_room_names_are_shown_as_text(client, make_player):
    me = make_player()
    make_room(me, "<script>alert(1)</script>")
    client.force_login(me)
    html = client.get(reverse("navigator")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


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
    response = client.post(reverse("room_create"), {"name": "ab", "capacity": 500, "layout": "nope"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "capacity", "layout"}
    # The publish would be acknowledged before the response: the topic holds it by now.
    assert kafka.end_offsets(ROOM_EVENTS.full_name) == 0
    assert not Room.objects.exists()
