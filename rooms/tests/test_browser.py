"""Two players in Debian's Chromium (Playwright): one walks and talks, the
other sees it. Screenshots are kept in test-artifacts/."""

import json

import pytest
from websockets.sync.client import connect

from conftest import ARTIFACTS, chromium, log_in, session_cookie, wait_for
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_players_see_each_other_walk_and_talk(daphne_server, make_player, consumer_process):
    server = daphne_server()
    make_player("alice", figure_shirt="#ef4444")
    make_player("bob", figure_shirt="#22c55e")
    room = Room.objects.create(
        owner=make_player("owner"), name="Browser lounge", floor_plan="\n".join(["0000000"] * 7), door_x=0, door_y=3
    )
    consumer_process("chat-history")
    with chromium() as browser:
        _walk_and_talk(browser, server)
    assert wait_for(lambda: room.chat_lines.filter(text="Hello <i>Bob</i>!").exists(), what="the line in the history")


def _walk_and_talk(browser, server):
    alice, bob = log_in(browser, server, "alice"), log_in(browser, server, "bob")
    for page in (alice, bob):
        page.click("text=Browser lounge")
        page.wait_for_function("window.hotelRoom && window.hotelRoom.ready()")
    bob.wait_for_function("window.hotelRoom.avatar('alice') !== undefined && window.hotelRoom.avatar('alice') !== null")

    target = alice.evaluate("window.hotelRoom.tileCentre(5, 2)")
    alice.mouse.click(target["x"], target["y"])
    bob.wait_for_function(
        "(() => { const a = window.hotelRoom.avatar('alice'); return a && a.x === 5 && a.y === 2 && !a.walking })()",
        timeout=15000,
    )

    alice.fill("input[name=text]", "Hello <i>Bob</i>!")
    alice.press("input[name=text]", "Enter")
    bob.wait_for_function("window.hotelRoom.avatar('alice').bubbles.includes('Hello <i>Bob</i>!')", timeout=10000)
    assert bob.locator("#chat-log").inner_text().strip().endswith("alice: Hello <i>Bob</i>!")
    assert bob.locator("#chat-log i").count() == 0, "chat is shown as text, never as HTML"
    assert "alice" in bob.locator("#who").inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    alice.screenshot(path=ARTIFACTS / "room-alice.png")
    bob.screenshot(path=ARTIFACTS / "room-bob.png")



def test_a_busy_rooms_batch_moves_and_shows_every_frame_in_it(daphne_server, make_player):
    # Every room with a frame in its last second is busy here, with a tick of 100 ms.
    server = daphne_server(ROOM_BATCH_WRITES="1", ROOM_TICK_MS="100")
    alice = make_player("alice")
    make_player("bob")
    room = Room.objects.create(
        owner=make_player("owner"), name="Busy lounge", floor_plan="\n".join(["0000000"] * 7), door_x=0, door_y=3
    )
    cookie = session_cookie(alice)
    with chromium() as browser:
        bob = log_in(browser, server, "bob")
        received = []
        bob.on("websocket", lambda ws: ws.on("framereceived", lambda text: received.append(text)))
        bob.click("text=Busy lounge")
        bob.wait_for_function("window.hotelRoom && window.hotelRoom.ready()")
        with connect(f"{server.ws_url}/ws/rooms/{room.pk}/", origin=server.url,
                     additional_headers={"Cookie": f"sessionid={cookie}"}) as socket:
            bob.wait_for_function("!!window.hotelRoom.avatar('alice')")
            # A second on, the entries have made the room busy, and it is quiet:
            # the wave goes alone, what follows within its tick is batched.
            bob.wait_for_timeout(1200)
            for message in ({"type": "wave"}, {"type": "walk", "x": 5, "y": 2}, {"type": "dance", "style": 3}):
                socket.send(json.dumps(message))
            bob.wait_for_function(
                "(() => { const a = window.hotelRoom.avatar('alice');"
                " return a && a.x === 5 && a.y === 2 && !a.walking && a.dance === 3 })()",
                timeout=15000,
            )
    batches = [json.loads(text) for text in received if '"type":"batch"' in text]
    assert [[frame["type"] for frame in batch["frames"]] for batch in batches] == [["walk", "dance"]]
