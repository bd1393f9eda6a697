"""Sign up with avatar colours, log in, log out, CSRF."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from habbo.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_cache_keys(settings):
    # Sign-ups per address are counted in Redis, where counts outlive a test.
    settings.CACHES = {"default": settings.CACHES["default"] | {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


def signup_data(**overrides):
    return {
        "username": "newbie",
        "password1": "a-long-enough-pw-42",
        "password2": "a-long-enough-pw-42",
        "figure_skin": "#c68642",
        "figure_shirt": "#22c55e",
        "figure_legs": "#3b82f6",
    } | overrides


def test_signup_stores_the_figure_and_logs_in(client):
    response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 302 and response.url == reverse("navigator")
    user = User.objects.get(username="newbie")
    # The rest of the look starts as the defaults; the looks window changes it.
    assert user.figure == {
        "skin": "#c68642", "shirt": "#22c55e", "legs": "#3b82f6", "hair_style": "short", "hair": "#6b4423",
        "shoes": "#1f2937",
    }
    assert user.credits == 100
    assert client.get(reverse("navigator")).status_code == 200


def test_signup_refuses_a_colour_not_on_the_palette(client):
    response = client.post(reverse("signup"), signup_data(figure_shirt="#123456"))
    assert response.status_code == 400
    assert not User.objects.filter(username="newbie").exists()


def test_signup_without_csrf_token_is_refused():
    response = Client(enforce_csrf_checks=True).post(reverse("signup"), signup_data())
    assert response.status_code == 403
    assert not User.objects.exists()


def test_login_and_logout(client, make_player):
    player = make_player("alice")
    response = client.post(reverse("login"), {"username": "alice", "password": "pass-word-123"})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == player.pk
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("navigator")).status_code == 302


def test_wrong_password_does_not_log_in(client, make_player):
    make_player("alice")
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
