"""The hotel's own 404, 403 and 500 (habbo.error_pages), with DEBUG true (as
`make run`) and false: a hotel page for a browser, JSON in the player's words
for a JSON endpoint or a client asking for JSON; never Django's pages."""

import json
import logging
import urllib.error
import urllib.request
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path, reverse

from conftest import ARTIFACTS, chromium, session_cookie
from habbo.bus.producer import EventBusUnavailable
from habbo.error_pages import ANSWERS, OUT_OF_DATE
from habbo.json_views import player_only
from habbo.urls import urlpatterns as hotel_urlpatterns

pytestmark = pytest.mark.django_db

NOT_FOUND = "There is no room or page here"
FORBIDDEN = "You are not allowed in there."
BROKEN = "Something went wrong on our side"
# What Django's own pages say (its debug pages, and its plain ones without a template).
DJANGO_WORDS = ["Django", "Traceback", "URLconf", "DEBUG = True", "Page not found", "Server Error", "Not Found"]


def boom(request):
    raise RuntimeError("the test view broke")


def forbidden(request):
    raise PermissionDenied("words a player should never read")


def bus_down(request):
    raise EventBusUnavailable("Kafka did not answer")


# A test-only URLconf (ROOT_URLCONF = this module): views that fail, then the hotel's own URLs.
urlpatterns = [
    path("test/boom/", boom),
    path("test/forbidden/", forbidden),
    path("test/bus-down/", bus_down),
    path("test/json-boom/", player_only(boom)),
    *hotel_urlpatterns,
]


@pytest.fixture(params=[True, False], ids=["DEBUG", "no DEBUG"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def failing_views(settings):
    settings.ROOT_URLCONF = __name__


@pytest.fixture
def player_client(client, make_player):
    client.force_login(make_player())
    return client


def assert_hotel_page(response, status: int, sentence: str):
    body = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert 'data-testid="error-page"' in body and sentence in body
    assert '<a class="error-back" href="/">Back to the hotel</a>' in body
    assert [words for words in DJANGO_WORDS if words in body] == []


def test_a_missing_room_and_an_unknown_url_get_the_hotel_404(debug, player_client):
    assert_hotel_page(player_client.get(reverse("room", args=[uuid.uuid4()])), 404, NOT_FOUND)
    assert_hotel_page(player_client.get("/no/such/place/"), 404, NOT_FOUND)


def test_a_missing_slash_still_redirects(debug, player_client):
    # CommonMiddleware adds the slash to a 404 it can mend, the hotel's 404 included.
    response = player_client.get(reverse("room", args=[uuid.uuid4()]).rstrip("/"))
    assert response.status_code == 301 and response["Location"].endswith("/")


def test_permission_denied_gets_the_hotel_403(debug, failing_views, player_client):
    response = player_client.get("/test/forbidden/")
    assert_hotel_page(response, 403, FORBIDDEN)
    assert "words a player should never read" not in response.content.decode()


def test_a_stale_csrf_token_gets_the_hotel_403_in_player_words(debug):
    response = Client(enforce_csrf_checks=True).post(reverse("signup"), {"username": "newbie"})
    assert_hotel_page(response, 403, OUT_OF_DATE)
    assert "CSRF" not in response.content.decode()


def test_a_view_that_raises_gets_the_hotel_500_and_the_traceback_is_logged(debug, failing_views, player_client, caplog):
    with caplog.at_level(logging.ERROR, logger="habbo.error_pages"):
        response = player_client.get("/test/boom/")
    assert_hotel_page(response, 500, BROKEN)
    assert "the test view broke" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "habbo.error_pages"]
    assert len(logged) == 1 and "GET /test/boom/" in logged[0].getMessage()
    assert logged[0].exc_info and "the test view broke" in str(logged[0].exc_info[1])


def test_the_500_page_renders_when_the_context_processors_fail(failing_views, player_client, settings):
    settings.DEBUG = True  # had the page needed them, Django's technical 500 would answer instead
    settings.TEMPLATES = [
        settings.TEMPLATES[0]
        | {"OPTIONS": {"context_processors": [f"{__name__}.broken_context_processor"]}}
    ]
    assert_hotel_page(player_client.get("/test/boom/"), 500, BROKEN)


def broken_context_processor(request):
    raise RuntimeError("the database is away")


def test_the_event_bus_page_still_answers_503(debug, failing_views, player_client):
    response = player_client.get("/test/bus-down/")
    assert response.status_code == 503
    assert "nothing was changed" in response.content.decode()


def test_json_endpoints_and_json_clients_get_json_in_player_words(debug, failing_views, player_client, make_player):
    missing_room = player_client.get(reverse("room_furniture", args=[uuid.uuid4()]))
    assert missing_room.status_code == 404
    assert missing_room.json() == {"error": "not_found", "message": ANSWERS[404][1]}

    unknown = player_client.get("/no/such/api/", HTTP_ACCEPT="application/json")
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    # A browser's Accept (*/* among others) still gets the page.
    browser = player_client.get("/no/such/api/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert_hotel_page(browser, 404, NOT_FOUND)

    broken = player_client.get("/test/json-boom/")
    assert broken.status_code == 500
    assert broken.json() == {"error": "server_error", "message": ANSWERS[500][1]}

    stale = Client(enforce_csrf_checks=True)
    stale.force_login(make_player())
    refused = stale.post(reverse("economy-purchase"), "{}", content_type="application/json")
    assert refused.status_code == 403 and refused.json() == {"error": "forbidden", "message": OUT_OF_DATE}


def fetch(url: str, cookie: str, accept: str = "text/html") -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}", "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("debug_env", ["true", "false"])
def test_a_real_server_answers_the_hotel_404(daphne_server, make_player, debug_env):
    server = daphne_server(DEBUG=debug_env)
    cookie = session_cookie(make_player())
    for where in (f"/rooms/{uuid.uuid4()}/", "/no/such/place/"):
        status, content_type, body = fetch(server.url + where, cookie)
        assert (status, content_type.split(";")[0]) == (404, "text/html"), where
        assert NOT_FOUND in body and [words for words in DJANGO_WORDS if words in body] == [], where
    status, _, body = fetch(f"{server.url}/rooms/{uuid.uuid4()}/furniture/", cookie, accept="*/*")
    assert status == 404 and json.loads(body) == {"error": "not_found", "message": ANSWERS[404][1]}


@pytest.mark.django_db(transaction=True)
def test_the_404_page_in_a_browser_under_make_run(daphne_server, make_player):
    server = daphne_server()  # DEBUG=true, as scripts/run
    cookie = session_cookie(make_player())
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1200, "height": 850})
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": server.url}])
        page = context.new_page()
        response = page.goto(f"{server.url}/rooms/{uuid.uuid4()}/")
        assert response.status == 404
        assert page.locator("[data-testid=error-page] h1").inner_text() == "We could not find that"
        # Styled by the hotel's stylesheet: the card is drawn on the hotel view.
        assert page.evaluate("getComputedStyle(document.querySelector('.card')).borderRadius") == "10px"
        page.screenshot(path=ARTIFACTS / "error-404.png")
        page.click("text=Back to the hotel")
        page.wait_for_url(f"{server.url}/")
