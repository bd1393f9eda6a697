"""One definition of the text a player may write (habbo.text), walked through
the schema of every path that takes text: the room socket's chat messages,
chat.message, message.sent and room.created as a consumer decodes them, and
the room and message forms."""

import json
import sys
import unicodedata
import uuid

import pytest

from chat.events import ChatMessageSent
from conftest import room_created
from friends.events import MessageSent
from friends.forms import MessageForm
from habbo.bus.events import InvalidEvent, decode
from habbo.text import REFUSED, refusal
from rooms.forms import RoomCreateForm
from rooms.layouts import LAYOUTS
from rooms.protocol import ClientMessage


def category(name: str) -> list[str]:
    return [chr(i) for i in range(sys.maxunicode + 1) if unicodedata.category(chr(i)) == name]


CONTROLS, FORMATS = category("Cc"), category("Cf")
BIDI_CONTROLS = [chr(i) for i in [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
# One of each other refused category: line and paragraph separators, a surrogate, private use, unassigned.
OTHERS = ["\u2028", "\u2029", "\ud800", "\ue000", "\U000f0000", "\u0378"]
REFUSED_CHARS = CONTROLS + FORMATS + OTHERS


class Refused(Exception):
    pass


def through_socket(kind: str):
    fields = {"to": "bob"} if kind == "whisper" else {}

    def check(text: str) -> str:
        try:
            return ClientMessage.validate_python({"type": kind, "text": text} | fields).text
        except ValueError as exc:
            raise Refused(str(exc)) from exc

    return check


def through_kafka(make_event, field: str):
    """As the consumer reads it: JSON bytes off the topic, decoded."""

    def check(text: str) -> str:
        envelope = make_event("placeholder").envelope(actor=1).model_dump(mode="json")
        envelope["payload"][field] = text
        try:
            return getattr(decode(json.dumps(envelope).encode())[1], field)
        except InvalidEvent as exc:
            raise Refused(str(exc)) from exc

    return check


def through_form(form_class, field: str, others: dict):
    def check(text: str) -> str:
        form = form_class(others | {field: text})
        if not form.is_valid():
            raise Refused(" ".join(form.errors[field]))
        return form.cleaned_data[field]

    return check


ROOM_FORM = {"name": "A room", "description": "", "capacity": 25, "layout": next(iter(LAYOUTS))}
PATHS = {
    "say": through_socket("say"),
    "shout": through_socket("shout"),
    "whisper": through_socket("whisper"),
    "chat.message": through_kafka(
        lambda text: ChatMessageSent(room_id=uuid.uuid4(), user_id=1, kind="say", text=text), "text"
    ),
    "message.sent": through_kafka(lambda text: MessageSent(sender_id=1, recipient_id=2, text=text), "text"),
    "room.created name": through_kafka(lambda text: room_created(1, name=text), "name"),
    "room.created description": through_kafka(lambda text: room_created(1, description=text), "description"),
    "room form name": through_form(RoomCreateForm, "name", ROOM_FORM),
    "room form description": through_form(RoomCreateForm, "description", ROOM_FORM),
    "message form": through_form(MessageForm, "text", {}),
}


def test_the_walk_covers_the_categories_and_the_bidi_overrides():
    assert len(CONTROLS) == 65 and "\x85" in CONTROLS and "\x9f" in CONTROLS
    assert set(BIDI_CONTROLS + ZERO_WIDTH) <= set(FORMATS)


def test_refusal_is_exactly_the_refused_categories_over_all_of_unicode():
    # refusal() answers most text with str.isprintable(); this proves the shortcut changes nothing.
    wrong = [
        f"U+{i:04X}"
        for i in range(sys.maxunicode + 1)
        if (refusal(chr(i)) is None) == (unicodedata.category(chr(i)) in REFUSED)
    ]
    assert wrong == []


@pytest.mark.parametrize("path", PATHS)
def test_every_refused_character_is_refused_on_every_path(path):
    check = PATHS[path]
    kept = []
    for char in REFUSED_CHARS:
        try:
            check(f"okay{char}okay")
        except Refused as exc:
            assert f"U+{ord(char):04X}" in str(exc) or char == "\ud800", (path, str(exc))
        else:
            kept.append(f"U+{ord(char):04X}")
        for text in (f"{char}okay", f"okay{char}"):
            # At either end a character is refused, or trimmed if it is whitespace (tab, U+0085 ...).
            try:
                trimmed = check(text)
            except Refused:
                continue
            if trimmed != "okay" or not char.isspace():
                kept.append(f"U+{ord(char):04X} at an end")
    assert kept == []


@pytest.mark.parametrize("path", PATHS)
def test_plain_text_of_any_script_passes_every_path_trimmed(path):
    check = PATHS[path]
    for text in ["Hello!", "héllo wörld", "日本語のテキスト", "party 🎉🏊", "<b>not html</b>", "non\u00a0breaking", "x\u3000y"]:
        assert check(text) == text
    assert check(" \t spaced out \u3000") == "spaced out"


def test_a_socket_message_refused_says_which_character():
    with pytest.raises(ValueError, match=r"U\+202E is a format character"):
        ClientMessage.validate_python({"type": "say", "text": "abc\u202edef"})


@pytest.mark.parametrize(
    "message",
    [
        {"type": "walk", "x": "1", "y": 2},
        {"type": "walk", "x": 1.0, "y": 2},
        {"type": "walk", "x": True, "y": 2},
        {"type": "say", "text": 5},
        {"type": "whisper", "to": 7, "text": "hi"},
    ],
)
def test_socket_messages_are_strict(message):
    with pytest.raises(ValueError):
        ClientMessage.validate_python(message)


@pytest.mark.parametrize(
    "envelope_change, payload_change",
    [({"version": "1"}, {}), ({"actor": "1"}, {}), ({}, {"capacity": "25"}), ({}, {"is_public": 1})],
)
def test_events_are_strict(envelope_change, payload_change):
    envelope = room_created(1).envelope(actor=1).model_dump(mode="json")
    envelope = envelope | envelope_change | {"payload": envelope["payload"] | payload_change}
    with pytest.raises(InvalidEvent):
        decode(json.dumps(envelope).encode())
