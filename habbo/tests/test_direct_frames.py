"""Room broadcasts framed once and handed to Daphne's connections
(habbo.direct_frames) with autobahn's prepared messages: what a client reads,
the order behind autobahn's own queue, closing sockets, a frame the kernel
takes in parts; the start-up check and the setting that turn the shortcuts
off; and a real daphne process with them on and off."""

import asyncio
import functools
import json
import logging
import sys
from importlib import metadata
from pathlib import Path
from pprint import pformat

import pytest
import txaio
from autobahn.twisted.websocket import WebSocketServerFactory, WebSocketServerProtocol
from autobahn.util import hltype, hlval
from autobahn.websocket import protocol as autobahn_protocol
from daphne.ws_protocol import WebSocketProtocol
from twisted.internet import tcp
from twisted.internet.testing import MemoryReactorClock, StringTransport
from websockets.asyncio.client import connect
from websockets.frames import Frame as ParsedFrame
from websockets.frames import Opcode
from websockets.streams import StreamReader

from conftest import session_cookie
from habbo import daphne_sweeps, direct_frames, eager_writes, quiet_autobahn, web
from habbo.direct_frames import Frame, daphne_connection, write
from habbo.tests.test_eager_writes import eager_writes_installed, flush, receive, server_connection  # noqa: F401
from rooms.models import Room

