"""In Debian's Chromium: the game screen. The navigator window lists rooms
(public, popular with live counts, mine, search by owner), shows a room's
info, and enters rooms without loading a page: the address follows, back and
forward go between rooms and the hotel view, a room's address opens it, a new
room created from the window opens when ready. A window replaced by another
is paused (nothing drawn) with a way to play there again. Screenshots go to
test-artifacts/."""

import pytest

from conftest import ARTIFACTS, chromium, log_in
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)

READY = "window.hotelRoom && window.hotelRoom.ready()"


def room(owner, name, **extra) -> Room:
    return Room.objects.create(owner=owner, name=name, floor_plan="\n".join(["00000"] * 5), door_x=0, door_y=2, **extra)


def names(page, tab: str) -> list[str]:
    if page.locator("#navigator-window").is_hidden():
        page.click("#open-navigator")
    page.click(f"#navigator-window .tab[data-tab={tab}]")
    page.wait_for_selector("#navigator-window .room-list[aria-busy=false]")
    return page.locator("#navigator-window .room-list .name").all_inner_texts()


def test_navigator_tabs_rooms_and_history(daphne_server, make_player, consumer_process):
    server = daphne_server()
    alice = make_player("alice")
    barista = make_player("barista")
    cafe = room(barista, "Quiet cafe", description="Tea and biscuits", player_count=3)
    bar = room(barista, "Busy bar", player_count=9)
    room(barista, "Secret den", is_public=False)
    attic = room(alice, "My attic", is_public=False)
    consumer_process("rooms")
    with chromium() as browser:
        page = log_in(browser, server, "alice")
        nav = page.locator("#navigator-window")
        nav.wait_for()
        assert sorted(names(page, "public")) == ["Busy bar", "Quiet cafe"]
        assert names(page, "popular") == ["Busy bar", "Quiet cafe"]
        assert nav.locator(".room-list li", has_text="Busy bar").locator(".players").inner_text() == "9/25"
        assert names(page, "mine") == ["My attic"]
        page.click("#navigator-window .tab[data-tab=search]")
        page.fill("#navigator-window input[name=q]", "barista")
        page.press("#navigator-window input[name=q]", "Enter")
        page.wait_for_selector("#navigator-window .room-list[aria-busy=false]")
        assert sorted(nav.locator(".room-list .name").all_inner_texts()) == ["Busy bar", "Quiet cafe"]

        nav.locator(".room-list li", has_text="Quiet cafe").locator("button.info").click()
        info = page.locator("#room-info-window")
        info.locator(".description", has_text="Tea and biscuits").wait_for()
        assert "barista" in info.inner_text() and "3 of 25" in info.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "navigator.png")

        # Entering keeps the page: the address follows, and back/forward move between rooms.
        page.evaluate("window.samePage = true")
        info.locator("button", has_text="Go to this room").click()
        page.wait_for_url(f"{server.url}{cafe.get_absolute_url()}")
        page.wait_for_function(READY)
        assert page.locator("#room-title .name").inner_text() == "Quiet cafe"
        names(page, "public")
        nav.locator(".room-list li", has_text="Busy bar").locator("button.enter").click()
        page.wait_for_url(f"{server.url}{bar.get_absolute_url()}")
        page.wait_for_function(f"{READY} && window.hotelRoom.roomId() === '{bar.pk}'")
        page.go_back()
        page.wait_for_function(f"{READY} && window.hotelRoom.roomId() === '{cafe.pk}'")
        page.locator("#room-title .name", has_text="Quiet cafe").wait_for()
        page.go_back()
        page.wait_for_url(f"{server.url}/")
        assert page.locator("#room").is_hidden() and nav.is_visible()
        page.go_forward()
        page.wait_for_function(f"{READY} && window.hotelRoom.roomId() === '{cafe.pk}'")
        assert page.evaluate("window.samePage"), "no page was loaded on the way"

        # A new room from the Create tab opens when the rooms consumer made it.
        page.click("#open-navigator")
        page.click("#navigator-window .tab[data-tab=create]")
        page.fill("#navigator-window input[name=name]", "Sunset lounge")
        page.click("#navigator-window button:has-text('Create room')")
        page.wait_for_function(
            "window.hotelRoom.ready() && document.querySelector('#room-title .name').textContent === 'Sunset lounge'",
            timeout=20000,
        )
        assert page.evaluate("window.samePage")
        assert page.url.startswith(f"{server.url}/rooms/")
        assert sorted(names(page, "mine")) == ["My attic", "Sunset lounge"]

        # A room's address opens that room.
        other = browser.new_context(viewport={"width": 1000, "height": 700}).new_page()
        other.goto(f"{server.url}/login/?next={attic.get_absolute_url()}")
        other.fill("#id_username", "barista")
        other.fill("#id_password", "pass-word-123")
        other.click("button[type=submit]")
        other.wait_for_function(f"{READY} && window.hotelRoom.roomId() === '{attic.pk}'")


