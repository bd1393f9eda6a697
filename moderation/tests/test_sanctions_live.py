"""Moderators' actions through the real stack: a moderator acts in this
process (as the web process serving the admin or their game screen), the
action is an event on the moderation topic applied by the `moderation`
consumer (a subprocess), and its effect reaches the player's sockets served by
another process (a real daphne) through Redis."""

import asyncio
import json
from datetime import timedelta

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from websockets.exceptions import ConnectionClosed

from conftest import hotel_socket, next_of, room_socket, session_cookie, wait_for
from friends.models import Friendship
from habbo.bus.producer import publish
from habbo.bus.topics import MODERATION
from habbo.models import Rank, User
from moderation.events import PlayerSanctioned
from moderation.models import RoomSanction, Sanction
from moderation.services import INAPPROPRIATE_NAME
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room(make_player):
    owner = make_player("owner")
    return Room.objects.create(owner=owner, name="Lobby", floor_plan="\n".join(["000000"] * 6), door_x=0, door_y=0)


@pytest.fixture
def moderator(make_player):
    return make_player("mod", is_staff=True, rank=Rank.MODERATOR)


def act(moderator, url: str, body: dict) -> tuple[int, dict]:
    """A moderator's POST (from another thread than the test's event loop)."""
    try:
        client = Client()
        client.force_login(moderator)
        response = client.post(url, json.dumps(body), content_type="application/json")
        return response.status_code, response.json()
    finally:
        connections.close_all()


def sanction(moderator, target, **body) -> tuple[int, dict]:
    return act(moderator, reverse("moderation-sanction", args=[target.pk]), body)


def lift(moderator, target, **body) -> tuple[int, dict]:
    return act(moderator, reverse("moderation-lift", args=[target.pk]), body)


async def closed_code(socket, timeout: float = 15) -> int:
    async with asyncio.timeout(timeout):
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await socket.recv()
    return closed.value.rcvd.code


def test_alert_mute_lift_and_kick_reach_sockets_on_another_process(
    daphne_server, consumer_process, room, make_player, moderator
):
    server = daphne_server()
    consumer_process("moderation")
    alice = make_player("alice")
    cookie = session_cookie(alice)

    async def scenario():
        async with hotel_socket(server, cookie) as pages, room_socket(server, room, cookie) as in_room:
            await next_of(in_room, "snapshot")
            assert await asyncio.to_thread(sanction, moderator, alice, kind="alert", reason="Be kind to others") == (
                202, {"status": "sent", "message": "Sent: alert."})
            alert = await next_of(pages, "moderation.alert")
            assert alert["message"] == "Be kind to others" and alert["id"]

            assert (await asyncio.to_thread(sanction, moderator, alice, kind="mute", minutes=15, reason="Shouting"))[0] == 202
            muted = await next_of(pages, "moderation.sanctioned")
            assert (muted["sanction"], muted["reason"]) == ("mute", "Shouting")
            assert muted["message"].startswith("A moderator muted you for 15 min")
            await in_room.send(json.dumps({"type": "say", "text": "can you hear me"}))
            refused = await next_of(in_room, "error")
            assert refused["code"] == "muted" and refused["message"].startswith("A moderator muted you: 1")

            assert (await asyncio.to_thread(lift, moderator, alice, kind="mute", reason="Calm now"))[0] == 202
            await next_of(pages, "moderation.lifted")
            await in_room.send(json.dumps({"type": "say", "text": "thank you"}))
            assert (await next_of(in_room, "chat"))["text"] == "thank you"

            assert (await asyncio.to_thread(sanction, moderator, alice, kind="kick", reason="Take a break"))[0] == 202
            kicked = await next_of(in_room, "error")
            assert kicked == {"type": "error", "code": "kicked",
                              "message": "A moderator sent you out of the room: Take a break"}
            assert await closed_code(in_room) == 4410
            # A kick closes the room only: the page's hotel socket stays open.
            await pages.ping()

    asyncio.run(scenario())
    kinds = list(Sanction.objects.filter(target=alice).order_by("created_at").values_list("kind", "lifted_by"))
    assert kinds == [("alert", None), ("mute", moderator.pk), ("kick", None)]
    assert Sanction.objects.get(target=alice, kind="kick").room_id == room.pk
    # The alert stays until the player closes it (shown again at their next visit until then).
    pages = Client()
    pages.force_login(alice)
    alerts = pages.get(reverse("moderation-alerts")).json()["alerts"]
    assert [alert["message"] for alert in alerts] == ["Be kind to others"]
    assert pages.post(reverse("moderation-alert-seen", args=[alerts[0]["id"]])).status_code == 200
    assert pages.get(reverse("moderation-alerts")).json() == {"alerts": []}