ROOT = Path(__file__).resolve().parents[2]
HANDSHAKE = (
    b"GET /ws/rooms/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


def texts(wire: bytes) -> list[str]:
    """The messages in a server's bytes, each checked to be one final, unmasked text frame."""
    reader = StreamReader()
    reader.feed_data(wire)
    reader.feed_eof()
    messages = []
    while reader.buffer:
        parser = ParsedFrame.parse(reader.read_exact, mask=False)
        with pytest.raises(StopIteration) as done:
            next(parser)
        frame = done.value.value
        assert (frame.opcode, frame.fin) == (Opcode.TEXT, True)
        messages.append(frame.data.decode())
    return messages


@pytest.fixture
def clock(monkeypatch):
    clock = MemoryReactorClock()
    monkeypatch.setattr(txaio.config, "loop", clock)  # autobahn's timers, with no reactor running
    return clock


@pytest.fixture
def factory(clock):
    factory = WebSocketServerFactory(reactor=clock)
    factory.protocol = WebSocketServerProtocol  # Daphne's connections are these
    return factory


def opened(factory, transport) -> WebSocketServerProtocol:
    protocol = factory.buildProtocol(None)
    protocol.makeConnection(transport)
    protocol.dataReceived(HANDSHAKE)
    assert protocol.state == WebSocketServerProtocol.STATE_OPEN
    return protocol


@pytest.fixture
def socket(factory):
    """An open WebSocket connection on Twisted's in-memory transport (handshake cleared)."""
    transport = StringTransport()
    protocol = opened(factory, transport)
    transport.clear()
    return protocol, transport


# Lengths at the edges of the 7-bit, 16-bit and 64-bit length encodings.
@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_a_client_reads_the_frame_as_the_same_text(socket, size):
    protocol, transport = socket
    text = "x" * size
    assert write(protocol, Frame(text))
    assert texts(transport.value()) == [text]


def test_the_length_counts_bytes_not_characters(socket):
    protocol, transport = socket
    text = '{"type":"chat","text":"héllo ☃ 🏨"}' * 5  # 4 + 1 + 3 + 4 bytes per non-ASCII character
    write(protocol, Frame(text))
    assert texts(transport.value()) == [text]


def test_a_broadcast_is_framed_once_for_every_connection(factory, monkeypatch):
    prepared = []
    prepare = factory.prepareMessage
    monkeypatch.setattr(factory, "prepareMessage", lambda payload: prepared.append(payload) or prepare(payload))
    transports = [StringTransport() for _ in range(3)]
    connections = [opened(factory, transport) for transport in transports]
    for transport in transports:
        transport.clear()
    frame = Frame('{"type":"wave","user":7}')
    for connection in connections:
        write(connection, frame)
    assert prepared == [b'{"type":"wave","user":7}']
    assert [texts(t.value()) for t in transports] == [['{"type":"wave","user":7}']] * 3


def test_a_frame_waits_behind_what_autobahn_has_queued(socket, clock):
    protocol, transport = socket
    protocol.sendMessage(b"queued 1", sync=True)  # autobahn writes the first now, the rest on later turns
    protocol.sendMessage(b"queued 2", sync=True)
    assert write(protocol, Frame("broadcast"))
    clock.pump([1] * 5)
    assert texts(transport.value()) == ["queued 1", "queued 2", "broadcast"]


def test_a_closing_socket_gets_no_frame(socket):
    protocol, transport = socket
    protocol.sendClose(1000)
    transport.clear()
    assert not write(protocol, Frame("late"))
    assert transport.value() == b""


@pytest.fixture
def tcp_socket(factory, clock, eager_writes_installed):
    """An open WebSocket connection on Twisted's TCP transport under eager
    writes, as in the web process, and the client's socket (handshake read)."""
    protocol = factory.buildProtocol(None)
    transport, client = server_connection(protocol, clock)
    client.sendall(HANDSHAKE)
    transport.doRead()
    response = b""
    while not response.endswith(b"\r\n\r\n"):
        response += receive(client, 1)
    assert response.startswith(b"HTTP/1.1 101")
    yield protocol, transport, client
    transport.socket.close()
    client.close()


def test_an_aborted_socket_gets_no_frame(tcp_socket):
    protocol, transport, client = tcp_socket
    protocol.dropConnection(abort=True)
    assert not write(protocol, Frame("late"))
    transport.socket.close()  # (Twisted would reset it on the next loop turn)
    assert client.recv(100) == b""


def test_a_frame_one_send_does_not_take_arrives_whole_before_the_next(tcp_socket, clock):
    protocol, transport, client = tcp_socket
    big, small = "b" * (1 << 20), "s" * 10  # 1 MiB: more than one send() takes
    assert write(protocol, Frame(big)) and write(protocol, Frame(small))
    wire = flush(transport, clock, client, 2 + 8 + len(big) + 2 + len(small))
    assert texts(wire) == [big, small]


async def handle_reply(protocol, message):
    """Stands for Daphne's Server.handle_reply."""


def test_only_daphnes_send_leads_to_a_connection(monkeypatch):
    monkeypatch.setattr(direct_frames, "_installed", True)
    connection = WebSocketProtocol()
    assert daphne_connection(functools.partial(handle_reply, connection)) is connection
    assert daphne_connection(functools.partial(handle_reply, object())) is None
    assert daphne_connection(handle_reply) is None


@pytest.fixture
def not_applied(monkeypatch):
    """No shortcut in effect; whatever the test applies is undone after it."""
    monkeypatch.setattr(tcp.Connection, "write", eager_writes._original_write)
    monkeypatch.setattr(eager_writes, "_installed", False)
    monkeypatch.setattr(direct_frames, "_installed", False)
    monkeypatch.setattr(daphne_sweeps, "_installed", False)
    for name, formatter in (("pformat", pformat), ("hltype", hltype), ("hlval", hlval)):
        monkeypatch.setattr(autobahn_protocol, name, formatter)
    if server := sys.modules.get("daphne.server"):
        monkeypatch.setattr(server.Server, "timeout_checker", server.Server.timeout_checker)


def in_effect() -> set[str]:
    """The shortcuts in effect, seen from what each changes."""
    shortcuts = set()
    if tcp.Connection.write is not eager_writes._original_write:
        shortcuts.add("habbo.eager_writes")
    if daphne_connection(functools.partial(handle_reply, WebSocketProtocol())) is not None:
        shortcuts.add("habbo.direct_frames")
    if autobahn_protocol.pformat is not pformat:
        shortcuts.add("habbo.quiet_autobahn")
    return shortcuts


@pytest.mark.usefixtures("not_applied")
def test_the_shortcuts_apply_under_the_versions_they_were_written_for():
    assert web.apply_shortcuts(True) == [
        "habbo.eager_writes", "habbo.direct_frames", "habbo.daphne_sweeps", "habbo.quiet_autobahn",
    ]
    assert in_effect() == {"habbo.eager_writes", "habbo.direct_frames", "habbo.quiet_autobahn"}


@pytest.mark.usefixtures("not_applied")
def test_the_setting_turns_them_off():
    assert web.apply_shortcuts(False) == []
    assert in_effect() == set()


@pytest.mark.usefixtures("not_applied")
def test_a_shortcut_written_for_another_version_is_left_off_with_one_warning(monkeypatch, caplog):
    monkeypatch.setitem(direct_frames.WRITTEN_FOR, "autobahn", "0.0.1")
    with caplog.at_level(logging.INFO, logger="habbo.web"):
        assert web.apply_shortcuts(True) == ["habbo.eager_writes", "habbo.daphne_sweeps", "habbo.quiet_autobahn"]
    assert in_effect() == {"habbo.eager_writes", "habbo.quiet_autobahn"}
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "habbo.direct_frames left off" in warning
    assert "0.0.1" in warning and metadata.version("autobahn") in warning


@pytest.mark.usefixtures("not_applied")
def test_autobahns_debug_lines_are_formatted_only_at_debug(monkeypatch):
    quiet_autobahn.install()
    options = [("openHandshakeTimeout", 5, "WebSocketServerFactory")]
    method = WebSocketProtocol().sendData
    assert autobahn_protocol.pformat(options) == quiet_autobahn.NOT_FORMATTED
    assert autobahn_protocol.hltype(method) == autobahn_protocol.hlval(12) == quiet_autobahn.NOT_FORMATTED
    monkeypatch.setattr(txaio.tx, "_log_level", "debug")  # what txaio.start_logging(level="debug") sets
    assert autobahn_protocol.pformat(options) == pformat(options)
    assert (autobahn_protocol.hltype(method), autobahn_protocol.hlval(12)) == (hltype(method), hlval(12))


def test_the_lock_pins_the_versions_the_shortcuts_were_written_for():
    """Upgrading Twisted, autobahn, txaio or daphne in the lock fails here until the
    shortcuts are checked against the new versions."""
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    pins = dict(line.split("==") for line in lines if "==" in line and not line.startswith(("#", " ")))
    for shortcut in (eager_writes, direct_frames, daphne_sweeps, quiet_autobahn):
        for name, version in shortcut.WRITTEN_FOR.items():
            assert pins[name.lower()] == version == metadata.version(name), name


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shortcuts", ["true", "false"])
def test_room_broadcasts_reach_everyone_with_the_shortcuts_on_and_off(daphne_server, make_player, shortcuts):
    server = daphne_server(DAPHNE_SHORTCUTS=shortcuts)
    room = Room.objects.create(owner=make_player("owner"), name="Frames", floor_plan="\n".join(["000000"] * 6),
                               door_x=0, door_y=0)
    alice, bob = make_player("alice"), make_player("bob")
    cookies = session_cookie(alice), session_cookie(bob)

    def open_socket(cookie):
        return connect(f"{server.ws_url}/ws/rooms/{room.pk}/", origin=server.url,
                       additional_headers={"Cookie": f"sessionid={cookie}"}, open_timeout=10)

    async def next_of(socket, type_, where=lambda message: True):
        async with asyncio.timeout(10):
            while True:
                message = json.loads(await socket.recv())
                if message["type"] == type_ and where(message):
                    return message

    async def scenario():
        async with open_socket(cookies[0]) as a, open_socket(cookies[1]) as b:
            await next_of(a, "snapshot")
            await next_of(b, "snapshot")
            await next_of(a, "user_entered", where=lambda m: m["user"]["name"] == "bob")
            await a.send(json.dumps({"type": "walk", "x": 5, "y": 5}))
            walk = await next_of(b, "walk")
            assert walk["user"] == alice.pk and walk["path"][-1] == [5, 5]
            await b.send(json.dumps({"type": "say", "text": "hi from bob"}))
            assert (await next_of(a, "chat"))["text"] == "hi from bob"

    asyncio.run(scenario())
    log = Path(server.proc.log_path).read_text()
    if shortcuts == "true":
        assert "Daphne shortcuts applied: habbo.eager_writes, habbo.direct_frames, habbo.daphne_sweeps" in log
    else:
        assert "Daphne shortcuts off" in log
