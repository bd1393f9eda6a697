"""The room scene in Debian's Chromium (Playwright), two players where two
are involved: walls and the door, stepping in from the door, avatars
sharing a tile, your own avatar marked, the chat stream (wrapped, inside
the canvas, never overlapping), the chat bar's counter, and dragging to pan
(mouse and touch) without walking. What is drawn is read from
window.hotelRoom.scene(), in canvas points; screenshots go to test-artifacts/."""

import pytest

from conftest import ARTIFACTS, chromium, log_in
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)

SEVEN = "\n".join(["0000000"] * 7)
DOOR = (0, 3)
LONG_LINE = "Welcome to the lounge, everyone! Grab a seat by the window, the sunset here is lovely tonight. Yes!!"
assert len(LONG_LINE) == 100

# Every message the page sends on its sockets, for the tests to read back.
SPY_ON_SOCKETS = """
window.sentFrames = [];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) { window.sentFrames.push(JSON.parse(data)); return send.call(this, data); };
"""


def _in_room(page, server, room):
    page.goto(f"{server.url}{room.get_absolute_url()}")
    page.wait_for_function("window.hotelRoom && window.hotelRoom.ready()")


def _standing_at(page, name, x, y):
    page.wait_for_function(
        f"(() => {{ const a = window.hotelRoom.avatar('{name}'); return a && !a.walking && a.x === {x} && a.y === {y} }})()",
        timeout=15000,
    )


def _stepped_in(page, name):
    """Waits until `name` stands still off the door; returns its tile."""
    page.wait_for_function(
        f"""(() => {{ const a = window.hotelRoom.avatar('{name}');
        return a && !a.walking && !(a.x === {DOOR[0]} && a.y === {DOOR[1]}) }})()""",
        timeout=15000,
    )
    a = page.evaluate(f"window.hotelRoom.avatar('{name}')")
    return a["x"], a["y"]


def _scene(page):
    return page.evaluate("window.hotelRoom.scene()")


def _click(page, x, y):
    at = page.evaluate(f"window.hotelRoom.tileCentre({x}, {y})")
    page.mouse.click(at["x"], at["y"])


def _drag(page, start, dx, dy):
    page.mouse.move(start["x"], start["y"])
    page.mouse.down()
    page.mouse.move(start["x"] + dx, start["y"] + dy, steps=8)
    page.mouse.up()


def _near(a, b) -> bool:
    """Equal but for rounding to whole pixels."""
    return all(abs(p - q) <= 1 for p, q in zip(a, b))


def _overlap(a, b) -> bool:
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def _inside(rect, scene) -> bool:
    return rect["x"] >= 0 and rect["y"] >= 0 and rect["x"] + rect["w"] <= scene["width"] and rect["y"] + rect["h"] <= scene["height"]


def test_walls_the_door_and_each_player_stepping_in_to_a_tile_of_their_own(daphne_server, make_player):
    server = daphne_server()
    make_player("alice", figure_shirt="#ef4444")
    make_player("bob", figure_shirt="#22c55e")
    room = Room.objects.create(owner=make_player("owner"), name="Walled lounge", floor_plan=SEVEN, door_x=DOOR[0],
                               door_y=DOOR[1], wallpaper="#8fb0cf", floor="#a89f72")
    with chromium() as browser:
        alice = log_in(browser, server, "alice")
        _in_room(alice, server, room)
        _standing_at(alice, "alice", 1, 3)  # straight in through the door
        scene = _scene(alice)
        assert (scene["wallpaper"], scene["floor"]) == ("#8fb0cf", "#a89f72")
        # One wall piece per row along the left back edge and per column along the right one.
        assert scene["walls"] == {"left": 7, "right": 7}
        assert {(w["side"], w["x"], w["y"]) for w in scene["wallTiles"]} == (
            {("left", 0, y) for y in range(7)} | {("right", x, 0) for x in range(7)})
        assert scene["door"] == {"x": 0, "y": 3, "side": "left"}
        assert scene["marker"]["name"] == "alice", "your own avatar is marked"

        bob = log_in(browser, server, "bob")
        _in_room(bob, server, room)
        seen_by_alice, seen_by_bob = _stepped_in(alice, "bob"), _stepped_in(bob, "bob")
        assert seen_by_alice == seen_by_bob
        assert seen_by_alice != (1, 3), "not onto alice's tile"
        assert max(abs(seen_by_alice[0] - DOOR[0]), abs(seen_by_alice[1] - DOOR[1])) == 1, "the nearest free tile"
        assert _scene(bob)["marker"]["name"] == "bob"
        assert all(a["box"] for a in _scene(alice)["avatars"])
        ARTIFACTS.mkdir(exist_ok=True)
        alice.screenshot(path=ARTIFACTS / "room-walls.png")


