"""The message tables of docs/protocol.md and docs/events.md, rendered from
the schemas themselves (their JSON Schema), so the docs say what the server
checks: one source. `manage.py docs_tables` writes them; a test fails when
the docs drift from the schemas.

A table sits between `<!-- generated:NAME -->` and `<!-- end generated -->`;
what is outside the markers is written by hand.
"""

import json
import re
from pathlib import Path

from django.conf import settings
from pydantic import BaseModel

from habbo.bus.events import EVENT_TYPES, Envelope
from habbo.bus.push import NOTICE_KINDS
from rooms.frames import FRAMES, WhisperLine
from rooms.protocol import CLIENT_MESSAGES

DOCS = (settings.BASE_DIR / "docs" / "protocol.md", settings.BASE_DIR / "docs" / "events.md")
BLOCK = re.compile(r"(<!-- generated:(?P<name>[^>]+?) -->\n).*?(<!-- end generated -->)", re.S)


def event_block(event_type: str, version: int) -> str:
    return f"event {event_type} v{version}"


def tables() -> dict[str, str]:
    """Every generated table, by block name."""
    blocks = {
        "protocol-messages": _messages_table(),
        "protocol-frames": _nested_table(FRAMES, "type", _frame_label),
        "protocol-notices": _nested_table(NOTICE_KINDS.values(), "notice `type`", lambda model: model.KIND),
        "envelope": _fields_table(Envelope, "field"),
    }
    for (event_type, version), event_class in EVENT_TYPES.items():
        blocks[event_block(event_type, version)] = _fields_table(event_class, "payload field")
    return blocks


def render(text: str, blocks: dict[str, str]) -> str:
    """text with every generated block filled in; an unknown block name is an error."""

    def fill(match: re.Match) -> str:
        if match["name"] not in blocks:
            raise ValueError(f"no generated table is called {match['name']!r}")
        return match[1] + blocks[match["name"]] + match[3]

    return BLOCK.sub(fill, text)


def placed(text: str) -> list[str]:
    """The names of the generated blocks in text."""
    return [match["name"] for match in BLOCK.finditer(text)]


def stale() -> dict[Path, str]:
    """The documents whose tables differ from the schemas, with their rendering."""
    blocks = tables()
    return {path: new for path in DOCS if (new := render(old := path.read_text(), blocks)) != old}


# -- rendering -------------------------------------------------------------------


def _messages_table() -> str:
    rows = ["| `type` | field | type | rule |", "|---|---|---|---|"]
    for message in CLIENT_MESSAGES:
        schema = message.model_json_schema()
        fields = [(name, prop) for name, prop in schema["properties"].items() if name != "type"]
        label = f"`{schema['properties']['type']['const']}`"
        if not fields:
            rows.append(f"| {label} | (none) | | |")
        for name, prop in fields:
            rows.append(f"| {label} | `{name}` | {_type(prop)} | {_rule(prop, name in schema['required'])} |")
            label = ""
    return "\n".join(rows) + "\n"


def _fields_table(model: type[BaseModel], heading: str) -> str:
    schema = model.model_json_schema()
    rows = [f"| {heading} | type | rule |", "|---|---|---|"]
    for name, prop in schema["properties"].items():
        rows.append(f"| `{name}` | {_type(prop)} | {_rule(prop, name in schema['required'])} |")
    return "\n".join(rows) + "\n"


def _frame_label(frame: type[BaseModel]) -> str:
    return frame.model_fields["type"].default + (" (a whisper)" if frame is WhisperLine else "")


def _nested_table(models, heading: str, label) -> str:
    """One row per field of each model, nested objects and lists of them
    spelled out as `a.b` and `a[].b`."""
    rows = [f"| {heading} | field | type |", "|---|---|---|"]
    for model in models:
        schema = model.model_json_schema(by_alias=True)
        fields = [(name, typ) for name, typ in _flatten(schema, schema, "") if name != "type"]
        first = f"`{label(model)}`"
        for name, typ in fields or [("(none)", "")]:
            rows.append(f"| {first} | `{name}` | {typ} |" if typ else f"| {first} | {name} | |")
            first = ""
    return "\n".join(rows) + "\n"


