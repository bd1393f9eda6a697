"""The word filter (issue 12 §4; docs/protocol.md, "Word filter").

Words moderators list in the admin (habbo.models.FilteredWord) are replaced
before anyone reads a text a player wrote: room chat and whispers, private
messages, mottos, room names and descriptions, gift notes. The event that
carries the text carries it filtered; a word set to open a ticket also
publishes help.reported (habbo.reports) quoting the text as written.

How a word is found:
- A text is compared folded: each character decomposed (NFKD) without its
  combining marks and case-folded, so "É" is "e", "ｓ" is "s", "ß" is "ss".
  Each folded character remembers the written character it came from, so a
  match is replaced in the text as written and everything else stays as it was.
- A letter of a listed word also matches the digits and signs written for it
  (LOOKALIKES: 4 and @ for a, 3 for e, 0 for o, 1 for i or l, 5 and $ for s,
  7 for t ...); a digit or sign in a listed word matches the letters it
  stands for. Spaces in a listed word match any run of spaces.
- Whole words only: no letter or digit right before or after a match, so
  "ass" is found in "4ss!", "ÁSS" and "my_ass" but not in "class", "cl4ss"
  or "assets". Signs, spaces and underscores end a word. Other forms of a
  word ("asses") are words of their own and are listed as such.
- Overlapping listed words: the leftmost match, and of those the longest, wins.

Every process keeps the list in memory. Saving or deleting a word bumps a
version number in Redis after the commit; a process looks at it at most once
a second (CHECK_EVERY_S) and reloads the list when it moved.
"""

import functools
import logging
import math
import re
import time
import unicodedata
import uuid
from dataclasses import dataclass

from channels.db import database_sync_to_async
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from habbo.bus.producer import EventBusUnavailable
from habbo.models import FilteredWord
from habbo.redis import REDIS_DOWN, redis, sync_redis
from habbo.reports import QUOTE_MAX, REPORT_MESSAGE_MAX, HelpReported, areport, report

log = logging.getLogger(__name__)

VERSION_KEY = "wordfilter:version"
CHECK_EVERY_S = 1.0