def test_a_window_replaced_by_another_is_paused_until_played_again(daphne_server, make_player):
    server = daphne_server()
    make_player("alice")
    lounge = room(make_player("owner"), "Lounge")
    with chromium() as browser:
        first = log_in(browser, server, "alice")
        first.goto(f"{server.url}{lounge.get_absolute_url()}")
        first.wait_for_function(READY)
        second = first.context.new_page()
        second.goto(f"{server.url}{lounge.get_absolute_url()}")
        second.wait_for_function(READY)

        first.locator(".paused", has_text="playing in another window").wait_for(timeout=10000)
        drawn = first.evaluate("window.hotelRoom.frames()")
        first.wait_for_timeout(500)
        assert first.evaluate("window.hotelRoom.frames()") == drawn, "a paused window draws nothing"
        first.screenshot(path=ARTIFACTS / "paused.png")

        first.click("#play-here")
        first.wait_for_function(f"window.hotelRoom.frames() > {drawn} && {READY}")
        second.locator(".paused").wait_for(timeout=10000)
        assert first.locator(".paused").count() == 0


def test_the_owner_renames_repaints_and_sets_a_doorbell_then_a_lock(daphne_server, make_player, consumer_process):
    server = daphne_server()
    owner = make_player("owner")
    make_player("visitor")
    make_player("stranger")
    den = room(owner, "Den")
    consumer_process("rooms")
    with chromium() as browser:
        host = log_in(browser, server, "owner")
        host.goto(f"{server.url}{den.get_absolute_url()}")
        host.wait_for_function(READY)
        host.click("#open-room-info")
        settings = host.locator("#room-info-window form.room-settings")
        settings.locator("input[name=name]").fill("Den of calm")
        settings.locator("select[name=access]").select_option("doorbell")
        settings.locator("input[name=wallpaper]").fill("#335577")
        settings.locator("button[type=submit]").click()
        settings.locator(".status", has_text="Saved.").wait_for(timeout=20000)
        host.locator("#room-title .name", has_text="Den of calm").wait_for()
        host.wait_for_function("window.hotelRoom.scene().wallpaper === '#335577'")
        host.screenshot(path=ARTIFACTS / "room-settings.png")

        guest = log_in(browser, server, "visitor")
        guest.goto(f"{server.url}{den.get_absolute_url()}")
        guest.locator("#room-status", has_text="You rang the doorbell").wait_for(timeout=10000)
        ring = host.locator(".toast.doorbell", has_text="visitor rang the doorbell.")
        ring.wait_for(timeout=10000)
        ring.locator("button", has_text="Let in").click()
        guest.wait_for_function(READY, timeout=10000)
        host.wait_for_function("window.hotelRoom.avatar('visitor') !== null", timeout=10000)
        guest.screenshot(path=ARTIFACTS / "doorbell-let-in.png")

        # "Not now" says so; locked, the same room tried again says that instead.
        stranger = log_in(browser, server, "stranger")
        stranger.goto(f"{server.url}{den.get_absolute_url()}")
        stranger.locator("#room-status", has_text="You rang the doorbell").wait_for(timeout=10000)
        host.locator(".toast.doorbell", has_text="stranger rang").locator("button", has_text="Not now").click()
        stranger.locator("#room-status", has_text="Nobody let you in this time.").wait_for(timeout=10000)
        settings.locator("select[name=access]").select_option("locked")
        settings.locator("button[type=submit]").click()  # the status says "Saving…" until it is applied
        host.wait_for_function(
            "document.querySelector('#room-info-window .room-settings .status').textContent === 'Saved.'", timeout=20000
        )
        stranger.evaluate(f"window.dispatchEvent(new CustomEvent('hotel:go', {{ detail: {{ url: '{den.get_absolute_url()}' }} }}))")
        stranger.locator("#room-status", has_text="This room is locked").wait_for(timeout=20000)


def test_playable_on_a_phone(daphne_server, make_player):
    """A phone-sized touch screen: nothing runs off the side, the toolbar and
    a window fit, and a tap walks."""
    server = daphne_server()
    make_player("alice")
    lounge = room(make_player("owner"), "Lounge")
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
        page.goto(f"{server.url}/login/?next={lounge.get_absolute_url()}")
        page.fill("#id_username", "alice")
        page.fill("#id_password", "pass-word-123")
        page.tap("button[type=submit]")
        page.wait_for_function(READY)
        fits = "(sel) => { const r = document.querySelector(sel).getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight }"
        assert page.evaluate("document.documentElement.scrollWidth") == 390, "nothing runs off the side"
        for selector in ("#toolbar", "#chat-form", "#open-looks", "#log-out"):
            assert page.evaluate(fits, selector), f"{selector} fits on the screen"
        page.tap("#open-friends")
        assert page.evaluate(fits, "#friends-window")
        page.tap("#friends-window .close")

        target = page.evaluate("window.hotelRoom.tileCentre(3, 3)")
        page.touchscreen.tap(target["x"], target["y"])
        page.wait_for_function(
            "(() => { const a = window.hotelRoom.avatar('alice'); return a.x === 3 && a.y === 3 && !a.walking })()",
            timeout=15000,
        )
        page.screenshot(path=ARTIFACTS / "phone-room.png")