def _flatten(root: dict, schema: dict, prefix: str):
    """(dotted name, type) of every leaf field under schema."""
    for name, prop in schema.get("properties", {}).items():
        yield from _leaves(root, _resolve(root, prop), prefix + name)


def _leaves(root: dict, prop: dict, name: str, nullable: bool = False):
    options = [_resolve(root, option) for option in prop.get("anyOf", [prop])]
    nullable = nullable or any(option.get("type") == "null" for option in options)
    (prop,) = [option for option in options if option.get("type") != "null"]
    or_null = " or `null`" if nullable else ""
    if prop.get("type") == "object" and "properties" in prop:
        yield name, f"object{or_null}"
        yield from _flatten(root, prop, name + ".")
    elif prop.get("type") == "array" and "prefixItems" in prop:
        yield name, "[" + ", ".join(item["type"] for item in prop["prefixItems"]) + "]" + or_null
    elif prop.get("type") == "array":
        items = _resolve(root, prop["items"])
        if items.get("type") == "object" and "properties" in items:
            yield name, f"array of objects{or_null}"
            yield from _flatten(root, items, name + "[].")
        elif "anyOf" in items:  # messages of several types, e.g. a batch of frames
            kinds = (_resolve(root, option)["properties"]["type"]["const"] for option in items["anyOf"])
            yield name, "array of " + ", ".join(f"`{kind}`" for kind in kinds) + or_null
        else:
            yield name, f"array of {_leaf_type(items)}{or_null}"
    else:
        yield name, _leaf_type(prop) + or_null


def _leaf_type(prop: dict) -> str:
    if "const" in prop:
        return f"`{json.dumps(prop['const'])}`"
    if "enum" in prop:
        return "one of " + ", ".join(f"`{value}`" for value in prop["enum"])
    if prop.get("type") == "array" and "prefixItems" in prop:
        return "[" + ", ".join(item["type"] for item in prop["prefixItems"]) + "]"
    if prop.get("type") == "object":
        return "object of " + _leaf_type(prop.get("additionalProperties", {"type": "any"})) + " values"
    return _FORMATS.get(prop.get("format"), prop.get("type", "any"))


def _resolve(root: dict, prop: dict) -> dict:
    if "$ref" in prop:
        return root["$defs"][prop["$ref"].rsplit("/", 1)[1]]
    return prop


_FORMATS = {"uuid": "UUID string", "date-time": "ISO 8601 date-time string"}


def _type(prop: dict) -> str:
    if "anyOf" in prop:
        return " or ".join(_type(option) for option in prop["anyOf"])
    if prop["type"] == "null":
        return "`null`"
    return _FORMATS.get(prop.get("format"), prop["type"])


def _rule(prop: dict, required: bool) -> str:
    parts = [_constraint(option) for option in prop.get("anyOf", [prop])]
    parts = [part for part in parts if part]
    if not required:
        parts.append(f"optional (default `{json.dumps(prop['default'])}`)")
    if "description" in prop:
        parts.append(prop["description"])
    return "; ".join(parts).replace("|", "\\|")


def _constraint(prop: dict) -> str:
    if "enum" in prop:
        return "one of " + ", ".join(f"`{value}`" for value in prop["enum"])
    if prop.get("type") == "integer":
        return _integer_range(prop)
    if prop.get("type") == "string":
        return _string_rule(prop)
    return ""


def _integer_range(prop: dict) -> str:
    low = prop["exclusiveMinimum"] + 1 if "exclusiveMinimum" in prop else prop.get("minimum")
    high = prop["exclusiveMaximum"] - 1 if "exclusiveMaximum" in prop else prop.get("maximum")
    if low is not None and high is not None:
        return f"{low}–{high}"
    if low is not None:
        return f"≥ {low}"
    return f"≤ {high}" if high is not None else ""


def _string_rule(prop: dict) -> str:
    low, high = prop.get("minLength", 0), prop.get("maxLength")
    parts = ["plain text"] if prop.get("plain_text") else []
    if high is not None:
        parts.append(f"{low}–{high} characters" if low else f"at most {high} characters")
    elif low:
        parts.append(f"at least {low} characters")
    if "pattern" in prop:
        parts.append(f"matches `{prop['pattern']}`")
    return ", ".join(parts)