def test_a_ban_closes_every_socket_logs_out_and_refuses_login_until_lifted_or_over(
    daphne_server, consumer_process, room, make_player, moderator
):
    server = daphne_server()
    consumer_process("moderation")
    alice = make_player("alice")
    cookie = session_cookie(alice)
    browser = Client()
    browser.force_login(alice)

    async def scenario():
        async with hotel_socket(server, cookie) as pages, room_socket(server, room, cookie) as in_room:
            await next_of(in_room, "snapshot")
            status, _ = await asyncio.to_thread(sanction, moderator, alice, kind="ban", minutes=24 * 60, reason="Scamming")
            assert status == 202
            said = await next_of(pages, "moderation.banned")
            assert "You are banned from the hotel until" in said["message"] and "Reason: Scamming." in said["message"]
            assert await closed_code(pages) == 4412
            assert (await next_of(in_room, "error"))["code"] == "banned"
            assert await closed_code(in_room) == 4412
        # A new socket with the old session is refused too.
        async with room_socket(server, room, cookie) as again:
            assert await closed_code(again) == 4412

    asyncio.run(scenario())
    page = browser.get(reverse("navigator"))
    assert page.status_code == 403 and "Reason: Scamming." in page.content.decode()
    assert "_auth_user_id" not in browser.session, "the banned player is logged out"
    login = Client().post(reverse("login"), {"username": "alice", "password": "pass-word-123"})
    assert login.status_code == 200 and "You are banned from the hotel until" in login.content.decode()

    assert lift(moderator, alice, kind="ban", reason="Appeal accepted")[0] == 202
    wait_for(lambda: not User.objects.get(pk=alice.pk).banned, what="the ban lifted")
    assert Client().post(reverse("login"), {"username": "alice", "password": "pass-word-123"}).status_code == 302

    # A ban that is over lets the player in without anyone lifting it.
    User.objects.filter(pk=alice.pk).update(
        banned=True, banned_until=timezone.now() - timedelta(seconds=1), ban_reason="Old"
    )
    assert Client().post(reverse("login"), {"username": "alice", "password": "pass-word-123"}).status_code == 302


def locked_out_of_trading(player) -> None:
    try:
        wait_for(lambda: User.objects.get(pk=player.pk).trade_locked_until is not None, what="the trade lock")
    finally:
        connections.close_all()


def test_a_trade_lock_refuses_trades_to_and_with_the_player(daphne_server, consumer_process, room, make_player, moderator):
    one, two = daphne_server(), daphne_server()
    consumer_process("moderation")
    alice, bob = make_player("alice"), make_player("bob")
    alice_cookie, bob_cookie = session_cookie(alice), session_cookie(bob)

    async def scenario():
        async with room_socket(one, room, alice_cookie) as a, room_socket(two, room, bob_cookie) as b:
            await next_of(a, "snapshot")
            await next_of(b, "snapshot")
            status, _ = await asyncio.to_thread(sanction, moderator, alice, kind="trade_lock", minutes=60, reason="Scam")
            assert status == 202
            await asyncio.to_thread(locked_out_of_trading, alice)
            await a.send(json.dumps({"type": "trade_open", "user": bob.pk}))
            assert (await next_of(a, "error"))["code"] == "trade_locked"
            await b.send(json.dumps({"type": "trade_open", "user": alice.pk}))
            assert (await next_of(b, "error"))["message"] == "That player cannot trade for now."

    asyncio.run(scenario())


def test_room_actions_kick_everyone_but_staff_and_the_owner_lock_and_rename(
    daphne_server, consumer_process, room, make_player, moderator
):
    one, two = daphne_server(), daphne_server()
    consumer_process("moderation")
    alice, bob = make_player("alice"), make_player("bob")
    url = reverse("moderation-room-action", args=[room.pk])
    cookies = [session_cookie(user) for user in (room.owner, moderator, alice, bob)]

    async def scenario():
        async with (
            room_socket(one, room, cookies[0]) as owner,
            room_socket(two, room, cookies[1]) as staff,
            room_socket(one, room, cookies[2]) as a,
            room_socket(two, room, cookies[3]) as b,
        ):
            for socket in (owner, staff, a, b):
                await next_of(socket, "snapshot")
            await next_of(owner, "user_entered", where=lambda m: m["user"]["name"] == "bob")
            assert (await asyncio.to_thread(act, moderator, url, {"action": "kick_all", "reason": "Raid"}))[0] == 202
            assert await closed_code(a) == 4410
            assert await closed_code(b) == 4410
            await owner.send(json.dumps({"type": "wave"}))
            await next_of(staff, "wave", where=lambda m: m["user"] == room.owner.pk)

            assert (await asyncio.to_thread(act, moderator, url, {"action": "lock", "reason": "Raid"}))[0] == 202
            locked = await next_of(owner, "room_updated")
            assert locked["room"]["access"] == "locked"
            assert (await asyncio.to_thread(act, moderator, url, {"action": "rename", "reason": "Rude"}))[0] == 202
            renamed = await next_of(staff, "room_updated", where=lambda m: m["room"]["access"] == "locked")
            renamed = await next_of(staff, "room_updated")
            assert (renamed["room"]["name"], renamed["room"]["description"]) == (INAPPROPRIATE_NAME, "")

    asyncio.run(scenario())
    assert list(RoomSanction.objects.order_by("created_at").values_list("action", "previous_name")) == [
        ("kick_all", "Lobby"), ("lock", "Lobby"), ("rename", "Lobby")]


