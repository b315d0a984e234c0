"""The lexer shared by both Java date/time pattern compilers, and the English name tables.

A `SimpleDateFormat`/`DateTimeFormatter` pattern is literal text, runs of ASCII letters
(`yyyy` is the field ('y', 4)), quoted text (`'T'`; `''` is one quote, inside quotes or out)
and optional-section brackets. `lex` turns it into that sequence and refuses an unclosed quote
or a reserved character (`#`, `{`, `}`). What a letter means, how many of it are allowed and
whether brackets must balance is each compiler's business: the matching rules compile a
pattern into a regex (`pact.datetime_format`), the generators into writers
(`generators.date_format`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
QUARTERS = ("1st quarter", "2nd quarter", "3rd quarter", "4th quarter")

RESERVED = "#{}"


@dataclass(frozen=True, slots=True)
class Letters:
    """A run of one pattern letter: `yyyy` is Letters('y', 4)."""

    letter: str
    count: int


class Section(Enum):
    """An unquoted optional-section bracket."""

    START = "["
    END = "]"


Token = str | Letters | Section
"""Literal text (quoted or not, adjacent pieces joined), a letter run, or a bracket."""


class DateFormatError(ValueError):
    """A Java date/time pattern that cannot be compiled, for matching or for generating."""


@dataclass(frozen=True, slots=True)
class Wording:
    """How a compiler reports the lexer's errors: its exception and its messages.

    The messages are `str.format` templates over `{pattern}` and, for `reserved`, `{char}`.
    """

    error: type[ValueError]
    unclosed_quote: str
    reserved: str


def lex(pattern: str, wording: Wording) -> Iterator[Token]:
    """The tokens of `pattern`, lazily: an error surfaces only once the lexer reaches it."""
    text: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "'":
            i = _quoted(pattern, i, text, wording)
            continue
        if ch.isascii() and ch.isalpha():
            count = 1
            while i + count < n and pattern[i + count] == ch:
                count += 1
            if text:
                yield "".join(text)
                text = []
            yield Letters(ch, count)
            i += count
            continue
        if ch in "[]":
            if text:
                yield "".join(text)
                text = []
            yield Section(ch)
        elif ch in RESERVED:
            raise wording.error(wording.reserved.format(char=ch, pattern=pattern))
        else:
            text.append(ch)
        i += 1
    if text:
        yield "".join(text)


def _quoted(pattern: str, start: int, text: list[str], wording: Wording) -> int:
    """Append the quoted text at `start` (its opening quote) to `text`; return where it ends."""
    if pattern.startswith("''", start):  # '' outside quotes is one quote
        text.append("'")
        return start + 2
    i = start + 1
    while i < len(pattern):
        if pattern[i] == "'":
            if not pattern.startswith("''", i):
                return i + 1
            i += 1  # '' inside quotes is one quote
        text.append(pattern[i])
        i += 1
    raise wording.error(wording.unclosed_quote.format(pattern=pattern))
