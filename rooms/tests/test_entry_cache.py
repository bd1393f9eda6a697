"""What an entry reads is cached (habbo.socket_user, habbo.versions,
rooms.presence) and stays right: each test enters once, so the session, the
player, the room and its chat lines are kept, then changes one of them the
way the hotel does and enters again through the whole socket stack (session
cookie, middleware, room socket) in the same process."""

import json
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.test import Client
from django.utils import timezone

from chat.events import ChatMessageSent
from chat.services import chat_store
from friends import friend_cache
from habbo import restrictions, socket_user, versions
from habbo.looks import Looks, looks_change
from habbo.palettes import CLOTHES, HAIR, HAIR_STYLES, SHOES, SKIN
from habbo.routing import websocket_urlpatterns
from habbo.sessions import SessionStore
from habbo.sockets import socket_auth
from rooms.consumers import CLOSE_NO_ROOM, CLOSE_NOT_LOGGED_IN
from rooms.events import RoomSettingsChanged
from rooms.models import Room
from rooms.services import room_settings_apply

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("kafka", "clean_redis", "thread_connections_closed"),
]


@pytest.fixture
def room(make_player):
    owner = make_player("owner")
    return Room.objects.create(owner=owner, name="Before", floor_plan="0000\n0000", door_x=0, door_y=0, capacity=10)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def enter(client: Client, room) -> tuple[WebsocketCommunicator, dict]:
    """A room socket with the client's session cookie; returns it (open or closed) and its first output."""
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    socket = WebsocketCommunicator(
        socket_auth(URLRouter(websocket_urlpatterns)), f"/ws/rooms/{room.pk}/",
        headers=[(b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())],
    )
    connected, _ = await socket.connect()
    assert connected
    output = await socket.receive_output(timeout=10)
    return socket, output


async def snapshot_of(client: Client, room) -> dict:
    """Enter, take the snapshot and leave."""
    socket, output = await enter(client, room)
    assert output["type"] == "websocket.send", output
    await socket.disconnect()
    return json.loads(output["text"])


async def closed_with(client: Client, room) -> int:
    """The close code of a socket let in no further (after what it was told: a ban's sentence)."""
    socket, output = await enter(client, room)
    while output["type"] == "websocket.send":
        assert json.loads(output["text"])["type"] != "snapshot", "let in"
        output = await socket.receive_output(timeout=10)
    assert output["type"] == "websocket.close", output
    return output["code"]


async def test_the_first_entry_after_a_login_reads_session_player_and_friends_on_the_event_loop(
        make_player, room, monkeypatch):
    """The login kept the player and their friend ids; the session was
    written through: the socket reads all three on the event loop."""
    alice = await sync_to_async(make_player)("alice")
    client = await sync_to_async(logged_in)(alice)
    thread_reads = []

    def counted(name, read):
        def wrapper(*args):
            thread_reads.append(name)
            return read(*args)
        return wrapper

    monkeypatch.setattr(socket_user, "cached_user", counted("player", socket_user.cached_user))
    monkeypatch.setattr(friend_cache, "kept_friend_ids", counted("friends", friend_cache.kept_friend_ids))
    assert (await snapshot_of(client, room))["you"] == alice.pk
    assert thread_reads == []
    await sync_to_async(versions.bump)("user", alice.pk)  # as a save of the row does
    assert (await snapshot_of(client, room))["you"] == alice.pk
    assert thread_reads == ["player"]  # the copy went with the old token: read again in the thread


async def test_a_ban_placed_after_a_cached_entry_refuses_the_next(make_player, room):
    alice = await sync_to_async(make_player)("alice")
    client = await sync_to_async(logged_in)(alice)
    await snapshot_of(client, room)

    def ban():  # as moderation.services applies a ban
        alice.banned, alice.banned_until, alice.ban_reason = True, timezone.now() + timedelta(hours=1), "spam"
        alice.save(update_fields=["banned", "banned_until", "ban_reason"])

    await sync_to_async(ban)()
    assert await closed_with(client, room) == restrictions.CLOSE_BANNED