@pytest.mark.durable
def test_the_default_sanctions_escalate_with_the_players_history(consumer_process, make_player, moderator):
    consumer_process("moderation")
    alice = make_player("alice")
    # Two at once (two moderators, say) take two steps: the step is chosen as each is applied, in order.
    assert sanction(moderator, alice, kind="next", reason="Offence 1") == (
        202, {"status": "sent", "message": "Sent: the next step, an alert."})
    assert sanction(moderator, alice, kind="next", reason="Offence 2")[0] == 202
    wait_for(lambda: Sanction.objects.filter(target=alice).count() == 2, what="the first two")
    for applied in range(3, 7):
        assert sanction(moderator, alice, kind="next", reason=f"Offence {applied}")[0] == 202
        wait_for(lambda: Sanction.objects.filter(target=alice).count() == applied, what=f"sanction {applied}")
    steps = [
        (s.kind, None if s.until is None else round((s.until - s.created_at).total_seconds() / 60))
        for s in Sanction.objects.filter(target=alice).order_by("created_at")
    ]
    assert steps == [("alert", None), ("mute", 60), ("ban", 1440), ("ban", 10080), ("ban", None), ("ban", None)]
    alice.refresh_from_db()
    assert alice.banned and alice.banned_until is None
    card = Client()
    card.force_login(moderator)
    answer = card.get(reverse("moderation-player", args=[alice.pk])).json()
    assert answer["banned"] and answer["next_step"] == "a ban for good" and len(answer["sanctions"]) == 5

    # A shorter ban given meanwhile does not shorten the one for good.
    assert sanction(moderator, alice, kind="ban", minutes=60, reason="Again")[0] == 202
    wait_for(lambda: Sanction.objects.filter(target=alice).count() == 7, what="the hour's ban")
    alice.refresh_from_db()
    assert alice.banned and alice.banned_until is None


def test_nobody_sanctions_a_rank_above_their_own_and_a_forged_sanction_is_dead_lettered(
    consumer_process, make_player, moderator, kafka
):
    admin = make_player("boss", is_staff=True, rank=Rank.ADMINISTRATOR)
    player = make_player("player")
    assert sanction(moderator, admin, kind="alert", reason="Hi") == (
        403, {"error": "refused", "message": "boss is an administrator: a rank above yours."})
    assert sanction(player, moderator, kind="alert", reason="Hi")[0] == 403
    assert sanction(moderator, moderator, kind="alert", reason="Hi")[1]["message"] == "You cannot sanction yourself."
    assert sanction(moderator, player, kind="mute", reason="No time")[1]["message"] == "A mute lasts some minutes."
    assert sanction(admin, moderator, kind="alert", reason="Rank below mine")[0] == 202
    boss_room = Room.objects.create(owner=admin, name="Staff room", floor_plan="00\n00", door_x=0, door_y=0)
    url = reverse("moderation-room-action", args=[boss_room.pk])
    assert act(moderator, url, {"action": "lock", "reason": "x"}) == (
        403, {"error": "refused", "message": "That room is an administrator's: a rank above yours."})

    # A player publishing a ban of the moderator themselves: refused by the consumer too.
    publish(PlayerSanctioned(target_id=moderator.pk, kind="ban", reason="Forged"), actor=player.pk)
    consumer_process("moderation")
    wait_for(lambda: kafka.end_offsets(MODERATION.dlq_name) == 1, what="the forgery dead-lettered")
    wait_for(lambda: Sanction.objects.filter(target=moderator).exists(), what="the administrator's alert")
    moderator.refresh_from_db()
    assert not moderator.banned
    assert list(Sanction.objects.values_list("kind", "moderator")) == [("alert", admin.pk)]


def test_a_muted_player_cannot_send_private_messages_until_the_mute_is_lifted(consumer_process, make_player, moderator):
    alice, bob = make_player("alice"), make_player("bob")
    Friendship.objects.create(user_low=alice, user_high=bob)  # alice was made first: the lower id
    consumer_process("moderation")
    url = reverse("friends-api-conversation", args=[bob.pk])
    assert act(alice, url, {"text": "hi"})[0] == 202
    assert sanction(moderator, alice, kind="mute", minutes=90, reason="Spam")[0] == 202
    wait_for(lambda: User.objects.get(pk=alice.pk).muted_until is not None, what="the mute")
    status, answer = act(alice, url, {"text": "hi again"})
    assert status in (400, 403) and answer["message"] == "A moderator muted you: 1 h 30 min left."
    assert lift(moderator, alice, kind="mute", reason="Ok")[0] == 202
    wait_for(lambda: User.objects.get(pk=alice.pk).muted_until is None, what="the lift")
    assert act(alice, url, {"text": "hi again"})[0] == 202