def test_two_avatars_on_one_tile_are_both_seen_and_clicked(daphne_server, make_player):
    server = daphne_server()
    make_player("alice", figure_shirt="#ef4444")
    make_player("bob", figure_shirt="#22c55e")
    # A room of one tile, the door: nowhere to step in to, so both stand on it.
    room = Room.objects.create(owner=make_player("owner"), name="Cupboard", floor_plan="0", door_x=0, door_y=0)
    with chromium() as browser:
        alice, bob = log_in(browser, server, "alice"), log_in(browser, server, "bob")
        _in_room(alice, server, room)
        _in_room(bob, server, room)
        _standing_at(alice, "bob", 0, 0)
        _standing_at(alice, "alice", 0, 0)
        alice.wait_for_function("window.hotelRoom.scene().avatars.filter((a) => a.box).length === 2")
        boxes = {a["name"]: a["box"] for a in _scene(alice)["avatars"]}
        assert boxes["alice"] != boxes["bob"]
        for name, other in (("alice", "bob"), ("bob", "alice")):
            mine, theirs = boxes[name], boxes[other]
            cx, cy = (mine["x0"] + mine["x1"]) / 2, (mine["y0"] + mine["y1"]) / 2
            assert not (theirs["x0"] <= cx <= theirs["x1"] and theirs["y0"] <= cy <= theirs["y1"]), "each has its own spot"
        # A click on each opens that one's card.
        for name, label in (("bob", "bob"), ("alice", "alice (you)")):
            at = alice.evaluate(f"window.hotelRoom.avatarCentre('{name}')")
            alice.mouse.click(at["x"], at["y"])
            alice.locator("#avatar-card .name", has_text=label).wait_for()
            alice.keyboard.press("Escape")
        ARTIFACTS.mkdir(exist_ok=True)
        alice.screenshot(path=ARTIFACTS / "room-shared-tile.png")


def test_chat_bubbles_wrap_stack_and_stay_inside_the_canvas(daphne_server, make_player, consumer_process):
    server = daphne_server()
    make_player("alice", figure_shirt="#ef4444")
    make_player("bob", figure_shirt="#22c55e")
    room = Room.objects.create(owner=make_player("owner"), name="Chatty lounge", floor_plan=SEVEN, door_x=DOOR[0],
                               door_y=DOOR[1])
    consumer_process("chat-history")
    with chromium() as browser:
        alice, bob = log_in(browser, server, "alice"), log_in(browser, server, "bob")
        _in_room(alice, server, room)
        _in_room(bob, server, room)
        _stepped_in(alice, "bob")
        _stepped_in(alice, "alice")

        # The counter follows the box, as far as it takes.
        count = alice.locator("#chat-count")
        alice.fill("input[name=text]", "x" * 37)
        assert count.inner_text() == "37/100"
        alice.fill("input[name=text]", LONG_LINE)
        assert count.inner_text() == "100/100" and "full" in count.get_attribute("class")
        alice.press("input[name=text]", "Enter")
        assert count.inner_text() == "0/100"

        bob.fill("input[name=text]", "Hi alice! Nice walls in here.")
        bob.press("input[name=text]", "Enter")
        alice.select_option("select[name=kind]", "shout")
        alice.fill("input[name=text]", "PARTY TIME")
        alice.press("input[name=text]", "Enter")
        bob.select_option("select[name=kind]", "whisper")
        bob.fill("input[name=to]", "alice")
        bob.fill("input[name=text]", "psst, over here")
        bob.press("input[name=text]", "Enter")
        alice.wait_for_function("window.hotelRoom.scene().bubbles.length === 4", timeout=15000)
        alice.wait_for_timeout(300)  # the last push slides in; the screenshot shows the stream at rest
        ARTIFACTS.mkdir(exist_ok=True)
        alice.screenshot(path=ARTIFACTS / "room-bubbles.png")

        scene = _scene(alice)
        bubbles = scene["bubbles"]
        assert [b["kind"] for b in bubbles] == ["say", "say", "shout", "whisper"]
        long_one = next(b for b in bubbles if b["text"] == LONG_LINE)
        assert long_one["lines"] >= 3 and long_one["w"] <= 300, "wrapped to a bubble's width"
        for b in bubbles:
            assert _inside(b, scene), f"inside the canvas: {b}"
        for i, a in enumerate(bubbles):
            for b in bubbles[i + 1:]:
                assert not _overlap(a, b), f"bubbles apart: {a} / {b}"
        # Newer lines further down: the stream rises.
        assert [b["y"] for b in bubbles] == sorted(b["y"] for b in bubbles)

        # Panned until alice is off the canvas's left edge, her bubble is still wholly on it.
        box = next(a["box"] for a in scene["avatars"] if a["name"] == "alice")
        for _ in range(2):
            _drag(alice, {"x": scene["width"] - 100, "y": scene["height"] * 0.6}, -500, 0)
        alice.wait_for_function(f"window.hotelRoom.scene().avatars.find((a) => a.name === 'alice').box.x1 < {box['x1']} - 200")
        alice.select_option("select[name=kind]", "say")
        alice.fill("input[name=text]", "Over at the edge")
        alice.press("input[name=text]", "Enter")
        alice.wait_for_function("window.hotelRoom.scene().bubbles.some((b) => b.text === 'Over at the edge')", timeout=15000)
        scene = _scene(alice)
        edge = next(b for b in scene["bubbles"] if b["text"] == "Over at the edge")
        speaker = next(a["box"] for a in scene["avatars"] if a["name"] == "alice")
        assert (speaker["x0"] + speaker["x1"]) / 2 < edge["x"] + edge["w"] / 2, "pushed in from the edge"
        assert _inside(edge, scene)
        for other in scene["bubbles"]:
            assert other is edge or not _overlap(edge, other)


