"""Daphne's timeout sweep with habbo.daphne_sweeps: an open socket due
neither a ping nor a close is passed over, every other connection gets
Daphne's own check_timeouts(), and the sweep comes round again. That the
pings still drop a silent peer under a real daphne process is
rooms/tests/test_rooms_across_processes.py's stopped client."""

import time
from types import SimpleNamespace

import pytest
from daphne.ws_protocol import WebSocketProtocol

from habbo import daphne_sweeps

PING_INTERVAL = 20
WEBSOCKET_TIMEOUT = 86400


class Reactor:
    def __init__(self):
        self.calls = []

    def callLater(self, delay, function):  # noqa: N802 (Twisted's name)
        self.calls.append((delay, function))


@pytest.fixture
def reactor(monkeypatch):
    reactor = Reactor()
    monkeypatch.setattr(daphne_sweeps, "_reactor", reactor)
    return reactor


def socket(checked: list, *, state=WebSocketProtocol.STATE_OPEN, idle_s=0.0, age_s=0.0) -> WebSocketProtocol:
    protocol = WebSocketProtocol()
    now = time.time()
    protocol.state, protocol.last_ping, protocol.socket_opened = state, now - idle_s, now - age_s
    protocol.check_timeouts = lambda: checked.append(protocol)
    return protocol


class HTTPConnection:
    def __init__(self, checked: list):
        self.checked = checked

    def check_timeouts(self):
        self.checked.append(self)


def sweep(*connections, websocket_timeout=WEBSOCKET_TIMEOUT):
    server = SimpleNamespace(connections=dict.fromkeys(connections, {}), ping_interval=PING_INTERVAL,
                             websocket_timeout=websocket_timeout)
    server.timeout_checker = lambda: daphne_sweeps._timeout_checker(server)
    server.timeout_checker()
    return server


def test_only_connections_with_something_due_get_daphnes_check(reactor):
    checked = []
    quiet = socket(checked, idle_s=1, age_s=3600)
    due_a_ping = socket(checked, idle_s=PING_INTERVAL + 1)
    too_old = socket(checked, age_s=WEBSOCKET_TIMEOUT + 1)
    handshake = socket(checked, state=WebSocketProtocol.STATE_CONNECTING)
    closing = socket(checked, state=WebSocketProtocol.STATE_CLOSING)
    http = HTTPConnection(checked)
    sweep(quiet, due_a_ping, too_old, handshake, closing, http)
    assert checked == [due_a_ping, too_old, handshake, closing, http]


def test_no_websocket_timeout_closes_no_old_socket(reactor):
    checked = []
    old = socket(checked, age_s=10 * WEBSOCKET_TIMEOUT)
    sweep(old, websocket_timeout=-1)
    assert checked == []


def test_the_sweep_comes_round_again_in_two_seconds(reactor):
    server = sweep()
    [(delay, again)] = reactor.calls
    assert delay == 2 and again is server.timeout_checker
