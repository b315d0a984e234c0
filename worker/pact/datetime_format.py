"""Java date/time patterns (`SimpleDateFormat`, `DateTimeFormatter`) compiled once at load.

Pacts carry formats like `yyyy-MM-dd'T'HH:mm:ss.SSSXXX`. Each is translated into one regular
expression with a named group per numeric field, plus range checks (month 1-12, day within
its month, hour 0-23, ...), so checking a value costs one regex match and a few comparisons.
Where the two Java classes disagree, DateTimeFormatter wins (it is what V3/V4 writers use):
`u` is a year, `S...` is exactly that many fraction digits.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass

from pactpool_worker.pact.java_pattern import (
    DAYS,
    MONTHS,
    QUARTERS,
    DateFormatError,
    Letters,
    Section,
    Wording,
    lex,
)
from pactpool_worker.pact.linear_regex import LinearPattern, RegexCompileError

__all__ = ["DEFAULT_FORMATS", "DateFormat", "DateFormatError", "compile_date_format"]

DEFAULT_FORMATS = {"date": "yyyy-MM-dd", "time": "HH:mm:ss",
                   "timestamp": "yyyy-MM-dd'T'HH:mm:ssXXX"}
"""The reference's formats for a date/time/timestamp rule that names none."""


_WORDING = Wording(DateFormatError, unclosed_quote="unclosed quote in '{pattern}'",
                   reserved="'{char}' is reserved in date/time patterns ('{pattern}')")


