"""Room frames framed once and written to Daphne's connections directly
must be frames any WebSocket client reads as the same text."""

import functools

import pytest
from daphne.ws_protocol import WebSocketProtocol
from websockets.frames import Opcode
from websockets.frames import Frame as ParsedFrame
from websockets.streams import StreamReader

from habbo.direct_frames import Frame, daphne_connection


def parse(wire: bytes) -> ParsedFrame:
    reader = StreamReader()
    reader.feed_data(wire)
    reader.feed_eof()
    parser = ParsedFrame.parse(reader.read_exact, mask=False)
    with pytest.raises(StopIteration) as done:
        next(parser)
    return done.value.value


# Lengths at the edges of the 7-bit, 16-bit and 64-bit length encodings.
@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_the_wire_bytes_are_one_final_unmasked_text_frame(size):
    text = "x" * size
    frame = parse(Frame(text).wire)
    assert (frame.opcode, frame.fin, frame.data.decode()) == (Opcode.TEXT, True, text)


def test_the_length_counts_bytes_not_characters():
    text = '{"type":"chat","text":"héllo ☃ 🏨"}' * 5  # 4 + 1 + 3 + 4 bytes per non-ASCII character
    assert parse(Frame(text).wire).data.decode() == text


def test_only_daphnes_send_leads_to_a_connection():
    connection = WebSocketProtocol()

    async def handle_reply(protocol, message):
        pass

    assert daphne_connection(functools.partial(handle_reply, connection)) is connection
    assert daphne_connection(functools.partial(handle_reply, object())) is None
    assert daphne_connection(handle_reply) is None
