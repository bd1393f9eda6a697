"""/healthz and /readyz (habbo.health): answered for any Host, without a
session or redirect; /readyz names the service that cannot be reached."""

import logging

import pytest

from conftest import free_port

pytestmark = pytest.mark.django_db

STRANGER = "10.0.0.7"  # a balancer asks by address, not by a name in ALLOWED_HOSTS


def test_healthz_answers_any_host(client):
    assert client.get("/", HTTP_HOST=STRANGER).status_code == 400, "the host check is on for pages"
    response = client.get("/healthz", HTTP_HOST=STRANGER)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "sessionid" not in response.cookies


def test_readyz_when_everything_is_reachable(client):
    response = client.get("/readyz", HTTP_HOST=STRANGER)
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "redis": "ok", "kafka": "ok"}}


@pytest.mark.parametrize(
    "setting, url, down",
    [
        ("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:{port}", "kafka"),
        ("REDIS_URL", "redis://127.0.0.1:{port}/0", "redis"),
    ],
)
def test_readyz_names_what_is_unreachable(client, settings, caplog, setting, url, down):
    setattr(settings, setting, url.format(port=free_port()))
    with caplog.at_level(logging.INFO):
        response = client.get("/readyz", HTTP_HOST=STRANGER)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"][down] != "ok" and body["checks"][down]
    assert {name: result for name, result in body["checks"].items() if name != down} == {
        name: "ok" for name in body["checks"] if name != down
    }
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "a probe's 503 is no server error"


def test_the_balancers_readyz_leaves_kafka_out(client, settings):
    settings.KAFKA_BOOTSTRAP_SERVERS = f"127.0.0.1:{free_port()}"
    assert client.get("/readyz", HTTP_HOST=STRANGER).status_code == 503
    response = client.get("/readyz?without=kafka", HTTP_HOST=STRANGER)
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}
