"""A room's chat log in the admin at 1280×800 in Debian's Chromium (Playwright):
the longest lines stay whole in their text column, on screen (issue 12 §5).
The screenshot is kept in test-artifacts/."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse

from chat.models import MAX_LINE, ChatLine
from conftest import ARTIFACTS, admin_logged_in, chromium
from rooms.models import Room

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 1280, 800
# The longest lines a player can say: one word with no place to break, and words.
UNBROKEN = "W" * MAX_LINE
WORDS = ("moderators read every word of this line " * 3)[:MAX_LINE]


def admin_session(user) -> str:
    """The session cookie of a member of staff logged into the admin (password, then TOTP)."""
    return admin_logged_in(user).cookies[settings.SESSION_COOKIE_NAME].value


def test_the_chat_log_text_column_is_whole_on_screen_at_1280_px(daphne_server, make_player):
    server = daphne_server()
    # A name can be one word of 150 characters.
    speaker = make_player("a_rather_long_player_name_" + "n" * 124)
    room = Room.objects.create(
        owner=speaker, name="The longest room name a player may choose, sixty characters", floor_plan="000\n000",
        door_x=0, door_y=0,
    )
    said = datetime(2025, 3, 4, 12, 0, 7, tzinfo=UTC)
    for i, text in enumerate([UNBROKEN, WORDS, "hi"]):
        ChatLine.objects.create(room=room, user=speaker, text=text, said_at=said - timedelta(seconds=i))
    ChatLine.objects.create(room=room, user=speaker, kind="whisper", recipient=room.owner, text="psst",
                            said_at=said - timedelta(seconds=9))
    cookie = admin_session(make_player("admin", is_staff=True, is_superuser=True))
    moderator = make_player("mod", is_staff=True)
    moderator.user_permissions.set(Permission.objects.filter(codename="view_chatline"))
    moderator_cookie = admin_session(moderator)
    changelist = f"{server.url}{reverse('admin:chat_chatline_changelist')}"
    logs = {
        "room": (f"{changelist}?room__id__exact={room.pk}", "Chat log of room"),
        "player": (f"{changelist}?user__id__exact={speaker.pk}", "Chat log of player"),
        "all": (changelist, "Chat log"),
    }

    with chromium() as browser:
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": server.url}])
        page = context.new_page()
        ARTIFACTS.mkdir(exist_ok=True)
        for name, (url, heading) in logs.items():
            page.goto(url)
            page.screenshot(path=ARTIFACTS / f"admin-chat-log-{name}-1280.png")
            assert page.locator("h1").inner_text().startswith(heading)
            assert page.locator("h1").evaluate("h => h.scrollWidth <= h.clientWidth"), "the heading runs off the page"
            _assert_whole_on_screen(page)
        assert page.locator("#result_list td.field-text", has_text="psst").count() == 1

        # Staff without the permission: the same log, the whisper left out and the page saying so.
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": moderator_cookie, "url": server.url}])
        page = context.new_page()
        page.goto(logs["room"][0])
        page.screenshot(path=ARTIFACTS / "admin-chat-log-no-whispers-1280.png")
        assert page.locator("#hidden-lines").inner_text().startswith("Whispers are hidden")
        assert page.locator("#result_list td.field-text", has_text="psst").count() == 0
        _assert_whole_on_screen(page)


def _assert_whole_on_screen(page):
    # The table scrolls inside this box: a cell outside it is hidden even when on the screen.
    shown = page.locator("#changelist .results").bounding_box()
    for text in (UNBROKEN, WORDS):
        cell = page.locator("#result_list td.field-text", has_text=text)
        assert cell.inner_text() == text
        box = cell.bounding_box()
        assert 0 <= box["x"] and box["x"] + box["width"] <= WIDTH, f"the text cell {box} is off the screen"
        assert 0 <= box["y"] and box["y"] + box["height"] <= HEIGHT, f"the text cell {box} is below the screen"
        assert box["x"] + box["width"] <= shown["x"] + shown["width"], f"the text cell {box} is pushed out of {shown}"
        # Nothing of the line is clipped inside its cell.
        assert cell.evaluate("td => td.scrollWidth <= td.clientWidth")
    # The table fits its box: no column is pushed into a horizontal scroll.
    assert page.locator("#changelist .results").evaluate("r => r.scrollWidth <= r.clientWidth")
    assert page.locator("#result_list tbody th.field-said").first.inner_text() == "2025-03-04 12:00:07"
