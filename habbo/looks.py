"""Changing one's looks and motto (POST /profile/looks, docs/protocol.md "Looks").

A plain database write, not an event: the looks are the player's own profile
row, written only by them, and nothing is built from them that a replay would
have to rebuild; the answer can say "saved" once the row is. The motto is saved
as the word filter leaves it (habbo.wordfilter). What the room shows is live
state: after the commit, `looks_changed` tells the rooms app, which redraws
the avatar for everyone in the player's room (rooms.appearance).
"""

from typing import Literal

from django.db import transaction
from django.dispatch import Signal
from pydantic import BaseModel, ConfigDict, ValidationError

from habbo import versions
from habbo.models import User
from habbo.palettes import CLOTHES, HAIR, HAIR_STYLES, SHOES, SKIN
from habbo.text import PlainText
from habbo.wordfilter import censor, report_word

MOTTO_MAX = 100

# Sent after the commit with `user_id`, `figure` and `motto`.
looks_changed = Signal()


class Looks(BaseModel):
    """The whole look at once; every choice from its palette (habbo.palettes)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    hair_style: Literal[tuple(HAIR_STYLES)]
    hair: Literal[tuple(HAIR)]
    skin: Literal[tuple(SKIN)]
    shirt: Literal[tuple(CLOTHES)]
    legs: Literal[tuple(CLOTHES)]
    shoes: Literal[tuple(SHOES)]
    motto: PlainText(MOTTO_MAX, min_length=0)

    def figure(self) -> dict[str, str]:
        return self.model_dump(exclude={"motto"})


# What each refused field says to the player (never the validation library's words).
REFUSALS = {
    "hair_style": "Pick one of the hair styles.",
    "hair": "Pick a hair colour from the palette.",
    "skin": "Pick a skin tone from the palette.",
    "shirt": "Pick a shirt colour from the palette.",
    "legs": "Pick a trousers colour from the palette.",
    "shoes": "Pick a shoes colour from the palette.",
    "motto": f"A motto is up to {MOTTO_MAX} characters of plain text on one line.",
}
UNREADABLE = "Those looks could not be read; reload the page and try again."


class LooksRefused(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def looks_read(body: bytes) -> Looks:
    """The request's looks, or LooksRefused saying which choice is wrong."""
    try:
        return Looks.model_validate_json(body or b"{}")
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        raise LooksRefused(field, REFUSALS.get(field, UNREADABLE)) from None


@transaction.atomic
def looks_change(*, user: User, looks: Looks) -> None:
    figure = looks.figure()
    censored = censor(looks.motto, max_length=MOTTO_MAX)
    motto = censored.text
    User.objects.filter(pk=user.pk).update(
        **{f"figure_{key}": value for key, value in figure.items()}, motto=motto
    )
    versions.bump("user", user.pk)  # an update() sends no post_save (habbo.socket_user)
    for key, value in figure.items():
        setattr(user, f"figure_{key}", value)
    user.motto = motto
    transaction.on_commit(
        lambda: looks_changed.send(sender=User, user_id=user.pk, figure=figure, motto=motto)
    )
    transaction.on_commit(lambda: report_word(censored, writer_id=user.pk))
