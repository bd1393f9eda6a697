"""Moderation in Debian's Chromium (Playwright), with the real `moderation`
consumer (and the chat history) as subprocesses: a player's Report on a chat
line becomes a ticket carrying the lines of that moment, and its closing
reaches the reporter's page; a moderator alerts, mutes and kicks a player
from the avatar card, and the player's page shows each. Screenshots go to
test-artifacts/."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from conftest import ARTIFACTS, chromium, log_in, wait_for
from habbo.models import Rank, User
from moderation.models import Sanction, Ticket
from moderation.services import INAPPROPRIATE_NAME, OUTCOME_SENTENCES, sanction_request, ticket_close_request
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def room(make_player):
    return Room.objects.create(
        owner=make_player("owner"), name="Help desk", floor_plan="\n".join(["000000"] * 6), door_x=0, door_y=2
    )


def _in_room(page, server, room, *names):
    page.goto(f"{server.url}/rooms/{room.pk}/")
    page.wait_for_function("window.hotelRoom && window.hotelRoom.ready()")
    for name in names:
        page.wait_for_function(f"(() => {{ const a = window.hotelRoom.avatar('{name}'); return a && !a.walking }})()")


def _say(page, text):
    page.fill("input[name=text]", text)
    page.press("input[name=text]", "Enter")


def _watch_errors(*pages):
    errors = []
    for page in pages:
        page.on("pageerror", lambda error: errors.append(error))
    return errors


def test_a_reported_chat_line_becomes_a_ticket_and_its_closing_reaches_the_reporter(
    daphne_server, make_player, consumer_process, room
):
    server = daphne_server()
    alice, bob = make_player("alice"), make_player("bob")
    moderator = make_player("mod", is_staff=True, rank=Rank.MODERATOR)
    consumer_process("chat-history")
    consumer_process("moderation")
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser, ThreadPoolExecutor(1) as db:
        a, b = log_in(browser, server, "alice"), log_in(browser, server, "bob")
        errors = _watch_errors(a, b)
        _in_room(a, server, room)
        _in_room(b, server, room, "alice")
        a.wait_for_function("window.hotelRoom.avatar('bob') !== null")
        _say(a, "hi bob")
        _say(b, "nobody likes you, alice")
        a.click("#toggle-side")
        line = a.locator("#chat-log li", has_text="nobody likes you")
        line.wait_for(timeout=10000)
        assert a.locator("#chat-log li", has_text="hi bob").locator(".report-line").count() == 0, "no Report on your own line"
        # The ticket takes the line from the chat history: wait until it is stored there.
        said = db.submit(lambda: wait_for(
            lambda: room.chat_lines.filter(text="nobody likes you, alice").first(), what="the line in the history"
        )).result()

        line.hover()
        line.locator(".report-line").click()
        window = a.locator("#report-window")
        assert "bob: nobody likes you, alice" in window.locator(".what").inner_text()
        window.locator("textarea").fill("Bob keeps insulting me")
        assert window.locator(".count-chars").inner_text() == "22/200"
        window.locator("button", has_text="Send").click()
        window.locator(".said", has_text="Thank you: your report is with the moderators.").wait_for(timeout=10000)
        assert window.locator("button", has_text="Send").is_disabled(), "one click, one ticket"
        a.screenshot(path=ARTIFACTS / "moderation-report-window.png")

        ticket = db.submit(lambda: wait_for(
            lambda: Ticket.objects.filter(reporter=alice).first(), what="the ticket"
        )).result()
        assert (ticket.about, ticket.about_user_id, ticket.room_id, ticket.chat_line_id) == (
            "chat", bob.pk, room.pk, said.pk
        )
        assert ticket.message == "Bob keeps insulting me"
        assert [(c["user"], c["text"]) for c in ticket.chat_lines] == [
            ("alice", "hi bob"), ("bob", "nobody likes you, alice")
        ]
        assert ticket.state == Ticket.State.OPEN

        db.submit(ticket_close_request, moderator=moderator, ticket=ticket, outcome="resolved").result()
        notice = a.locator(".toast.help", has_text=OUTCOME_SENTENCES["resolved"])
        notice.wait_for(timeout=15000)
        a.screenshot(path=ARTIFACTS / "moderation-report-answered.png")
        assert b.locator(".toast.help").count() == 0, "only the reporter hears of it"
        closed = db.submit(lambda: Ticket.objects.get(pk=ticket.pk)).result()
        assert (closed.state, closed.outcome, closed.closed_by_id) == ("closed", "resolved", moderator.pk)
        notice.locator("button", has_text="OK").click()
        assert notice.count() == 0
        db.submit(connections.close_all).result()
    assert not errors, errors


def test_a_moderator_alerts_mutes_and_kicks_from_the_avatar_card(daphne_server, make_player, consumer_process, room):
    server = daphne_server()
    carol = make_player("carol")
    make_player("mod", is_staff=True, rank=Rank.MODERATOR)
    consumer_process("moderation")
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser, ThreadPoolExecutor(1) as db:
        m, c = log_in(browser, server, "mod"), log_in(browser, server, "carol")
        errors = _watch_errors(m, c)
        assert m.evaluate("document.body.dataset.moderator !== undefined")
        assert c.evaluate("document.body.dataset.moderator === undefined"), "no staff tools for players"
        _in_room(c, server, room)
        _in_room(m, server, room, "carol")
        c.wait_for_function("window.hotelRoom.avatar('mod') !== null")

        # A player's card has Report but no Moderate.
        at = c.evaluate("window.hotelRoom.avatarCentre('mod')")
        c.mouse.click(at["x"], at["y"])
        c.locator("#avatar-card button.report").wait_for()
        assert c.locator("#avatar-card button", has_text="Moderate").count() == 0
        c.keyboard.press("Escape")

        at = m.evaluate("window.hotelRoom.avatarCentre('carol')")
        m.mouse.click(at["x"], at["y"])
        card = m.locator("#avatar-card")
        card.locator("button", has_text="Moderate").click()
        panel = card.locator(".moderate")
        panel.locator(".mod-status", has_text="carol (player). Nothing in force.").wait_for(timeout=10000)
        assert panel.locator("button.next-step").inner_text() == "Next step (an alert)"
        assert panel.locator("button.lift").count() == 0
        m.screenshot(path=ARTIFACTS / "moderation-avatar-card-panel.png")

        # Alert: a box carol must close before playing on.
        panel.locator("input[name=reason]").fill("Please keep the chat friendly.")
        panel.locator("button.alert").click()
        panel.locator(".said", has_text="Sent: alert.").wait_for(timeout=10000)
        box = c.locator("dialog.message-box")
        box.locator(".message", has_text="Please keep the chat friendly.").wait_for(timeout=15000)
        assert c.evaluate("document.querySelector('dialog.message-box').matches(':modal')"), "the rest of the page is blocked"
        c.screenshot(path=ARTIFACTS / "moderation-alert-modal.png")
        box.locator("button", has_text="OK").click()
        assert box.count() == 0

        # Mute for 15 minutes: a notice, and her chat is refused with the time left.
        panel.locator("select[name=mute]").select_option("15")
        panel.locator("input[name=reason]").fill("Flooding the room")
        panel.locator("button.mute").click()
        c.locator(".toast.sanction", has_text="A moderator muted you for 15 min: Flooding the room").wait_for(timeout=15000)
        panel.locator(".mod-status", has_text="Muted until").wait_for(timeout=10000)
        panel.locator("button.lift", has_text="Lift mute").wait_for()
        _say(c, "can anyone hear me?")
        refusal = c.locator("#room-status", has_text="A moderator muted you:")
        refusal.wait_for(timeout=10000)
        assert re.fullmatch(r"A moderator muted you: 1[45] min left\.", refusal.inner_text().strip())
        c.screenshot(path=ARTIFACTS / "moderation-muted-chat-refused.png")
        m.screenshot(path=ARTIFACTS / "moderation-avatar-card-muted.png")

        # Kick: her page explains it and shows the hotel view; nothing reconnects.
        panel.locator("input[name=reason]").fill("Time out")
        panel.locator("button.kick").click()
        kicked = c.locator("dialog.message-box.kicked")
        kicked.locator(".message", has_text="A moderator sent you out of the room: Time out").wait_for(timeout=15000)
        c.wait_for_function("document.getElementById('room').hidden && location.pathname === '/'")
        c.screenshot(path=ARTIFACTS / "moderation-kicked.png")
        m.wait_for_function("window.hotelRoom.avatar('carol') === null", timeout=10000)
        kicked.locator("button", has_text="OK").click()
        assert c.evaluate("window.hotelRoom.roomId()") is None
        assert m.locator("#chat-log").inner_text().count("can anyone hear me?") == 0

        sanctions = db.submit(lambda: list(
            Sanction.objects.filter(target=carol).order_by("created_at").values_list("kind", "reason", "moderator__username")
        )).result()
        muted = db.submit(lambda: User.objects.get(pk=carol.pk).muted_until).result()
        seen = db.submit(lambda: Sanction.objects.get(target=carol, kind="alert").seen_at).result()
        db.submit(connections.close_all).result()
    assert sanctions == [
        ("alert", "Please keep the chat friendly.", "mod"), ("mute", "Flooding the room", "mod"), ("kick", "Time out", "mod"),
    ]
    assert muted is not None
    assert seen is not None, "closing the alert told the hotel"
    assert not errors, errors


def test_a_moderator_renames_the_room_and_bans_a_player_who_is_shown_why(
    daphne_server, make_player, consumer_process, room
):
    server = daphne_server()
    carol = make_player("carol")
    moderator = make_player("mod", is_staff=True, rank=Rank.MODERATOR)
    consumer_process("moderation")
    # An alert sent while carol is away waits for her next page.
    sanction_request(moderator=moderator, target_id=carol.pk, kind="alert", reason="Read the hotel rules, please.")
    wait_for(lambda: Sanction.objects.filter(target=carol).exists(), what="the alert applied")
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser, ThreadPoolExecutor(1) as db:
        m, c = log_in(browser, server, "mod"), log_in(browser, server, "carol")
        errors = _watch_errors(m, c)
        waiting = c.locator("dialog.message-box")
        waiting.locator(".message", has_text="Read the hotel rules, please.").wait_for(timeout=15000)
        waiting.locator("button", has_text="OK").click()
        db.submit(wait_for, lambda: Sanction.objects.filter(target=carol, seen_at__isnull=False).exists(),
                  what="the alert seen").result()
        _in_room(c, server, room)
        _in_room(m, server, room, "carol")

        # The room info window: Report for everyone, the room's actions for moderators only.
        c.click("#open-room-info")
        c.locator("#room-info-window button", has_text="Report this room").wait_for()
        assert c.locator("#room-info-window .room-moderate").count() == 0
        m.click("#open-room-info")
        tools = m.locator("#room-info-window .room-moderate")
        tools.locator("input[name=reason]").fill("Rude room name")
        m.screenshot(path=ARTIFACTS / "moderation-room-info-staff.png")
        tools.locator("button", has_text="Rename as inappropriate").click()
        tools.locator(".said", has_text="Sent.").wait_for(timeout=10000)
        for page in (m, c):
            page.locator("#room-title .name", has_text=INAPPROPRIATE_NAME).wait_for(timeout=15000)
        m.click("#room-info-window .close")

        at = m.evaluate("window.hotelRoom.avatarCentre('carol')")
        m.mouse.click(at["x"], at["y"])
        panel = m.locator("#avatar-card .moderate")
        m.locator("#avatar-card button", has_text="Moderate").click()
        panel.locator(".mod-status", has_text="Nothing in force.").wait_for(timeout=10000)
        panel.locator("select[name=ban]").select_option("1440")
        panel.locator("input[name=reason]").fill("Scamming")
        panel.locator("button.ban").click()

        box = c.locator("dialog.message-box.banned")
        box.locator(".message", has_text="You are banned from the hotel until").wait_for(timeout=15000)
        assert "Reason: Scamming." in box.locator(".message").inner_text()
        c.screenshot(path=ARTIFACTS / "moderation-banned.png")
        m.wait_for_function("window.hotelRoom.avatar('carol') === null", timeout=10000)
        box.locator("button", has_text="To the login page").click()
        c.locator("[data-testid=error-page]", has_text="Reason: Scamming.").wait_for(timeout=10000)
        c.goto(f"{server.url}/login/")
        c.fill("#id_username", "carol")
        c.fill("#id_password", "pass-word-123")
        c.click("button[type=submit]")
        c.locator(".errorlist", has_text="You are banned from the hotel until").wait_for()
        c.screenshot(path=ARTIFACTS / "moderation-banned-login.png")
        banned = db.submit(lambda: User.objects.get(pk=carol.pk)).result()
        renamed = db.submit(lambda: Room.objects.get(pk=room.pk).name).result()
        db.submit(connections.close_all).result()
    assert (banned.banned, banned.ban_reason) == (True, "Scamming")
    assert renamed == INAPPROPRIATE_NAME
    assert not errors, errors
