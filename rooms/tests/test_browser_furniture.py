"""In Debian's Chromium: furnish a room and trade, two players in two
browser contexts. Alice buys a chair, places it from her inventory (a ghost
follows the mouse), bob sees it come without a reload, alice sits on it,
turns it and picks it up again; then a trade from one avatar's card to a
swap both confirmed. Screenshots go to test-artifacts/."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from conftest import ARTIFACTS, chromium, log_in, wait_for
from economy.models import CatalogPage, Offer
from habbo.redis import sync_redis
from rooms.frames import FurniRemoved, frame_text
from rooms.live import frames_channel
from rooms.models import Furni, Item, Room, RoomRight

pytestmark = pytest.mark.django_db(transaction=True)


def _in_room(page, server, room):
    page.goto(f"{server.url}{room.get_absolute_url()}")
    page.wait_for_function("window.hotelRoom && window.hotelRoom.ready()")


def _both_in_room(browser, server, room):
    """Alice's and Bob's pages, each in the room."""
    pages = log_in(browser, server, "alice"), log_in(browser, server, "bob")
    for page in pages:
        _in_room(page, server, room)
    return pages


def _click_tile(page, x, y):
    target = page.evaluate(f"window.hotelRoom.tileCentre({x}, {y})")
    page.mouse.click(target["x"], target["y"])


def test_place_a_chair_sit_on_it_turn_it_and_pick_it_up(daphne_server, make_player, consumer_process):
    server = daphne_server()
    alice, _ = make_player("alice"), make_player("bob")
    room = Room.objects.create(owner=alice, name="Alice's den", floor_plan="\n".join(["000000"] * 6), door_x=0, door_y=2)
    chair = Item.objects.create(name="Oak chair", look="chair", can_sit=True, colour="#b45309")
    Offer.objects.create(page=CatalogPage.objects.create(name="Chairs"), item=chair, price=3)
    consumer_process("economy")
    consumer_process("furniture")
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        a, b = _both_in_room(browser, server, room)
        assert a.evaluate("window.hotelRoom.mayFurnish()") and not b.evaluate("window.hotelRoom.mayFurnish()")

        a.click("#open-catalogue")
        card = a.locator("#catalogue-window .offer", has_text="Oak chair")
        card.locator("button", has_text="Buy").click()
        card.locator("button", has_text="Confirm").click()
        card.locator(".status", has_text="Bought: Oak chair.").wait_for(timeout=15000)
        a.click("#catalogue-window .close")
        a.click("#open-inventory")
        place = a.locator("#inventory-window .offer", has_text="Oak chair").locator("button", has_text="Place")
        place.click()
        assert a.locator("#inventory-window").is_hidden()
        a.locator("#placement-bar", has_text="Placing Oak chair").wait_for()

        target = a.evaluate("window.hotelRoom.tileCentre(3, 2)")
        a.mouse.move(target["x"], target["y"])
        a.wait_for_timeout(100)
        a.screenshot(path=ARTIFACTS / "furniture-placement-ghost.png")
        a.mouse.click(target["x"], target["y"])
        assert a.evaluate("window.hotelRoom.placing()") is None

        b.wait_for_function("window.hotelRoom.furniture().length === 1", timeout=15000)
        piece = b.evaluate("window.hotelRoom.furniture()[0]")
        assert (piece["name"], piece["x"], piece["y"], piece["z"], piece["rotation"]) == ("Oak chair", 3, 2, 0, 0)
        assert piece["owner"] == alice.pk
        furni = piece["id"]
        a.wait_for_function(f"window.hotelRoom.piece({furni}) !== null")
        b.screenshot(path=ARTIFACTS / "furniture-placed-seen-by-bob.png")

        # A click on the chair: alice walks there and sits, and its panel opens.
        at = a.evaluate(f"window.hotelRoom.pieceCentre({furni})")
        a.mouse.click(at["x"], at["y"])
        panel = a.locator("#piece-panel")
        panel.locator("b", has_text="Oak chair").wait_for()
        sitting = "(() => { const a = window.hotelRoom.avatar('alice'); return a && a.pose === 'sit' })()"
        a.wait_for_function(sitting, timeout=15000)
        b.wait_for_function(sitting, timeout=15000)
        assert b.evaluate("window.hotelRoom.avatar('alice').dir") == 3  # rotation 0 faces +y

        # Turned under her: she turns with it.
        panel.locator("button", has_text="Rotate").click()
        b.wait_for_function(f"window.hotelRoom.piece({furni}).rotation === 2", timeout=15000)
        b.wait_for_function("window.hotelRoom.avatar('alice').dir === 1")
        a.screenshot(path=ARTIFACTS / "furniture-sitting-panel.png")
        b.screenshot(path=ARTIFACTS / "furniture-alice-sits-seen-by-bob.png")

        panel.locator("button", has_text="Pick up").click()
        b.wait_for_function("window.hotelRoom.furniture().length === 0", timeout=15000)
        a.wait_for_function("window.hotelRoom.furniture().length === 0")
        b.wait_for_function("window.hotelRoom.avatar('alice').pose === 'stand'")
        assert panel.is_hidden()
        a.click("#open-inventory")
        a.locator("#inventory-window .offer", has_text="Oak chair").locator("button", has_text="Place").wait_for()

        # Bob has no rights: no Place button, and a click on a piece opens no panel.
        assert b.evaluate("window.hotelRoom.placing()") is None
    # (The database only after the browser: Playwright runs an event loop in this thread.)
    furni = Furni.objects.get(pk=furni)
    assert (furni.item_id, furni.room_id, furni.owner_id) == (chair.pk, None, alice.pk)


def test_give_rights_and_trade_from_an_avatars_card(daphne_server, make_player, consumer_process):
    server = daphne_server()
    alice, bob = make_player("alice"), make_player("bob")
    room = Room.objects.create(owner=alice, name="Trading post", floor_plan="\n".join(["000000"] * 6), door_x=0, door_y=2)
    chair = Furni.objects.create(item=Item.objects.create(name="Red chair", look="chair", can_sit=True, colour="#b91c1c"), owner=alice)
    lamp = Furni.objects.create(item=Item.objects.create(name="Blue lamp", look="lamp", colour="#3b82f6"), owner=bob)
    consumer_process("furniture")
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        a, b = _both_in_room(browser, server, room)
        _click_tile(b, 3, 3)
        a.wait_for_function(
            "(() => { const b = window.hotelRoom.avatar('bob'); return b && b.x === 3 && b.y === 3 && !b.walking })()",
            timeout=15000,
        )

        at = a.evaluate("window.hotelRoom.avatarCentre('bob')")
        a.mouse.click(at["x"], at["y"])
        card = a.locator("#avatar-card")
        card.locator("b", has_text="bob").wait_for()
        card.locator("button", has_text="Give rights").click()
        b.wait_for_function("window.hotelRoom.mayFurnish()", timeout=15000)
        card.locator("button", has_text="Take rights").wait_for()

        card.locator("button", has_text="Trade").click()
        trade_a, trade_b = a.locator("#trade-window"), b.locator("#trade-window")
        trade_a.locator("h2", has_text="Trade with bob").wait_for(timeout=10000)
        trade_b.locator("h2", has_text="Trade with alice").wait_for(timeout=10000)

        trade_a.locator(".trade-inventory .trade-piece", has_text="Red chair").locator("button", has_text="Add").click()
        trade_b.locator(".trade-side.theirs .trade-piece", has_text="Red chair").wait_for()
        trade_b.locator(".trade-inventory .trade-piece", has_text="Blue lamp").locator("button", has_text="Add").click()
        trade_a.locator(".trade-side.theirs .trade-piece", has_text="Blue lamp").wait_for()
        assert trade_a.locator("button[name=confirm]").is_disabled()

        trade_a.locator("input[name=accept]").check()
        trade_b.locator(".trade-side.theirs .mark.accepted").wait_for()
        trade_b.locator("input[name=accept]").check()
        for page in (a, b):
            page.wait_for_function("document.getElementById('trade-window').dataset.stage === 'confirm'")
        assert trade_a.locator("button[name=confirm]").is_enabled()
        a.screenshot(path=ARTIFACTS / "furniture-trade-confirm.png")

        trade_a.locator("button[name=confirm]").click()
        trade_b.locator(".trade-side.theirs .mark.confirmed").wait_for()
        trade_b.locator("button[name=confirm]").click()
        for page in (a, b):
            page.locator("#trade-window").wait_for(state="hidden", timeout=15000)
        a.locator(".toast", has_text="Trade with bob done").wait_for(timeout=15000)
        b.locator(".toast", has_text="you got Red chair").wait_for(timeout=15000)
        b.screenshot(path=ARTIFACTS / "furniture-trade-done.png")
    assert RoomRight.objects.filter(room=room, user=bob).exists()
    assert wait_for(lambda: Furni.objects.get(pk=chair.pk).owner_id == bob.pk, what="the chair to be bob's")
    assert Furni.objects.get(pk=lamp.pk).owner_id == alice.pk


def test_a_client_that_missed_a_furniture_frame_reads_the_furniture_again(daphne_server, make_player):
    """The furniture changes behind the client's back (no frame), then a
    frame numbered past the gap comes: the client reads the room's furniture
    over HTTP instead of showing a room that is not there any more."""
    server = daphne_server()
    alice = make_player("alice")
    room = Room.objects.create(owner=alice, name="Gap room", floor_plan="\n".join(["000000"] * 6), door_x=0, door_y=2)
    lamp = Item.objects.create(name="Gap lamp", look="lamp", colour="#3b82f6")
    first = Furni.objects.create(item=lamp, owner=alice, room=room, x=2, y=2)
    Room.objects.filter(pk=room.pk).update(furni_seq=1)

    def behind_the_clients_back():
        """Change 2 and 3 applied, only 3's frame sent (in a thread of its
        own: Playwright's event loop holds this one)."""
        second = Furni.objects.create(item=lamp, owner=alice, room=room, x=4, y=4)
        Furni.objects.filter(pk=first.pk).update(room=None)
        Room.objects.filter(pk=room.pk).update(furni_seq=3)
        sync_redis().spublish(frames_channel(room.pk), frame_text(FurniRemoved(furni=first.pk, seq=3)))
        connection.close()
        return second

    with chromium() as browser:
        a = log_in(browser, server, "alice")
        _in_room(a, server, room)
        assert a.evaluate("window.hotelRoom.furniSeq()") == 1
        with ThreadPoolExecutor(1) as pool:
            second = pool.submit(behind_the_clients_back).result()
        a.wait_for_function("window.hotelRoom.furniSeq() === 3", timeout=10000)
        assert [(p["id"], p["x"], p["y"]) for p in a.evaluate("window.hotelRoom.furniture()")] == [(second.pk, 4, 4)]


def test_clicking_a_bed_lays_the_avatar_down_along_it(daphne_server, make_player):
    server = daphne_server()
    make_player("alice")
    room = Room.objects.create(
        owner=make_player("owner"), name="Bedroom", floor_plan="\n".join(["000000"] * 6), door_x=0, door_y=2
    )
    bed = Item.objects.create(name="Blue bed", look="bed", width=1, length=2, can_lay=True, colour="#1d4ed8")
    Furni.objects.create(item=bed, owner=room.owner, room=room, x=3, y=2, rotation=0)
    with chromium() as browser:
        page = log_in(browser, server, "alice")
        _in_room(page, server, room)
        _click_tile(page, 3, 3)
        page.wait_for_function(
            "(() => { const a = window.hotelRoom.avatar('alice'); return a && !a.walking && a.pose === 'lay' })()",
            timeout=15000,
        )
        page.screenshot(path=ARTIFACTS / "lying.png")
