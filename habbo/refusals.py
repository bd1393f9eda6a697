"""Refusals in the player's words, never the validation library's.

A schema declares, next to its fields, the sentence a player reads when a
field is refused: `refusals` on a pydantic message, `refusals` on a form with
PlayerWords. pydantic's "String should have at least 1 character" and
Django's "This field is required." never reach a player. The hotel's own
validators (habbo.text) already speak to the player and keep their words.
"""

from collections.abc import Mapping
from typing import ClassVar

from pydantic_core import ErrorDetails

NOT_UNDERSTOOD = "The hotel did not understand that, so nothing was done."
# pydantic error types the hotel's own validators raise: their message is already a sentence for the player.
OWN_ERRORS = frozenset({"plain_text"})


def sentence(error: ErrorDetails, refusals: Mapping[str, str], field_at: int = 0) -> str:
    """What the player reads for one pydantic error: the hotel's own message,
    else the refused field's sentence (the field is `loc[field_at]`), else NOT_UNDERSTOOD."""
    if error["type"] in OWN_ERRORS:
        return error["msg"]
    loc = error["loc"]
    field = loc[field_at] if len(loc) > field_at else None
    return refusals.get(field, NOT_UNDERSTOOD)


class PlayerWords:
    """A Django form mixin: every message a field or its validators would give
    in Django's words is the field's sentence in `refusals` (NOT_UNDERSTOOD if
    it has none). Validators without a code (habbo.text's) keep their message."""

    refusals: ClassVar[Mapping[str, str]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # this form's own copies of the fields
            codes = set(field.error_messages) | {v.code for v in field.validators if hasattr(v, "code")}
            field.error_messages = dict.fromkeys(codes, self.refusals.get(name, NOT_UNDERSTOOD))
