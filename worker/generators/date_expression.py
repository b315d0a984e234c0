"""Relative date/time expressions (`tomorrow`, `+1 day`, `next monday @ 10 o'clock`), parsed once.

The grammar is the reference's (pact_models `date_expression_parser` / `time_expression_parser`):

    expression := [date] ["@" time]
    date       := base [adjust]* | adjust+ | ("next" | "last") offset [adjust]*
                  base: now | today | yesterday | tomorrow
                  adjust: ("+" | "-") INT (day | week | month | year)[s]
                  offset: day | week | month | year | fortnight | a weekday | a month name
    time       := base [adjust]* | adjust+ | ("next" | "last") unit [adjust]*
                  base: now | midnight | noon | INT o'clock [am | pm]   (INT from 1 to 12)
                  adjust: ("+" | "-") INT (hour | minute | second | millisecond)[s]

Without an `@` the text is read as the generator's own kind (a date for Date and DateTime, a
time for Time) and, if that fails, as the other kind, so `now + 2 hours` works for a DateTime.
`today` is the current instant like `now`; `N o'clock` is the next N o'clock after noon if the
base is before noon, else N hours after midnight; month arithmetic clamps to the month's last
day (Jan 31 + 1 month is the last day of February).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Step = Callable[[datetime], datetime]
Kind = Literal["date", "time"]

_TOKEN = re.compile(r"\s*(?:(\d+)|([a-z]+(?:'[a-z]+)?)|(\S))")
_WEEKDAYS = {name: i for i, names in enumerate((
    ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "wednesday"),
    ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"),
    ("sun", "sunday"))) for name in names}
_MONTH_NAMES = {name: i + 1 for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december"))) for name in names}
_DATE_UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
               "months": "month", "year": "year", "years": "year"}
_TIME_UNITS = {"hour": 3600_000, "hours": 3600_000, "minute": 60_000, "minutes": 60_000,
               "second": 1000, "seconds": 1000, "millisecond": 1, "milliseconds": 1}


class DateExpressionError(ValueError):
    """A date/time expression outside the grammar; `position` is the token it stopped at."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(message)
        self.position = position


@dataclass(frozen=True, slots=True)
class DateTimeExpression:
    """A parsed expression: `apply(base)` runs its steps on a base date-time."""

    source: str
    steps: tuple[Step, ...]

    def apply(self, base: datetime) -> datetime:
        value = base
        for step in self.steps:
            value = step(value)
        return value


def compile_expression(source: str, kind: Kind) -> DateTimeExpression:
    """Parse `source` once for a generator of `kind`; raise DateExpressionError if invalid."""
    text = source.strip().lower()
    if "@" in text:
        date_text, time_text = text.split("@", 1)
        steps = _parse(date_text, "date", source) + _parse(time_text, "time", source)
        return DateTimeExpression(source, steps)
    try:
        return DateTimeExpression(source, _parse(text, kind, source))
    except DateExpressionError as first:
        try:
            return DateTimeExpression(source, _parse(text, "time" if kind == "date" else "date",
                                                     source))
        except DateExpressionError as second:  # report the reading that got further
            raise (second if second.position > first.position else first) from None


def _parse(text: str, kind: Kind, source: str) -> tuple[Step, ...]:
    tokens = _tokens(text, source)
    if not tokens:
        return ()
    return _Parser(tokens, kind, source).expression()