def _alternatives(words: list[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


_SHORT_MONTHS = _alternatives([m[:3] for m in MONTHS])
_FULL_MONTHS = _alternatives(list(MONTHS))
_SHORT_DAYS = _alternatives([d[:3] for d in DAYS])
_FULL_DAYS = _alternatives(list(DAYS))
_QUARTER_NAMES = _alternatives(list(QUARTERS))
_ZONE_NAME = r"(?:[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)+|[A-Z]{2,5}(?:[+-]\d{1,2}(?::?\d{2})?)?)"
_ZONE_ID = r"(?:[A-Za-z_]+(?:/[A-Za-z0-9_+\-]+)+|Z|UTC|GMT|[+-]\d{2}:\d{2})"

# Numeric fields: the letter, then (kind, lowest, highest) for the range check.
_TEXT_LETTERS = frozenset("MLEecGaQq")

_RANGES: dict[str, tuple[str, int, int]] = {
    "M": ("month", 1, 12), "L": ("month", 1, 12), "d": ("day", 1, 31),
    "D": ("day of year", 1, 366), "w": ("week of year", 1, 53), "W": ("week of month", 0, 6),
    "F": ("day of week in month", 1, 5), "H": ("hour", 0, 23), "k": ("hour", 1, 24),
    "K": ("hour", 0, 11), "h": ("hour", 1, 12), "m": ("minute", 0, 59),
    "s": ("second", 0, 59), "e": ("day of week", 1, 7), "c": ("day of week", 1, 7),
    "Q": ("quarter", 1, 4), "q": ("quarter", 1, 4),
}


@dataclass(frozen=True, slots=True)
class _Field:
    group: str
    letter: str
    check: Callable[[str], str | None] | None = None


@dataclass(frozen=True, slots=True)
class DateFormat:
    """A compiled pattern: `check(text)` says why a value does not fit (None when it does)."""

    pattern: str
    regex: LinearPattern
    """On RE2 when adjacent numeric fields (`nnnnAAAA`) would backtrack for ever on `re`."""
    fields: tuple[_Field, ...]
    checked: tuple[_Field, ...] = ()
    """The fields with a range check, found once at compile time."""
    calendar: tuple[str | None, str | None, str | None] = (None, None, None)
    """The groups holding the year, month and day, when the pattern has them."""

    def check(self, text: str) -> str | None:
        m = self.regex.groups(text)
        if m is None:
            return f"'{text}' does not have the form '{self.pattern}'"
        for f in self.checked:
            value = m[f.group]
            if value is not None and f.check is not None:
                problem = f.check(value)
                if problem is not None:
                    return problem
        year_group, month_group, day_group = self.calendar
        if month_group is None or day_group is None:
            return None
        return _calendar_check(m[year_group] if year_group else None,
                               m[month_group], m[day_group])


def _calendar_check(year_text: str | None, month_text: str | None,
                    day_text: str | None) -> str | None:
    """A day must exist in its month (31 April never does; 29 February only in leap years)."""
    if month_text is None or day_text is None:
        return None
    digits = (year_text or "").lstrip("+-")
    year = int(year_text) if year_text and digits.isdigit() and len(digits) >= 3 else None
    month, day = _month_number(month_text), int(day_text)
    days = calendar.monthrange(year if year is not None else 2000, month)[1]
    if day > days:
        return f"day {day} does not exist in month {month}" + (f" of {year}" if year else "")
    return None


def _month_number(value: str) -> int:
    if value.isdigit():
        return int(value)
    for number, name in enumerate(MONTHS, start=1):
        if name.lower().startswith(value.lower()[:3]):
            return number
    return 1


def _in_range(kind: str, low: int, high: int) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        n = int(value)
        return None if low <= n <= high else f"{kind} {n} is not in {low}-{high}"
    return check


def _offset_check(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 2 and int(digits[:2]) > 18:
        return f"offset hours in '{value}' are more than 18"
    if len(digits) >= 4 and int(digits[2:4]) > 59:
        return f"offset minutes in '{value}' are more than 59"
    return None


def _numeric(letter: str, n: int) -> str:
    if letter in "yuY":
        if n == 2:
            return r"\d{2}"
        return r"[+-]?\d{1,9}" if n == 1 else rf"[+-]?\d{{{n},9}}"
    if letter == "D":
        return {1: r"\d{1,3}", 2: r"\d{2,3}"}.get(n, r"\d{3}")
    return r"\d{1,2}" if n == 1 else rf"\d{{{n}}}"


def _token(letter: str, n: int, pattern: str) -> tuple[str, Callable[[str], str | None] | None]:
    """The regex for `n` repetitions of a pattern letter, and its range check."""
    def too_many(limit: int) -> None:
        if n > limit:
            raise DateFormatError(f"too many pattern letters '{letter * n}' in '{pattern}'")

    if letter in "yuY":
        return _numeric(letter, n), None
    if letter in "ML":
        too_many(5)
        if n <= 2:
            return _numeric(letter, n), _in_range(*_RANGES[letter])
        return {3: _SHORT_MONTHS, 4: _FULL_MONTHS, 5: "[JFMASOND]"}[n], None
    if letter in "Qq":
        too_many(5)
        if n <= 2:
            return (r"[1-4]" if n == 1 else r"0[1-4]"), None
        return {3: "Q[1-4]", 4: _QUARTER_NAMES, 5: "[1-4]"}[n], None
    if letter in "ec":
        too_many(5)
        if n <= 2:
            return (r"[1-7]" if n == 1 else r"0[1-7]"), None
        return {3: _SHORT_DAYS, 4: _FULL_DAYS, 5: "[MTWFS]"}[n], None
    if letter == "E":
        too_many(5)
        return {4: _FULL_DAYS, 5: "[MTWFS]"}.get(n, _SHORT_DAYS), None
    if letter == "G":
        too_many(5)
        return {4: "(?:Anno Domini|Before Christ)", 5: "[AB]"}.get(n, "(?:AD|BC)"), None
    if letter == "a":
        too_many(5)
        return "(?:AM|PM|am|pm)", None
    if letter in "dDwWFHkKhms":
        too_many(3 if letter == "D" else 2)
        return _numeric(letter, n), _in_range(*_RANGES[letter])
    if letter == "S":
        return rf"\d{{{n}}}", None
    if letter in "nNA":
        return r"\d+", None
    if letter in "zv":
        too_many(4)
        return _ZONE_NAME, None
    if letter == "V":
        if n != 2:
            raise DateFormatError(f"pattern letter 'V' must appear twice ('VV') in '{pattern}'")
        return _ZONE_ID, None
    if letter == "O":
        if n not in (1, 4):
            raise DateFormatError(f"pattern letter 'O' must appear once or four times in "
                                  f"'{pattern}'")
        return (r"GMT(?:[+-]\d{1,2}(?::\d{2})?)?" if n == 1 else r"GMT(?:[+-]\d{2}:\d{2})?"), None
    if letter == "Z":
        too_many(5)
        if n <= 3:
            return r"[+-]\d{4}", _offset_check
        return (r"(?:GMT|UTC)(?:[+-]\d{2}:\d{2})?" if n == 4 else r"(?:Z|[+-]\d{2}:\d{2})"), \
            _offset_check
    if letter in "Xx":
        too_many(5)
        body = {1: r"[+-]\d{2}(?:\d{2})?", 2: r"[+-]\d{4}", 3: r"[+-]\d{2}:\d{2}",
                4: r"[+-]\d{4}(?:\d{2})?", 5: r"[+-]\d{2}:\d{2}(?::\d{2})?"}[n]
        return (f"(?:Z|{body})" if letter == "X" else body), _offset_check
    raise DateFormatError(f"unknown pattern letter '{letter}' in '{pattern}'")


def compile_date_format(pattern: str) -> DateFormat:
    """Translate a Java pattern into a DateFormat; raise DateFormatError naming the problem."""
    if not pattern:
        raise DateFormatError("the date/time format is empty")
    parts: list[str] = []
    fields: list[_Field] = []
    depth = 0
    for token in lex(pattern, _WORDING):
        if isinstance(token, str):
            parts.append(re.escape(token))
        elif isinstance(token, Letters):
            regex, check = _token(token.letter, token.count, pattern)
            group = f"f{len(fields)}"
            fields.append(_Field(group, token.letter, check))
            if token.letter in _TEXT_LETTERS:
                regex = f"(?i:{regex})"  # names and AM/PM parse case-insensitively, as in Java
            parts.append(f"(?P<{group}>{regex})")
        elif token is Section.START:
            depth += 1
            parts.append("(?:")
        else:
            if depth == 0:
                raise DateFormatError(f"']' without '[' in '{pattern}'")
            depth -= 1
            parts.append(")?")
    if depth:
        raise DateFormatError(f"unclosed '[' in '{pattern}'")
    try:
        compiled = LinearPattern("".join(parts), ascii=True)
    except RegexCompileError as exc:  # pragma: no cover - the translation only emits valid regexes
        raise DateFormatError(f"'{pattern}' cannot be translated: {exc}") from None
    def group_of(letters: str) -> str | None:
        return next((f.group for f in fields if f.letter in letters), None)

    return DateFormat(pattern, compiled, tuple(fields),
                      tuple(f for f in fields if f.check is not None),
                      (group_of("yuY"), group_of("ML"), group_of("d")))