async def test_a_logged_out_session_opens_no_socket(make_player, room):
    alice = await sync_to_async(make_player)("alice")
    client = await sync_to_async(logged_in)(alice)
    await snapshot_of(client, room)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    await sync_to_async(client.post)("/logout/")
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # the old cookie, kept by someone
    assert await closed_with(client, room) == CLOSE_NOT_LOGGED_IN


async def test_a_password_change_ends_the_other_sessions(make_player, room):
    alice = await sync_to_async(make_player)("alice")
    client = await sync_to_async(logged_in)(alice)
    await snapshot_of(client, room)

    def change_password():
        alice.set_password("another-pass-word-456")
        alice.save()

    await sync_to_async(change_password)()
    assert await closed_with(client, room) == CLOSE_NOT_LOGGED_IN


async def test_a_session_lost_by_redis_is_read_from_the_database(make_player, room):
    alice = await sync_to_async(make_player)("alice")
    client = await sync_to_async(logged_in)(alice)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = SessionStore(key)
    assert await sync_to_async(store._cache.get)(KEY_PREFIX + key) is not None  # written through at login
    await sync_to_async(store._cache.delete)(KEY_PREFIX + key)  # as a Redis restart loses it
    assert (await snapshot_of(client, room))["you"] == alice.pk


async def test_new_looks_reach_the_next_entry(make_player, room):
    alice = await sync_to_async(make_player)("alice")
    client = await sync_to_async(logged_in)(alice)
    first = await snapshot_of(client, room)
    looks = Looks(skin=SKIN[3], shirt=CLOTHES[1], legs=CLOTHES[0], hair_style=next(iter(HAIR_STYLES)), hair=HAIR[0],
                  shoes=SHOES[2], motto="new me")
    await sync_to_async(looks_change)(user=alice, looks=looks)
    [me] = [a for a in (await snapshot_of(client, room))["avatars"] if a["id"] == alice.pk]
    [before] = [a for a in first["avatars"] if a["id"] == alice.pk]
    assert before["motto"] == "" and me["motto"] == "new me"
    assert me["figure"]["shirt"] == CLOTHES[1] != before["figure"]["shirt"]


async def test_a_renamed_room_shows_its_new_name_to_the_next_entrant(make_player, room):
    alice = await sync_to_async(make_player)("alice")
    client = await sync_to_async(logged_in)(alice)
    assert (await snapshot_of(client, room))["room"]["name"] == "Before"
    event = RoomSettingsChanged(room_id=room.pk, name="After", capacity=12, access="open", is_public=True,
                                wallpaper=room.wallpaper, floor=room.floor)
    await sync_to_async(room_settings_apply)(event=event, actor_id=room.owner_id)  # an update(): no post_save
    after = (await snapshot_of(client, room))["room"]
    assert (after["name"], after["capacity"]) == ("After", 12)

    def moderate():  # as moderation.services renames an inappropriate room: a save()
        room.name = "Renamed by a moderator"
        room.save(update_fields=["name"])

    await sync_to_async(moderate)()
    assert (await snapshot_of(client, room))["room"]["name"] == "Renamed by a moderator"


async def test_a_deleted_room_lets_nobody_in(make_player, room):
    alice = await sync_to_async(make_player)("alice")
    client = await sync_to_async(logged_in)(alice)
    await snapshot_of(client, room)
    room_id = room.pk
    await sync_to_async(room.delete)()
    room.pk = room_id  # for the next entry's address
    assert await closed_with(client, room) == CLOSE_NO_ROOM


async def test_a_stored_chat_line_is_in_the_next_snapshot(make_player, room):
    alice = await sync_to_async(make_player)("alice")
    client = await sync_to_async(logged_in)(alice)
    assert (await snapshot_of(client, room))["chat"] == []
    event = ChatMessageSent(room_id=room.pk, user_id=alice.pk, kind="say", text="hello again")
    await sync_to_async(chat_store)(line_id=uuid.uuid4(), event=event, said_at=timezone.now())
    assert [line["text"] for line in (await snapshot_of(client, room))["chat"]] == ["hello again"]
