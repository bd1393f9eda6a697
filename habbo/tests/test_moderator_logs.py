"""What a moderator reads in the admin (issue 12 §5): a room's and a player's
chat log and visit log, linked from their pages, to the second; whispers and
private messages only with the permission to read them."""

import html
import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from chat.models import ChatLine
from conftest import admin_logged_in
from friends.models import PrivateMessage
from rooms.models import Room, Visit

pytestmark = pytest.mark.django_db

NOON = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)
# The staff a moderator needs to read the logs, without whispers and private messages.
READING = ["view_chatline", "view_privatemessage", "view_visit", "view_room", "view_user"]


def at(minute: int, second: int) -> datetime:
    return NOON.replace(minute=minute, second=second)


def staff_client(user, *codenames: str) -> Client:
    """A member of staff with these permissions, in through the admin's door (password, then TOTP)."""
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return admin_logged_in(user)


@pytest.fixture
def hotel(make_player):
    alice, bob, owner = make_player("alice"), make_player("bob"), make_player("owner")
    lobby = Room.objects.create(owner=owner, name="Lobby", floor_plan="000\n000", door_x=0, door_y=0)
    pool = Room.objects.create(owner=owner, name="Pool", floor_plan="000\n000", door_x=0, door_y=0)
    ChatLine.objects.create(room=lobby, user=alice, text="hello lobby", said_at=at(0, 7))
    ChatLine.objects.create(room=lobby, user=alice, kind="whisper", recipient=bob, text="psst bob", said_at=at(0, 9))
    ChatLine.objects.create(room=lobby, user=bob, text="bob in the lobby", said_at=at(1, 11))
    ChatLine.objects.create(room=pool, user=alice, text="alice at the pool", said_at=at(2, 13))
    Visit.objects.create(id="00000000-0000-0000-0000-000000000001", room=lobby, user=alice,
                         entered_at=at(0, 1), left_at=at(1, 59))
    Visit.objects.create(id="00000000-0000-0000-0000-000000000002", room=pool, user=alice, entered_at=at(2, 3))
    Visit.objects.create(id="00000000-0000-0000-0000-000000000003", room=lobby, user=bob, entered_at=at(0, 5))
    PrivateMessage.objects.create(sender=alice, recipient=bob, text="a private word", sent_at=at(3, 17))
    return {"alice": alice, "bob": bob, "lobby": lobby, "pool": pool}


def link(page: str, text: str) -> str:
    found = re.findall(rf'<a href="([^"]+)">{text}</a>', page)
    assert len(found) == 1, f"one link {text!r} on the page, found {found}"
    return html.unescape(found[0])


def row(page: str, text: str) -> str:
    """The changelist row (HTML) that shows this text."""
    rows = [r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if text in r]
    assert len(rows) == 1, f"one row with {text!r}"
    return rows[0]


def shown(client: Client, url: str) -> tuple[list, str]:
    response = client.get(url)
    assert response.status_code == 200
    return list(response.context["cl"].result_list), response.content.decode()


def test_without_the_permission_whispers_and_private_messages_are_hidden_and_the_page_says_so(hotel, make_player):
    client = staff_client(make_player("mod"), *READING)

    lines, page = shown(client, reverse("admin:chat_chatline_changelist"))
    assert {line.text for line in lines} == {"hello lobby", "bob in the lobby", "alice at the pool"}
    assert "psst bob" not in page
    assert "Whispers are hidden" in page
    whisper = ChatLine.objects.get(kind="whisper")
    assert client.get(reverse("admin:chat_chatline_change", args=[whisper.pk])).status_code == 302  # "does not exist"

    messages, page = shown(client, reverse("admin:friends_privatemessage_changelist"))
    assert messages == [] and "a private word" not in page
    assert "Private messages are hidden" in page


