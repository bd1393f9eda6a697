"""The message tables in docs/ are the schemas' own (habbo.docs_tables)."""

import pytest
from django.core.management import CommandError, call_command

from habbo import docs_tables
from habbo.bus.events import EVENT_TYPES
from habbo.bus.push import NOTICE_KINDS
from rooms.frames import FRAMES
from rooms.protocol import CLIENT_MESSAGES


def test_the_docs_say_what_the_schemas_check():
    stale = docs_tables.stale()
    assert not stale, f"{', '.join(p.name for p in stale)} differ from the schemas: run `manage.py docs_tables`"


def test_every_schema_has_its_table_in_the_docs_once():
    placed = [name for path in docs_tables.DOCS for name in docs_tables.placed(path.read_text())]
    assert sorted(placed) == sorted(docs_tables.tables())


def test_a_table_edited_by_hand_is_put_back():
    path = docs_tables.DOCS[0]
    text = path.read_text()
    edited = text.replace("| `walk` | `x` | integer | 0–63;", "| `walk` | `x` | integer or string | 0–64;")
    assert edited != text
    assert docs_tables.render(edited, docs_tables.tables()) == text


def test_the_check_command_fails_on_drift(tmp_path, monkeypatch):
    drifted = tmp_path / "protocol.md"
    drifted.write_text("<!-- generated:protocol-messages -->\nold table\n<!-- end generated -->\n")
    monkeypatch.setattr(docs_tables, "DOCS", (drifted,))
    with pytest.raises(CommandError, match="protocol.md"):
        call_command("docs_tables", "--check")
    call_command("docs_tables")
    assert "| `walk` | `x` | integer | 0–63;" in drifted.read_text()
    call_command("docs_tables", "--check")


def test_an_unknown_table_name_is_an_error():
    with pytest.raises(ValueError, match="no-such-table"):
        docs_tables.render("<!-- generated:no-such-table -->\n<!-- end generated -->\n", docs_tables.tables())


def test_every_frame_and_notice_and_event_has_a_table():
    tables = docs_tables.tables()
    assert {docs_tables.event_block(*key) for key in EVENT_TYPES} <= set(tables)
    for frame in FRAMES:
        assert f"| `{frame.model_fields['type'].default}" in tables["protocol-frames"]
    for kind in NOTICE_KINDS:
        assert f"| `{kind}` |" in tables["protocol-notices"]


@pytest.mark.parametrize("message", CLIENT_MESSAGES)
def test_every_socket_message_is_strict_and_closed(message):
    assert message.model_config["strict"] is True
    assert message.model_config["extra"] == "forbid"
