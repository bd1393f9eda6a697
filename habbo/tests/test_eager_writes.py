"""Eager writes (habbo.eager_writes) on Twisted's own TCP server transport
over a real loopback connection: a write with nothing queued is sent at
once; one behind queued bytes, the part the kernel does not take, and any
write to an aborted or lost connection take Twisted's own path.

No reactor loop runs: Twisted's in-memory reactor records which sockets
want to write, and the test makes the writes Twisted would make then."""

import socket

import pytest
from twisted.internet import error, tcp
from twisted.internet.protocol import Protocol
from twisted.internet.testing import MemoryReactorClock

from habbo import eager_writes

TIMEOUT_S = 10  # only so a test that fails does not hang


pytestmark = pytest.mark.usefixtures("eager_writes_installed")


@pytest.fixture
def eager_writes_installed(monkeypatch):
    """Installed for the test; Twisted's own write is back after it."""
    monkeypatch.setattr(tcp.Connection, "write", eager_writes._original_write)
    monkeypatch.setattr(eager_writes, "_installed", False)
    eager_writes.install()


def server_connection(protocol, reactor) -> tuple[tcp.Server, socket.socket]:
    """Twisted's transport for an accepted TCP connection, and the client's socket."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        accepted, address = listener.accept()
    client.settimeout(TIMEOUT_S)
    transport = tcp.Server(accepted, protocol, address, None, 1, reactor)
    protocol.makeConnection(transport)  # as Twisted's listening port does
    return transport, client


def receive(client: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = client.recv(size - len(data))
        assert chunk, "the connection closed early"
        data += chunk
    return data


def flush(transport: tcp.Server, reactor, client: socket.socket, size: int) -> bytes:
    """What the client receives while Twisted writes whenever it asked to."""
    data = b""
    while len(data) < size:
        if transport in reactor.getWriters():
            transport.doWrite()
        data += client.recv(size - len(data))
    return data


@pytest.fixture
def reactor():
    return MemoryReactorClock()


@pytest.fixture
def pair(reactor):
    transport, client = server_connection(Protocol(), reactor)
    yield transport, client
    transport.socket.close()
    client.close()


def test_a_write_with_nothing_queued_is_sent_at_once(pair, reactor):
    transport, client = pair
    transport.write(b"frame")
    assert receive(client, 5) == b"frame"
    assert transport not in reactor.getWriters(), "no wait for the socket to be writable"


def test_a_write_behind_queued_bytes_waits_its_turn(pair, reactor):
    transport, client = pair
    transport.writeSequence([b"first, "])  # Twisted's own path: queued for the next loop turn
    transport.write(b"second")
    assert flush(transport, reactor, client, 13) == b"first, second"


def test_what_one_send_does_not_take_follows_in_order(pair, reactor):
    transport, client = pair
    big = bytes(range(256)) * 4096  # 1 MiB: more than one send() takes (Twisted's SEND_LIMIT)
    transport.write(big)
    sent_at_once = client.recv(len(big))
    assert 0 < len(sent_at_once) < len(big)
    assert transport in reactor.getWriters(), "Twisted writes the rest once the socket is writable"
    transport.write(b"next")  # waits behind the rest Twisted holds
    transport.doWrite()  # part of the rest goes: what is left is in a partly written buffer
    transport.write(b"last")  # waits behind that too
    rest = flush(transport, reactor, client, len(big) + 8 - len(sent_at_once))
    assert sent_at_once + rest == big + b"nextlast"


def test_an_aborted_connection_sends_nothing_more(pair, reactor):
    transport, client = pair
    transport.write(b"before")
    transport.abortConnection()
    transport.write(b"after")
    transport.socket.close()  # (Twisted would reset it on the next loop turn)
    assert receive(client, 6) == b"before"
    assert client.recv(100) == b"", "nothing after the abort"


def test_a_failing_send_is_left_to_twisted_to_find(pair, reactor):
    transport, client = pair
    transport.socket.shutdown(socket.SHUT_WR)  # from now on send() fails, as on a lost connection
    transport.write(b"frame")  # no error here
    assert transport in reactor.getWriters()
    assert isinstance(transport.doWrite(), error.ConnectionLost), "Twisted's next write reports the loss"
