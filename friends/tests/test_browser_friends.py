"""In Debian's Chromium: B is in a room, A sends a friend request, B's popup
appears, B accepts, and A's friends list shows B in that room without a reload."""

import pytest

from conftest import ARTIFACTS, chromium, log_in
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


def test_popup_accept_and_live_friends_list(daphne_server, make_player, consumer_process):
    server = daphne_server()
    make_player("alice")
    make_player("bob")
    Room.objects.create(owner=make_player("owner"), name="Quiet Cafe", floor_plan="000\n000", door_x=0, door_y=0)
    consumer_process("friends")
    with chromium() as browser:
        alice, bob = log_in(browser, server, "alice"), log_in(browser, server, "bob")
        bob.click("text=Quiet Cafe")
        bob.wait_for_function("window.hotelRoom && window.hotelRoom.ready()")

        alice.goto(f"{server.url}/friends/?q=bob")
        alice.click("[data-testid=found] >> text=Add friend")
        popup = bob.locator(".toast.friend-request")
        popup.wait_for(timeout=15000)
        assert popup.inner_text().startswith("alice wants to be friends")
        popup.locator("text=Accept").click()

        entry = alice.locator("#friend-list li", has_text="bob")
        entry.wait_for(timeout=15000)
        alice.wait_for_function(
            "document.querySelector('#friend-list').innerText.includes('in Quiet Cafe')", timeout=15000
        )
        assert entry.locator(".follow").get_attribute("href").startswith("/rooms/")
        ARTIFACTS.mkdir(exist_ok=True)
        alice.screenshot(path=ARTIFACTS / "friends-alice.png")
        bob.screenshot(path=ARTIFACTS / "friends-bob-room.png")
