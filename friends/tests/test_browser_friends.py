"""In Debian's Chromium, the friends and messenger windows over the room
(the room socket stays open): B is in a room, A finds B in the Friends window
and adds them, B's popup appears and B accepts, A's row for B comes live and
complete (where B is, Follow, Message, Remove), A follows B into the room
without leaving the page (the navigator lists the rooms friends are in); and messages that came while A was away are counted
in the toolbar and said after login. Screenshots go to test-artifacts/."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ARTIFACTS, chromium, log_in
from friends.models import PrivateMessage
from friends.tests.test_messenger import befriend
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


def test_add_accept_follow_from_the_friends_window(daphne_server, make_player, consumer_process):
    server = daphne_server()
    make_player("alice")
    make_player("bob")
    room = Room.objects.create(owner=make_player("owner"), name="Quiet Cafe", floor_plan="000\n000", door_x=0, door_y=0)
    consumer_process("friends")
    with chromium() as browser:
        alice, bob = log_in(browser, server, "alice"), log_in(browser, server, "bob")
        bob.click("text=Quiet Cafe")
        bob.wait_for_function("window.hotelRoom && window.hotelRoom.ready()")

        alice.click("#open-friends")
        alice.fill("#friends-window input[name=q]", "bo")
        alice.press("#friends-window input[name=q]", "Enter")
        alice.locator("#found-players li", has_text="bob").locator("text=Add friend").click()
        alice.locator(".toast", has_text="Friend request sent to bob.").wait_for()

        popup = bob.locator(".toast.friend-request")
        popup.wait_for(timeout=15000)
        assert popup.inner_text().startswith("alice wants to be friends")
        assert bob.locator("#requests-count").inner_text() == "1"
        popup.locator("text=Accept").click()
        assert bob.evaluate("window.hotelRoom.ready()"), "the room stayed open"

        entry = alice.locator("#friend-list li", has_text="bob")
        entry.locator(".status", has_text="in Quiet Cafe").wait_for(timeout=15000)
        for button in ("Follow", "Message", "Remove"):
            assert entry.locator("button", has_text=button).is_visible(), f"the live row has {button}"
        assert alice.locator("#friends-online").inner_text() == "1"
        ARTIFACTS.mkdir(exist_ok=True)
        alice.screenshot(path=ARTIFACTS / "friends-window.png")

        # The navigator's "Friends' rooms" tab shows where bob is.
        alice.click("#open-navigator")
        alice.click("#navigator-window .tab[data-tab=friends]")
        row = alice.locator("#navigator-window .room-list li", has_text="Quiet Cafe")
        row.locator(".friends", has_text="with bob").wait_for()

        alice.evaluate("window.stayedOnThisPage = true")
        entry.locator("button", has_text="Follow").click()
        alice.wait_for_url(f"{server.url}{room.get_absolute_url()}")
        alice.wait_for_function("window.hotelRoom.ready() && window.hotelRoom.avatar('bob') !== null")
        assert alice.evaluate("window.stayedOnThisPage"), "following a friend does not load a page"
        bob.screenshot(path=ARTIFACTS / "friends-bob-room.png")


def test_unread_messages_are_counted_and_said_after_login(daphne_server, make_player, consumer_process):
    server = daphne_server()
    alice, bob = make_player("alice"), make_player("bob")
    befriend(alice, bob)
    consumer_process("messenger")
    with chromium() as browser:
        bob_page = log_in(browser, server, "bob")
        bob_page.click("#open-friends")
        bob_page.locator("#friend-list li", has_text="alice").locator("text=Message").click()
        for text in ("are you there?", "pool at five!"):
            bob_page.fill("#messenger-window input[name=text]", text)
            bob_page.press("#messenger-window input[name=text]", "Enter")
            bob_page.locator("#messages li", has_text=text).wait_for(timeout=15000)

        page = log_in(browser, server, "alice")
        page.locator(".toast", has_text="You have 2 unread messages.").wait_for(timeout=15000)
        assert page.locator("#unread-count").inner_text() == "2"
        page.click("#open-messenger")
        page.locator("#messages li", has_text="pool at five!").wait_for()
        assert page.locator("#unread-count").is_hidden()
        page.screenshot(path=ARTIFACTS / "messenger.png")

        # While the conversation is in view, a new line is read at once; elsewhere it is counted.
        bob_page.fill("#messenger-window input[name=text]", "see you")
        bob_page.press("#messenger-window input[name=text]", "Enter")
        page.locator("#messages li", has_text="see you").wait_for(timeout=15000)
        page.click("#messenger-window .close")
        bob_page.fill("#messenger-window input[name=text]", "bring a towel")
        bob_page.press("#messenger-window input[name=text]", "Enter")
        page.wait_for_function("document.querySelector('#unread-count').textContent === '1'", timeout=15000)
    with ThreadPoolExecutor(1) as pool:
        unread = pool.submit(lambda: list(PrivateMessage.objects.filter(read_at__isnull=True).values_list("text", flat=True))).result()
    assert unread == ["bring a towel"]
