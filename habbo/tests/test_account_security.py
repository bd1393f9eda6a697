"""Accounts under attack: failed logins are throttled per account and per
address (django-axes), sign-ups are limited per address (django-ratelimit),
and the admin lets in staff only, once verified by a TOTP token (django-otp).
Each refusal is logged at WARNING."""

import io
import logging
import time
import uuid
from base64 import b32decode
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from asgiref.sync import sync_to_async
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from habbo.models import User
from habbo.tests.test_accounts import signup_data

pytestmark = pytest.mark.django_db

PASSWORD = "pass-word-123"  # make_player's


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.SIGNUP_RATE = "2/d"
    # Counts kept in Redis outlive a test: each test counts under its own prefix.
    settings.CACHES = {"default": settings.CACHES["default"] | {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


def log_in(client, username, password, address="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def move_clock_forward(delta):
    """Age every failure axes keeps by delta: what it sees once delta has passed."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - delta)


def totp_token(key: bytes, step_offset: int = 0) -> str:
    totp = TOTP(key)
    totp.time = time.time() + step_offset * totp.step
    return f"{totp.token():06d}"


def test_the_nth_wrong_password_locks_the_account_until_the_cool_off_is_over(client, make_player, settings, caplog):
    make_player("alice")
    # From a new address each time: it is the account that is locked.
    for n in range(2):
        response = log_in(client, "alice", "wrong", address=f"192.0.2.{n}")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.text

    with caplog.at_level(logging.WARNING):
        response = log_in(client, "alice", "wrong", address="192.0.2.2")
    assert response.status_code == 429
    assert "Too many failed logins for this account or from your" in response.text
    assert "try again in 15 minutes" in response.text
    assert 'name="password"' in response.text  # the login form, to try again later
    assert any(r.levelno == logging.WARNING and "Locking out" in r.getMessage() for r in caplog.records)

    # The right password, during the lock and from elsewhere, is refused too.
    assert log_in(client, "alice", PASSWORD, address="192.0.2.3").status_code == 429
    move_clock_forward(settings.AXES_COOLOFF_TIME / 2)
    assert log_in(client, "alice", PASSWORD, address="192.0.2.4").status_code == 429
    assert "_auth_user_id" not in client.session

    move_clock_forward(settings.AXES_COOLOFF_TIME)
    response = log_in(client, "alice", PASSWORD, address="192.0.2.5")
    assert response.status_code == 302 and response.url == reverse("navigator")
    assert client.session["_auth_user_id"] == str(User.objects.get(username="alice").pk)


def test_one_address_guessing_many_accounts_is_locked_out(client, make_player):
    make_player("bob")
    for username in ["ann", "ben", "cat"]:
        response = log_in(client, username, "guess", address="198.51.100.7")
    assert response.status_code == 429

    # Bob never failed, but the address is locked; from his own he gets in.
    assert log_in(client, "bob", PASSWORD, address="198.51.100.7").status_code == 429
    assert log_in(client, "bob", PASSWORD, address="203.0.113.5").status_code == 302


@pytest.mark.django_db(transaction=True)
async def test_the_lockout_page_under_asgi(async_client, make_player, thread_connections_closed):
    # Daphne runs the middleware in async mode, where axes calls the lockout
    # page with its arguments out of order (habbo.views.locked_out ignores them).
    await sync_to_async(make_player)("alice")
    for _ in range(3):
        response = await async_client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many failed logins" in response.text


def test_sign_ups_per_address_are_limited(caplog):
    for n in range(2):
        response = Client().post(reverse("signup"), signup_data(username=f"newbie{n}"), REMOTE_ADDR="198.51.100.9")
        assert response.status_code == 302

    with caplog.at_level(logging.WARNING, logger="habbo.views"):
        response = Client().post(reverse("signup"), signup_data(username="newbie2"), REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 429
    assert "Too many sign-ups from your address" in response.text
    assert not User.objects.filter(username="newbie2").exists()
    assert "sign-up refused" in caplog.text and "198.51.100.9" in caplog.text

    response = Client().post(reverse("signup"), signup_data(username="newbie2"), REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 302


@pytest.fixture
def boss_key(make_player) -> bytes:
    """Staff member boss, enrolled the way the README says: the key from the printed URI."""
    make_player("boss", is_staff=True)
    out = io.StringIO()
    call_command("staff_otp", "boss", stdout=out)
    uri = urlparse(out.getvalue().splitlines()[0])
    assert uri.scheme == "otpauth" and unquote(uri.path) == "/Hotel:boss"
    return b32decode(parse_qs(uri.query)["secret"][0])


def admin_login(client, username, **otp):
    return client.post(reverse("admin:login"), {"username": username, "password": PASSWORD} | otp)


def test_the_admin_asks_staff_for_the_second_factor(client, boss_key):
    assert client.get(reverse("admin:index")).status_code == 302

    response = admin_login(client, "boss")
    assert response.status_code == 200
    assert "Please enter your OTP token" in response.text
    device = TOTPDevice.objects.get(user__username="boss")
    assert f'value="{device.persistent_id}"' in response.text  # now offered their device
    assert client.get(reverse("admin:index")).status_code == 302

    response = admin_login(client, "boss", otp_device=device.persistent_id, otp_token=totp_token(boss_key))
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_refuses_a_wrong_token(client, boss_key, caplog):
    device = TOTPDevice.objects.get(user__username="boss")
    # Not a token of this step nor of the ones either side (the allowed drift).
    accepted = {totp_token(boss_key, offset) for offset in (-1, 0, 1)}
    wrong = next(t for t in ("123456", "654321", "000000", "999999") if t not in accepted)
    with caplog.at_level(logging.WARNING, logger="habbo.admin"):
        response = admin_login(client, "boss", otp_device=device.persistent_id, otp_token=wrong)
    assert response.status_code == 200
    assert "Invalid token" in response.text
    assert "admin login refused for 'boss'" in caplog.text
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_player_cannot_get_into_the_admin(client, make_player, caplog):
    player = make_player("carol")
    device = TOTPDevice.objects.create(user=player, name="phone")
    with caplog.at_level(logging.WARNING, logger="habbo.admin"):
        response = admin_login(client, "carol", otp_device=device.persistent_id, otp_token=totp_token(device.bin_key))
    assert response.status_code == 200
    assert "correct username and password for a staff account" in response.text
    assert "admin login refused for 'carol'" in caplog.text
    assert client.get(reverse("admin:index")).status_code == 302

    # Logged in as a player through the hotel's door, still no admin.
    assert log_in(client, "carol", PASSWORD).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 302
    with pytest.raises(CommandError, match="not a staff account"):
        call_command("staff_otp", "carol")