# The letters players replace with digits and signs to slip past a filter.
LOOKALIKES = {
    "a": "4@", "b": "8", "e": "3€", "g": "9", "i": "1!|", "l": "1|", "o": "0", "s": "5$", "t": "7+",
}


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    # Case folding can make marks ("İ" → "i̇") and compatibility forms can be
    # upper case ("ℌ" → "H"): decompose, fold, decompose again.
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def fold(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the written one."""
    folded, origin = [], []
    for index, char in enumerate(text):
        for c in _fold_char(char):
            folded.append(c)
            origin.append(index)
    return "".join(folded), origin


def _char_pattern(char: str) -> str:
    chars = {char, *LOOKALIKES.get(char, "")}
    for letter, signs in LOOKALIKES.items():
        if char in signs:
            chars |= {letter, *signs}
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]" if len(chars) > 1 else re.escape(char)


def _word_pattern(folded_word: str) -> str:
    return "".join(r"\s+" if part.isspace() else "".join(map(_char_pattern, part))
                   for part in re.split(r"(\s+)", folded_word) if part)


# No letter or digit next to a match ([^\W_] is a letter or a digit).
_BEFORE, _AFTER = r"(?<![^\W_])", r"(?![^\W_])"


@dataclass(frozen=True)
class Word:
    word: str
    replacement: str
    opens_ticket: bool


@dataclass(frozen=True)
class Censored:
    written: str  # as the player wrote it
    text: str  # what everyone reads, and what the event carries
    hits: tuple[Word, ...] = ()  # the listed words found, in order
    ticket_at: int | None = None  # where the first word that opens a ticket was written

    @property
    def opens_ticket(self) -> bool:
        return self.ticket_at is not None


class WordList:
    def __init__(self, words: list[Word], version: str | None = None):
        self.version = version
        entries = [(folded, word) for word in words if (folded := fold(word.word.strip())[0].strip())]
        entries.sort(key=lambda entry: -len(entry[0]))  # the longest first where several match at one place
        self.words = [word for _, word in entries]
        alternatives = "|".join(f"({_word_pattern(folded)})" for folded, _ in entries)
        self.pattern = re.compile(f"{_BEFORE}(?:{alternatives}){_AFTER}") if entries else None

    def censor(self, text: str, max_length: int | None = None) -> Censored:
        """`text` with every listed word replaced, cut to `max_length` if a
        replacement made it longer."""
        if self.pattern is None:
            return Censored(text, text)
        folded, origin = fold(text)
        pieces, hits, ticket_at, done = [], [], None, 0
        for match in self.pattern.finditer(folded):
            word = self.words[match.lastindex - 1]
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            if start < done:
                continue  # inside a written character the previous match replaced ("ﬁ" folds to two)
            while end < len(text) and not _fold_char(text[end]):
                end += 1  # the match's own combining marks, written apart
            pieces += [text[done:start], word.replacement]
            hits.append(word)
            if word.opens_ticket and ticket_at is None:
                ticket_at = start
            done = end
        if not hits:
            return Censored(text, text)
        censored = "".join(pieces) + text[done:]
        if max_length is not None:
            censored = censored[:max_length].strip()
        return Censored(text, censored, tuple(hits), ticket_at)


_words: WordList | None = None
_checked_at = -math.inf


def _load(version: str | None) -> WordList:
    rows = FilteredWord.objects.values_list("word", "replacement", "opens_ticket")
    return WordList([Word(*row) for row in rows], version)


def _due() -> bool:
    return _words is None or time.monotonic() - _checked_at >= CHECK_EVERY_S


def _seen(version: str | None) -> bool:
    """Note the version looked at; True if the list in memory is of it."""
    global _checked_at
    _checked_at = time.monotonic()
    return _words is not None and _words.version == version


def _unknown_version(exc: Exception) -> str | None:
    # Without Redis the list in memory goes on being used; loaded once if there is none.
    log.warning("word filter: cannot read the list's version from Redis: %s", exc)
    return _words.version if _words else None


def words() -> WordList:
    global _words
    if _due():
        try:
            version = sync_redis().get(VERSION_KEY)
        except REDIS_DOWN as exc:
            version = _unknown_version(exc)
        if not _seen(version):
            _words = _load(version)
    return _words


async def awords() -> WordList:
    global _words
    if _due():
        try:
            version = await redis().get(VERSION_KEY)
        except REDIS_DOWN as exc:
            version = _unknown_version(exc)
        if not _seen(version):
            _words = await database_sync_to_async(_load)(version)
    return _words


def censor(text: str, max_length: int | None = None) -> Censored:
    return words().censor(text, max_length)


async def acensor(text: str, max_length: int | None = None) -> Censored:
    return (await awords()).censor(text, max_length)


def forget() -> None:
    """Read the list again at the next text (this process)."""
    global _words, _checked_at
    _words, _checked_at = None, -math.inf


@receiver([post_save, post_delete], sender=FilteredWord, dispatch_uid="wordfilter-changed")
def _word_changed(**_) -> None:
    transaction.on_commit(_bump)


def _bump() -> None:
    # After the commit, so a process that sees the new version reads the new list.
    sync_redis().incr(VERSION_KEY)
    forget()


# -- tickets --------------------------------------------------------------------


def _ticket(censored: Censored, writer_id: int, room_id: uuid.UUID | None, private: bool) -> HelpReported:
    written = censored.written
    # Quote the start of a long text, or the part where the word is.
    start = max(0, min(censored.ticket_at - QUOTE_MAX // 4, len(written) - QUOTE_MAX))
    found = ", ".join(dict.fromkeys(word.word for word in censored.hits if word.opens_ticket))
    return HelpReported(
        ticket_id=uuid.uuid4(), reporter_id=None, about="word", about_user_id=writer_id, room_id=room_id,
        message=f"Word filter: {found}"[:REPORT_MESSAGE_MAX], quote=written[start:start + QUOTE_MAX], private=private,
    )


def report_word(
    censored: Censored, *, writer_id: int, room_id: uuid.UUID | None = None, private: bool = False
) -> None:
    """Open a ticket if a word found opens one (`private`: the text was a
    whisper or private message). A ticket that cannot be published is logged:
    the text itself goes on, it is not refused for that."""
    if not censored.opens_ticket:
        return
    try:
        report(_ticket(censored, writer_id, room_id, private))
    except EventBusUnavailable:
        log.exception("word filter: the ticket about user %s's text could not be published: %r",
                      writer_id, censored.written)


async def areport_word(
    censored: Censored, *, writer_id: int, room_id: uuid.UUID | None = None, private: bool = False
) -> None:
    if not censored.opens_ticket:
        return
    try:
        await areport(_ticket(censored, writer_id, room_id, private))
    except EventBusUnavailable:
        log.exception("word filter: the ticket about user %s's text could not be published: %r",
                      writer_id, censored.written)