@pytest.mark.parametrize("granted", ["permission", "superuser"])
def test_with_the_permission_whispers_and_private_messages_are_read(hotel, make_player, granted):
    if granted == "superuser":
        client = staff_client(make_player("admin", is_superuser=True))
    else:
        client = staff_client(make_player("senior"), *READING, "read_private_lines")

    lines, page = shown(client, reverse("admin:chat_chatline_changelist"))
    assert "psst bob" in {line.text for line in lines} and "Whispers are hidden" not in page
    whisper = ChatLine.objects.get(kind="whisper")
    assert client.get(reverse("admin:chat_chatline_change", args=[whisper.pk])).status_code == 200

    messages, page = shown(client, reverse("admin:friends_privatemessage_changelist"))
    assert [m.text for m in messages] == ["a private word"] and "2025-03-04 12:03:17" in page
    assert "Private messages are hidden" not in page


def test_the_room_page_links_to_its_chat_log_and_visit_log_to_the_second(hotel, make_player):
    client = staff_client(make_player("mod"), *READING)
    room_page = client.get(reverse("admin:rooms_room_change", args=[hotel["lobby"].pk]))
    assert room_page.status_code == 200
    room_page = room_page.content.decode()

    lines, page = shown(client, link(room_page, "Chat log"))
    assert [line.text for line in lines] == ["bob in the lobby", "hello lobby"]
    assert "Chat log of room Lobby" in page
    assert "2025-03-04 12:01:11" in row(page, "bob in the lobby") and "2025-03-04 12:00:07" in row(page, "hello lobby")

    visits, page = shown(client, link(room_page, "Visit log"))
    assert sorted(v.user.username for v in visits) == ["alice", "bob"]
    assert {v.room for v in visits} == {hotel["lobby"]}
    assert "Visit log of room Lobby" in page
    assert "2025-03-04 12:00:01" in page and "2025-03-04 12:01:59" in page and "2025-03-04 12:00:05" in page


def test_the_player_page_links_to_what_they_said_to_whom_and_where_they_were(hotel, make_player):
    client = staff_client(make_player("senior"), *READING, "read_private_lines")
    player_page = client.get(reverse("admin:habbo_user_change", args=[hotel["alice"].pk]))
    assert player_page.status_code == 200
    player_page = player_page.content.decode()

    lines, page = shown(client, link(player_page, "Chat log"))
    assert [(line.text, line.room.name, line.recipient) for line in lines] == [
        ("alice at the pool", "Pool", None),
        ("psst bob", "Lobby", hotel["bob"]),
        ("hello lobby", "Lobby", None),
    ]
    assert "Chat log of player alice" in page
    whisper = row(page, "psst bob")
    assert "2025-03-04 12:00:09" in whisper and re.search(r'class="field-recipient[^"]*">bob<', whisper)
    assert "2025-03-04 12:02:13" in row(page, "alice at the pool")

    visits, page = shown(client, link(player_page, "Visit log"))
    assert [(v.room.name, v.entered_at, v.left_at) for v in visits] == [("Pool", at(2, 3), None), ("Lobby", at(0, 1), at(1, 59))]
    assert "Visit log of player alice" in page
    assert "2025-03-04 12:02:03" in page and "2025-03-04 12:01:59" in page


def test_the_logs_are_read_only(hotel, make_player):
    client = staff_client(make_player("admin", is_superuser=True))
    line = ChatLine.objects.filter(kind="say").first()
    visit = Visit.objects.first()
    for url in (
        reverse("admin:chat_chatline_change", args=[line.pk]),
        reverse("admin:rooms_visit_change", args=[visit.pk]),
        reverse("admin:friends_privatemessage_change", args=[PrivateMessage.objects.get().pk]),
    ):
        page = client.get(url).content.decode()
        assert 'name="_save"' not in page and "/delete/" not in page, f"{url} offers to save or delete"
    assert client.post(reverse("admin:chat_chatline_delete", args=[line.pk]), {"post": "yes"}).status_code == 403
    assert ChatLine.objects.filter(pk=line.pk).exists()
