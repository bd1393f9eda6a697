"""What a player may write, defined once for every path: chat lines, private
messages, room names and descriptions (docs/protocol.md, "Text").

Text is trimmed (Python's str.strip, as Django's form fields do), then may
hold no character of the categories below: they are invisible or move other
text around (bidi overrides, zero-width characters), break the one-line
layout of bubbles and lists, or are refused by PostgreSQL (NUL, surrogates).
Spaces of every kind (category Zs) are text and stay.
"""

import unicodedata
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

REFUSED = {
    "Cc": "a control character",
    "Cf": "a format character (bidi control, zero-width)",
    "Cs": "a surrogate",
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


def refusal(text: str) -> str | None:
    """Why text is not plain text, or None if it is."""
    # str.isprintable() is False exactly for categories C* and Z* but U+0020:
    # a fast answer for almost every line, the walk only for the rest.
    if text.isprintable():
        return None
    for char in text:
        if (category := unicodedata.category(char)) in REFUSED:
            return f"U+{ord(char):04X} is {REFUSED[category]}: only plain text on one line is allowed."
    return None


def _trim(value):
    return value.strip() if isinstance(value, str) else value  # anything else is refused as not a string


def _plain(text: str) -> str:
    if reason := refusal(text):
        raise PydanticCustomError("plain_text", "{reason}", {"reason": reason})
    return text


def PlainText(max_length: int, min_length: int = 1):  # named as the type it returns
    """A pydantic str type: trimmed, min_length–max_length characters, plain."""
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        BeforeValidator(_trim),
        AfterValidator(_plain),
        # Read by habbo.docs_tables, which documents what "plain text" means once.
        Field(json_schema_extra={"plain_text": True}),
    ]


def validate_plain_text(value: str) -> None:
    """The same rule for Django forms (whose CharField trims the same way)."""
    if reason := refusal(value):
        raise DjangoValidationError(reason, code="plain_text")