def test_dragging_pans_the_room_and_walks_nowhere(daphne_server, make_player):
    server = daphne_server()
    make_player("alice")
    make_player("bob")
    room = Room.objects.create(owner=make_player("owner"), name="Pan room", floor_plan=SEVEN, door_x=DOOR[0],
                               door_y=DOOR[1])
    with chromium() as browser:
        alice = log_in(browser, server, "alice")
        alice.add_init_script(SPY_ON_SOCKETS)
        _in_room(alice, server, room)
        _standing_at(alice, "alice", 1, 3)
        before = _scene(alice)
        stage = alice.evaluate("(() => { const r = document.getElementById('room'); return [r.clientWidth, r.clientHeight] })()")
        assert [before["width"], before["height"]] == stage, "the canvas fills the stage"

        # A mouse drag from a tile: the room follows, and nobody walks.
        start = alice.evaluate("window.hotelRoom.tileCentre(4, 4)")
        _drag(alice, start, 120, 60)
        after = _scene(alice)
        assert _near((after["origin"]["x"] - before["origin"]["x"], after["origin"]["y"] - before["origin"]["y"]), (120, 60))
        moved = alice.evaluate("window.hotelRoom.tileCentre(4, 4)")
        assert _near((moved["x"] - start["x"], moved["y"] - start["y"]), (120, 60))
        assert [m for m in alice.evaluate("window.sentFrames") if m["type"] == "walk"] == []

        # A click still walks, to the tile under it wherever the room is now.
        _click(alice, 4, 4)
        _standing_at(alice, "alice", 4, 4)
        # A smaller window: the canvas follows it, and clicks land on the right tile.
        alice.set_viewport_size({"width": 640, "height": 520})
        alice.wait_for_function("window.hotelRoom.scene().width === document.getElementById('room').clientWidth")
        assert _scene(alice)["width"] < before["width"]
        _click(alice, 2, 5)
        _standing_at(alice, "alice", 2, 5)

        # On a phone (touch, two device pixels a point): a tap walks, a finger drag pans.
        phone = browser.new_context(viewport={"width": 390, "height": 720}, has_touch=True, is_mobile=True,
                                    device_scale_factor=2).new_page()
        phone.add_init_script(SPY_ON_SOCKETS)
        phone.goto(f"{server.url}/login/")
        phone.fill("#id_username", "bob")
        phone.fill("#id_password", "pass-word-123")
        phone.click("button[type=submit]")
        phone.wait_for_url(f"{server.url}/")
        _in_room(phone, server, room)
        bob_at = _stepped_in(phone, "bob")
        scene = _scene(phone)
        assert phone.evaluate("document.getElementById('room-canvas').width") == scene["width"] * 2, "sharp on the screen"
        target = (5, 5) if bob_at != (5, 5) else (5, 4)
        at = phone.evaluate(f"window.hotelRoom.tileCentre({target[0]}, {target[1]})")
        phone.touchscreen.tap(at["x"], at["y"])
        _standing_at(phone, "bob", *target)
        _standing_at(alice, "bob", *target)
        touch = phone.context.new_cdp_session(phone)
        start = phone.evaluate("window.hotelRoom.tileCentre(3, 3)")
        points = [(start["x"] + dx, start["y"] + dx / 2) for dx in range(0, 81, 10)]
        touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": points[0][0], "y": points[0][1]}]})
        for x, y in points[1:]:
            touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        panned = _scene(phone)
        assert _near((panned["origin"]["x"] - scene["origin"]["x"], panned["origin"]["y"] - scene["origin"]["y"]), (80, 40))
        walks = [m for m in phone.evaluate("window.sentFrames") if m["type"] == "walk"]
        assert walks == [{"type": "walk", "x": target[0], "y": target[1]}], "the tap's walk, none for the drag"
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=ARTIFACTS / "room-phone-panned.png")
