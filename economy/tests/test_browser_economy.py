"""In Debian's Chromium: buy from the catalogue window (its pictures drawn by
the room's renderer), see the credits and the inventory change without a
reload, and sit on a chair in a room. Screenshots go to test-artifacts/."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from conftest import ARTIFACTS, chromium, log_in
from economy.models import Purchase
from economy.services import credits_grant
from rooms.models import Furni, Item, Room

pytestmark = pytest.mark.django_db(transaction=True)


def test_buy_a_chair_from_the_catalogue_and_sit_on_one(daphne_server, make_player, consumer_process, offer):
    server = daphne_server()
    make_player("alice")
    chair = offer(price=3, name="Oak chair")
    room = Room.objects.create(
        owner=make_player("owner"), name="Chair room", floor_plan="\n".join(["00000"] * 5), door_x=0, door_y=2
    )
    seat = Item.objects.create(name="Room chair", look="chair", can_sit=True, colour="#b91c1c")
    Furni.objects.create(item=seat, owner=room.owner, room=room, x=3, y=2, rotation=2)
    consumer_process("economy")
    with chromium() as browser:
        page = log_in(browser, server, "alice")
        page.click("#open-catalogue")
        card = page.locator(".offer", has_text="Oak chair")
        card.locator("button", has_text="Buy").click()
        assert card.locator("canvas.picture").count() == 1
        card.locator("button", has_text="Confirm").click()
        card.locator(".status", has_text="Bought: Oak chair.").wait_for(timeout=15000)
        assert page.locator("#credits").inner_text() == "97"
        page.click("#open-inventory")
        page.locator("#inventory-window .offer", has_text="Oak chair").wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "catalogue-bought.png")

        page.goto(f"{server.url}{room.get_absolute_url()}")
        page.wait_for_function("window.hotelRoom && window.hotelRoom.ready()")
        target = page.evaluate("window.hotelRoom.tileCentre(3, 2)")
        page.mouse.click(target["x"], target["y"])
        page.wait_for_function(
            "(() => { const a = window.hotelRoom.avatar('alice'); return a && a.pose === 'sit' })()", timeout=15000
        )
        # Rotation 2 faces +x: the sitter looks the chair's way (iso.js direction 1).
        assert page.evaluate("window.hotelRoom.avatar('alice').dir") == 1
        page.screenshot(path=ARTIFACTS / "sitting.png")
    assert Purchase.objects.get().status == "completed"
    assert Furni.objects.filter(owner__username="alice", item=chair.item).count() == 1


def test_confirming_again_after_an_error_buys_once(daphne_server, make_player, consumer_process, offer):
    """The hotel's answer to a purchase can fail after Kafka took it (a broker
    failover outlasting the publish timeout): confirming again sends the same
    key, so the purchase is made once, not twice."""
    server = daphne_server()
    make_player("alice")
    offer(price=3, name="Oak chair")
    consumer_process("economy")
    keys = []

    def answer_lost_once(route):
        keys.append(route.request.post_data_json["key"])
        if len(keys) == 1:
            route.fetch()  # the purchase reaches the hotel and is made...
            route.fulfill(status=503, json={"error": "unavailable", "message": "The hotel did not answer in time."})
        else:
            route.continue_()

    with chromium() as browser:
        page = log_in(browser, server, "alice")
        page.route("**/economy/purchase/", answer_lost_once)
        page.click("#open-catalogue")
        card = page.locator(".offer", has_text="Oak chair")
        card.locator("button", has_text="Buy").click()
        card.locator("button", has_text="Confirm").click()
        card.locator(".status", has_text="The hotel did not answer in time.").wait_for(timeout=15000)
        card.locator("button", has_text="Confirm").click()
        card.locator(".status", has_text="Bought: Oak chair.").wait_for(timeout=15000)
        assert page.locator("#credits").inner_text() == "97"
    assert len(keys) == 2 and keys[0] == keys[1]
    assert Purchase.objects.count() == 1
    assert Furni.objects.filter(owner__username="alice").count() == 1


def test_confirming_again_after_a_refusal_is_a_new_purchase(daphne_server, make_player, consumer_process, offer):
    """A refusal is final for its key: once the player can pay, Confirm buys."""
    server = daphne_server()
    alice = make_player("alice")
    staff = make_player("staff", is_staff=True)
    offer(price=150, name="Golden throne")
    consumer_process("economy")
    with chromium() as browser, ThreadPoolExecutor(1) as db:
        page = log_in(browser, server, "alice")
        page.click("#open-catalogue")
        card = page.locator(".offer", has_text="Golden throne")
        card.locator("button", has_text="Buy").click()
        card.locator("button", has_text="Confirm").click()
        card.locator(".status", has_text="credits").wait_for(timeout=15000)
        assert "Bought" not in card.locator(".status").inner_text()
        db.submit(credits_grant, staff=staff, user_id=alice.pk, amount=100).result()
        page.locator("#credits", has_text="200").wait_for(timeout=15000)
        card.locator("button", has_text="Confirm").click()
        card.locator(".status", has_text="Bought: Golden throne.").wait_for(timeout=15000)
        assert page.locator("#credits").inner_text() == "50"
        db.submit(connections.close_all).result()
    assert list(Purchase.objects.order_by("id").values_list("status", flat=True)) == ["refused", "completed"]
