"""A client cannot choose the address the login limits count, through a real
web process: without PROXY_HEADERS, X-Forwarded-For is not believed."""

import re
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(server, username: str, password: str, forged_address: str) -> tuple[int, str]:
    """POST the login form as a browser would, claiming another address."""
    opener = build_opener(HTTPCookieProcessor(CookieJar()))
    page = opener.open(f"{server.url}/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    form = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password}).encode()
    request = Request(f"{server.url}/login/", data=form, headers={"X-Forwarded-For": forged_address})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode()
    except HTTPError as refused:
        return refused.code, refused.read().decode()


def test_a_forged_forwarded_address_does_not_escape_the_per_address_lock(daphne_server, make_player):
    server = daphne_server(LOGIN_FAILURE_LIMIT="3")
    player = make_player("victim")
    for i in range(2):  # accounts guessed, each "from" another address
        status, _ = log_in(server, f"someone{i}", "wrong-password", f"203.0.113.{i}")
        assert status == 200
    # The third failure from this one real address locks it, whatever the header says.
    status, page = log_in(server, "someone2", "wrong-password", "203.0.113.2")
    assert status == 429 and "Too many failed logins" in page
    status, page = log_in(server, player.username, "pass-word-123", "198.51.100.7")
    assert status == 429 and "Too many failed logins" in page