def _tokens(text: str, source: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # only trailing blanks are left
            break
        tokens.append(m.group(m.lastindex or 0))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[str], kind: Kind, source: str) -> None:
        self.tokens = tokens
        self.kind = kind
        self.source = source
        self.pos = 0

    def fail(self, expected: str) -> DateExpressionError:
        found = self.tokens[self.pos] if self.pos < len(self.tokens) else "the end"
        return DateExpressionError(f"invalid {self.kind} expression '{self.source}': expected "
                                   f"{expected}, found '{found}'", self.pos)

    def take(self) -> str | None:
        if self.pos >= len(self.tokens):
            return None
        self.pos += 1
        return self.tokens[self.pos - 1]

    def expression(self) -> tuple[Step, ...]:
        steps: list[Step] = []
        first = self.tokens[0]
        if first in ("+", "-"):
            pass
        elif first in ("next", "last"):
            self.pos += 1
            steps.append(self.offset(1 if first == "next" else -1))
        else:
            steps.extend(self.base())
        while self.pos < len(self.tokens):
            steps.append(self.adjustment())
        return tuple(steps)

    def base(self) -> list[Step]:
        word = self.tokens[self.pos]
        if self.kind == "date":
            shift = {"now": 0, "today": 0, "yesterday": -1, "tomorrow": 1}.get(word)
            if shift is None:
                raise self.fail("one of now, today, yesterday, tomorrow, +, -, next or last")
            self.pos += 1
            return [_add_days(shift)] if shift else []
        self.pos += 1
        if word == "now":
            return []
        if word == "midnight":
            return [_at_hour(0)]
        if word == "noon":
            return [_at_hour(12)]
        if word.isdigit():
            return [self.clock_hour(int(word))]
        self.pos -= 1
        raise self.fail("one of now, midnight, noon, 1-12 o'clock, +, -, next or last")

    def clock_hour(self, hour: int) -> Step:
        if not 1 <= hour <= 12:
            self.pos -= 1
            raise self.fail("an hour from 1 to 12")
        if self.take() != "o'clock":
            self.pos -= 1
            raise self.fail("o'clock")
        half = self.tokens[self.pos] if self.pos < len(self.tokens) else None
        if half == "am":
            self.pos += 1
            return _after(0, hour)
        if half == "pm":
            self.pos += 1
            return _after(12, hour)
        return _next_clock_hour(hour)

    def offset(self, sign: int) -> Step:
        word = self.take() or ""
        if self.kind == "time":
            unit = _TIME_UNITS.get(word)
            if unit is None:
                self.pos -= 1
                raise self.fail("a time unit (hour, minute, second or millisecond)")
            return _add_millis(sign * unit)
        if word in ("day", "week", "month", "year"):
            return _date_shift(word, sign)
        if word == "fortnight":
            return _add_days(14 * sign)
        if word in _WEEKDAYS:
            return _to_weekday(_WEEKDAYS[word], sign)
        if word in _MONTH_NAMES:
            return _to_month(_MONTH_NAMES[word], sign)
        self.pos -= 1
        raise self.fail("day, week, month, year, fortnight, a weekday or a month name")

    def adjustment(self) -> Step:
        op = self.take()
        if op not in ("+", "-"):
            self.pos -= 1
            raise self.fail("+ or -")
        number = self.take() or ""
        if not number.isdigit():
            self.pos -= 1
            raise self.fail("a whole number")
        sign = 1 if op == "+" else -1
        word = self.take() or ""
        if self.kind == "time":
            millis = _TIME_UNITS.get(word)
            if millis is None:
                self.pos -= 1
                raise self.fail("hour(s), minute(s), second(s) or millisecond(s)")
            return _add_millis(sign * int(number) * millis)
        unit = _DATE_UNITS.get(word)
        if unit is None:
            self.pos -= 1
            raise self.fail("day(s), week(s), month(s) or year(s)")
        return _date_shift(unit, sign * int(number))


def _date_shift(unit: str, amount: int) -> Step:
    if unit == "day":
        return _add_days(amount)
    if unit == "week":
        return _add_days(7 * amount)
    if unit == "month":
        return _add_months(amount)
    return _add_months(12 * amount)


def _add_days(days: int) -> Step:
    delta = timedelta(days=days)
    return lambda dt: dt + delta


def _add_millis(millis: int) -> Step:
    delta = timedelta(milliseconds=millis)
    return lambda dt: dt + delta


def _add_months(months: int) -> Step:
    def step(dt: datetime) -> datetime:
        year, month0 = divmod(dt.year * 12 + dt.month - 1 + months, 12)
        last = calendar.monthrange(year, month0 + 1)[1]
        return dt.replace(year=year, month=month0 + 1, day=min(dt.day, last))
    return step


def _to_weekday(weekday: int, sign: int) -> Step:
    """The next (or last) such weekday, never today itself."""
    def step(dt: datetime) -> datetime:
        if sign > 0:
            return dt + timedelta(days=(weekday - dt.weekday()) % 7 or 7)
        return dt - timedelta(days=(dt.weekday() - weekday) % 7 or 7)
    return step


def _to_month(month: int, sign: int) -> Step:
    """The first day of the next (or last) such month, never the current month itself."""
    def step(dt: datetime) -> datetime:
        if sign > 0:
            year = dt.year if month > dt.month else dt.year + 1
        else:
            year = dt.year if month < dt.month else dt.year - 1
        return dt.replace(year=year, month=month, day=1)
    return step


def _at_hour(hour: int) -> Step:
    return lambda dt: dt.replace(hour=hour, minute=0, second=0, microsecond=0)


def _after(start: int, hours: int) -> Step:
    delta = timedelta(hours=hours)
    return lambda dt: dt.replace(hour=start, minute=0, second=0, microsecond=0) + delta


def _next_clock_hour(hour: int) -> Step:
    def step(dt: datetime) -> datetime:
        noon = dt.replace(hour=12, minute=0, second=0, microsecond=0)
        start = noon if dt < noon else noon.replace(hour=0)
        return start + timedelta(hours=hour)
    return step
