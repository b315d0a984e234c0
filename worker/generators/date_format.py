"""Java `DateTimeFormatter` patterns (`yyyy-MM-dd'T'HH:mm:ss.SSSZ`), compiled once into parts.

Pacts carry Java-style patterns, which `strftime` cannot express (`d` vs `dd`, `SSS`, quoted
text). A pattern compiles at load into a tuple of literal strings and field functions; a request
only calls the functions. Text fields are English, as the reference's are. An unknown letter,
too many letters or an unclosed quote is an error at load.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from pactpool_worker.pact.java_pattern import (
    DAYS,
    MONTHS,
    QUARTERS,
    DateFormatError,
    Letters,
    Wording,
    lex,
)

__all__ = ["DateFormatError", "DateWriter", "compile_format"]

Field = Callable[[datetime], str]
Part = str | Field


_WORDING = Wording(DateFormatError,
                   unclosed_quote="unclosed quote in date/time pattern '{pattern}'",
                   reserved="'{char}' is reserved in date/time pattern '{pattern}'; "
                            "quote it ('{char}') to print it")


@dataclass(frozen=True, slots=True)
class DateWriter:
    """A compiled pattern: `format(dt)` writes `dt` with it."""

    pattern: str
    parts: tuple[Part, ...]

    def format(self, value: datetime) -> str:
        return "".join(part if isinstance(part, str) else part(value) for part in self.parts)


def compile_format(pattern: str) -> DateWriter:
    """Compile a Java-style pattern; raise DateFormatError naming the offending letters."""
    parts: list[Part] = []
    text: list[str] = []
    for token in lex(pattern, _WORDING):
        if isinstance(token, str):
            text.append(token)
        elif isinstance(token, Letters):
            if text:
                parts.append("".join(text))
                text = []
            parts.append(_field(token.letter, token.count, pattern))
        # an optional-section bracket prints nothing: its contents always print
    if text:
        parts.append("".join(text))
    return DateWriter(pattern, tuple(parts))


def _field(letter: str, count: int, pattern: str) -> Field:
    if letter == "O" and count in (2, 3):
        raise DateFormatError(f"'O' takes one or four letters, not {count}, in date/time "
                              f"pattern '{pattern}'")
    limit = _LIMITS.get(letter)
    if limit is None:
        raise DateFormatError(f"unknown pattern letter '{letter}' in date/time pattern "
                              f"'{pattern}'; quote literal text ('T')")
    if count > limit:
        raise DateFormatError(f"too many pattern letters '{letter * count}' in date/time "
                              f"pattern '{pattern}' (at most {limit})")
    return _BUILDERS[letter](count)


def _number(get: Callable[[datetime], int], count: int) -> Field:
    return lambda dt: f"{get(dt):0{count}d}"


def _year(get: Callable[[datetime], int]) -> Callable[[int], Field]:
    def build(count: int) -> Field:
        if count == 2:
            return lambda dt: f"{get(dt) % 100:02d}"
        return _number(get, count)
    return build


def _month(count: int) -> Field:
    if count <= 2:
        return _number(lambda dt: dt.month, count)
    if count == 3:
        return lambda dt: MONTHS[dt.month - 1][:3]
    if count == 4:
        return lambda dt: MONTHS[dt.month - 1]
    return lambda dt: MONTHS[dt.month - 1][0]


def _day_name(count: int) -> Field:
    if count <= 3:
        return lambda dt: DAYS[dt.weekday()][:3]
    if count == 4:
        return lambda dt: DAYS[dt.weekday()]
    return lambda dt: DAYS[dt.weekday()][0]


def _day_of_week(count: int) -> Field:
    return _number(lambda dt: dt.isoweekday(), count) if count <= 2 else _day_name(count)


def _quarter(count: int) -> Field:
    if count <= 2:
        return _number(lambda dt: (dt.month - 1) // 3 + 1, count)
    if count == 3:
        return lambda dt: f"Q{(dt.month - 1) // 3 + 1}"
    if count == 4:
        return lambda dt: QUARTERS[(dt.month - 1) // 3]
    return lambda dt: str((dt.month - 1) // 3 + 1)


def _week_of_month(dt: datetime) -> int:
    first = dt.replace(day=1).weekday()
    return (dt.day - 1 + first) // 7 + 1


def _fraction(count: int) -> Field:
    return lambda dt: f"{dt.microsecond:06d}{'0' * max(0, count - 6)}"[:count]


def _offset(dt: datetime) -> timedelta:
    return dt.utcoffset() or timedelta(0)


def _offset_text(dt: datetime, colon: bool, seconds: bool, short: bool) -> str:
    total = int(_offset(dt).total_seconds())
    sign = "-" if total < 0 else "+"
    hours, rest = divmod(abs(total), 3600)
    minutes, secs = divmod(rest, 60)
    sep = ":" if colon else ""
    out = f"{sign}{hours:02d}"
    if not short or minutes or (seconds and secs):
        out += f"{sep}{minutes:02d}"
    if seconds and secs:
        out += f"{sep}{secs:02d}"
    return out


def _offset_x(zero_as_z: bool) -> Callable[[int], Field]:
    def build(count: int) -> Field:
        colon = count in (3, 5)
        seconds = count >= 4
        short = count == 1

        def write(dt: datetime) -> str:
            if zero_as_z and not _offset(dt):
                return "Z"
            return _offset_text(dt, colon, seconds, short)
        return write
    return build


def _offset_z(count: int) -> Field:
    if count <= 3:
        return lambda dt: _offset_text(dt, colon=False, seconds=False, short=False)
    if count == 4:
        return lambda dt: "GMT" + _offset_text(dt, True, True, False) if _offset(dt) else "GMT"
    return lambda dt: _offset_text(dt, True, True, False) if _offset(dt) else "Z"


def _offset_gmt(count: int) -> Field:
    if count == 4:
        return lambda dt: "GMT" + _offset_text(dt, True, True, False) if _offset(dt) else "GMT"

    def short(dt: datetime) -> str:
        total = int(_offset(dt).total_seconds())
        if not total:
            return "GMT"
        hours, rest = divmod(abs(total), 3600)
        minutes = rest // 60
        return f"GMT{'-' if total < 0 else '+'}{hours}" + (f":{minutes:02d}" if minutes else "")
    return short


def _era(count: int) -> Field:
    name = "AD" if count <= 3 else "Anno Domini" if count == 4 else "A"
    return lambda dt: name


def _zone_name(count: int) -> Field:
    return lambda dt: dt.tzname() or _offset_text(dt, True, False, False)


_LIMITS: dict[str, int] = {
    "G": 5, "y": 9, "u": 9, "Y": 9, "M": 5, "L": 5, "d": 2, "D": 3, "Q": 5, "q": 2,
    "w": 2, "W": 2, "F": 2, "E": 5, "e": 5, "c": 1, "a": 1, "h": 2, "K": 2, "k": 2, "H": 2,
    "m": 2, "s": 2, "S": 9, "n": 9, "A": 9, "N": 15, "Z": 5, "X": 5, "x": 5, "O": 4, "z": 4,
    "V": 2,
}
_BUILDERS: dict[str, Callable[[int], Field]] = {
    "G": _era,
    "y": _year(lambda dt: dt.year),
    "u": _year(lambda dt: dt.year),
    "Y": _year(lambda dt: dt.isocalendar()[0]),
    "M": _month,
    "L": _month,
    "d": lambda c: _number(lambda dt: dt.day, c),
    "D": lambda c: _number(lambda dt: dt.timetuple().tm_yday, c),
    "Q": _quarter,
    "q": _quarter,
    "w": lambda c: _number(lambda dt: dt.isocalendar()[1], c),
    "W": lambda c: _number(_week_of_month, c),
    "F": lambda c: _number(lambda dt: (dt.day - 1) // 7 + 1, c),
    "E": _day_name,
    "e": _day_of_week,
    "c": _day_of_week,
    "a": lambda c: (lambda dt: "AM" if dt.hour < 12 else "PM"),
    "h": lambda c: _number(lambda dt: (dt.hour % 12) or 12, c),
    "K": lambda c: _number(lambda dt: dt.hour % 12, c),
    "k": lambda c: _number(lambda dt: dt.hour or 24, c),
    "H": lambda c: _number(lambda dt: dt.hour, c),
    "m": lambda c: _number(lambda dt: dt.minute, c),
    "s": lambda c: _number(lambda dt: dt.second, c),
    "S": _fraction,
    "n": lambda c: _number(lambda dt: dt.microsecond * 1000, c),
    "A": lambda c: _number(lambda dt: (dt.hour * 3600 + dt.minute * 60 + dt.second) * 1000
                           + dt.microsecond // 1000, c),
    "N": lambda c: _number(lambda dt: (dt.hour * 3600 + dt.minute * 60 + dt.second)
                           * 1_000_000_000 + dt.microsecond * 1000, c),
    "Z": _offset_z,
    "X": _offset_x(zero_as_z=True),
    "x": _offset_x(zero_as_z=False),
    "O": _offset_gmt,
    "z": _zone_name,
    "V": _zone_name,
}
