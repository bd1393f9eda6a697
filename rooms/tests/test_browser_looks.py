"""Looks, the avatar card and dancing in Debian's Chromium (Playwright), two
players in one room: alice changes her looks and motto, bob sees them on her
card without a reload. Screenshots go to test-artifacts/."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import ARTIFACTS, chromium, log_in
from habbo import palettes
from habbo.models import User
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)

CHOICES = {
    "hair_style": "spiky", "hair": palettes.HAIR[3], "skin": palettes.SKIN[1], "shirt": palettes.CLOTHES[4],
    "legs": palettes.CLOTHES[6], "shoes": palettes.SHOES[3],
}
MOTTO = "Dancing on the roof"


def test_alice_restyles_and_bob_sees_it_on_her_card(daphne_server, make_player):
    server = daphne_server()
    make_player("alice", figure_shirt=palettes.CLOTHES[1])
    make_player("bob", figure_shirt=palettes.CLOTHES[2], figure_hair_style="cap", figure_hair=palettes.HAIR[8])
    room = Room.objects.create(
        owner=make_player("owner"), name="Looks lounge", floor_plan="\n".join(["000000"] * 6), door_x=0, door_y=2
    )
    with chromium() as browser, ThreadPoolExecutor(1) as db:
        alice, bob = log_in(browser, server, "alice"), log_in(browser, server, "bob")
        errors = []
        for page in (alice, bob):
            page.on("pageerror", lambda error: errors.append(error))
            page.goto(f"{server.url}/rooms/{room.pk}/")
            page.wait_for_function("window.hotelRoom && window.hotelRoom.ready()")
        for page in (alice, bob):
            for name in ("alice", "bob"):
                page.wait_for_function(f"(() => {{ const a = window.hotelRoom.avatar('{name}'); return a && !a.walking }})()")

        _own_card_edits_looks(alice)
        _open_card(bob, "alice")
        assert bob.locator("#avatar-card .motto").inner_text() == "No motto yet."

        _choose_and_save(alice)
        # Bob's open card shows the new looks and motto: no reload, no click.
        bob.wait_for_function(f"document.querySelector('#avatar-card .motto').textContent === '{MOTTO}'")
        assert bob.evaluate("window.hotelRoom.avatar('alice').figure") == CHOICES
        saved = db.submit(lambda: User.objects.get(username="alice")).result()
        assert (saved.figure, saved.motto) == (CHOICES, MOTTO)

        _add_friend_and_whisper(bob)
        _dance(alice, bob)
        assert not errors, errors


def _open_card(page, name):
    centre = page.evaluate(f"window.hotelRoom.avatarCentre('{name}')")
    page.mouse.click(centre["x"], centre["y"])
    page.wait_for_selector("#avatar-card:not([hidden])")
    assert page.locator("#avatar-card .name").inner_text().startswith(name)


def _own_card_edits_looks(alice):
    """Clicking your own avatar opens your card (it used to walk), with Edit looks."""
    _open_card(alice, "alice")
    card = alice.locator("#avatar-card")
    assert card.locator(".name").inner_text() == "alice (you)"
    assert card.locator("button", has_text="Trade").count() == 0
    assert card.locator("canvas.look").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    alice.screenshot(path=ARTIFACTS / "avatar-card-own.png")
    card.locator("button.edit-looks").click()
    alice.wait_for_selector("#looks-window:not([hidden]) button[data-key=hair_style]")
    assert card.is_hidden()


def _choose_and_save(alice):
    window = alice.locator("#looks-window")
    assert window.locator("button[data-key=hair_style]").all_inner_texts() == list(palettes.HAIR_STYLES.values())
    for key, value in CHOICES.items():
        choice = window.locator(f"button[data-key={key}][data-value='{value}']")
        choice.click()
        assert choice.get_attribute("aria-pressed") == "true"
    window.locator("input[name=motto]").fill(MOTTO)
    assert window.locator(".motto-count").inner_text() == f"{len(MOTTO)}/100"
    assert window.locator("input[name=motto]").get_attribute("maxlength") == "100"
    window.locator("button.save").click()
    alice.wait_for_function("document.querySelector('.looks-said').textContent === 'Your new looks are saved.'")
    # Her own avatar in the room took the looks from the room's frame.
    alice.wait_for_function(f"window.hotelRoom.avatar('alice').motto === '{MOTTO}'")
    window.screenshot(path=ARTIFACTS / "looks-editor.png")
    window.locator(".close").click()


def _add_friend_and_whisper(bob):
    card = bob.locator("#avatar-card")
    assert card.locator(".name").inner_text() == "alice"
    assert card.locator("button", has_text="Trade").count() == 1
    card.locator("button.add-friend").click()
    bob.wait_for_selector("#avatar-card .said")
    assert card.locator(".said").inner_text() == "Friend request sent to alice."
    bob.screenshot(path=ARTIFACTS / "avatar-card.png")
    card.locator("button.whisper").click()
    assert bob.eval_on_selector("#chat-form", "f => [f.elements.kind.value, f.elements.to.value, f.elements.to.hidden]") == [
        "whisper", "alice", False,
    ]
    assert bob.evaluate("document.activeElement.name") == "text"


def _dance(alice, bob):
    """The chat bar's Dance: everyone sees it, the button stops it."""
    alice.click("#dance")
    bob.wait_for_function("window.hotelRoom.avatar('alice').dance > 0")
    alice.wait_for_selector("#dance[aria-pressed=true]")
    alice.click("#dance")
    bob.wait_for_function("window.hotelRoom.avatar('alice').dance === 0")
    alice.wait_for_selector("#dance[aria-pressed=false]")
    assert alice.locator("#dance").inner_text() == "Dance"
