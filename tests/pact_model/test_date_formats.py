"""Java date/time patterns, compiled once: what they accept, what they refuse, and bad patterns."""

from __future__ import annotations

import pytest

from pactpool_worker.pact.datetime_format import DateFormatError, compile_date_format

GOOD = [
    ("yyyy-MM-dd", "2024-02-29"),
    ("dd/MM/yy", "31/12/99"),
    ("d MMM yyyy", "5 Oct 2020"),
    ("EEEE, MMMM d, yyyy", "Monday, October 5, 2020"),
    ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2020-01-01T10:00:00.123Z"),
    ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2020-01-01T10:00:00.123-05:30"),
    ("yyyy-MM-dd'T'HH:mm:ssZ", "2020-01-01T10:00:00+0000"),
    ("yyyy-MM-dd'T'HH:mm:ssX", "2020-01-01T10:00:00+01"),
    ("yyyy-MM-dd'T'HH:mm:ssxxx", "2020-01-01T10:00:00+01:00"),
    ("yyyy-MM-dd HH:mm:ss z", "2020-01-01 10:00:00 PST"),
    ("yyyy-MM-dd'T'HH:mm:ss'['VV']'", "2020-01-01T10:00:00[Europe/Paris]"),
    ("h:mm a", "9:05 PM"),
    ("hh 'o''clock' a", "09 o'clock am"),
    ("HH:mm[:ss]", "10:30"),
    ("HH:mm[:ss]", "10:30:59"),
    ("uuuu-DDD", "2020-366"),
    ("yyyyMMdd", "20200101"),
    ("GGGG yyyy", "Anno Domini 2020"),
    ("yyyy QQQ", "2020 Q3"),
    ("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnn", "2020-01-01T10:00:00.123456789"),
]

BAD = [
    ("yyyy-MM-dd", "2023-02-29", "day 29 does not exist in month 2 of 2023"),
    ("yyyy-MM-dd", "2020-04-31", "day 31 does not exist in month 4"),
    ("yyyy-MM-dd", "2020-00-10", "month 0 is not in 1-12"),
    ("HH:mm", "24:00", "hour 24 is not in 0-23"),
    ("hh:mm a", "13:00 PM", "hour 13 is not in 1-12"),
    ("HH:mm:ss", "10:60:00", "minute 60 is not in 0-59"),
    ("yyyy-MM-dd'T'HH:mm:ssXXX", "2020-01-01T10:00:00+19:00", "offset hours"),
    ("yyyy-MM-dd", "2020-1-1", "does not have the form"),
    ("yyyy-MM-dd'T'HH:mm:ss.SSS", "2020-01-01T10:00:00.12", "does not have the form"),
    ("EEE d MMM", "Funday 1 Jan", "does not have the form"),
]


@pytest.mark.parametrize(("pattern", "value"), GOOD)
def test_accepts(pattern: str, value: str) -> None:
    assert compile_date_format(pattern).check(value) is None


@pytest.mark.parametrize(("pattern", "value", "reason"), BAD)
def test_refuses_with_a_reason(pattern: str, value: str, reason: str) -> None:
    problem = compile_date_format(pattern).check(value)
    assert problem is not None and reason in problem


@pytest.mark.parametrize(("pattern", "reason"), [
    ("", "empty"),
    ("yyyy-bb", "unknown pattern letter 'b'"),
    ("yyyy'T", "unclosed quote"),
    ("[yyyy", "unclosed '['"),
    ("yyyy]", "']' without '['"),
    ("MMMMMM", "too many pattern letters"),
    ("HHH", "too many pattern letters"),
    ("V", "must appear twice"),
    ("yyyy#", "reserved"),
])
def test_bad_patterns_are_refused(pattern: str, reason: str) -> None:
    with pytest.raises(DateFormatError) as info:
        compile_date_format(pattern)
    assert reason in str(info.value)


def test_compiled_once_into_one_regex() -> None:
    fmt = compile_date_format("yyyy-MM-dd")
    assert fmt.regex.pattern.count("(?P<") == 3
