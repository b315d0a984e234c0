"""The Java date/time pattern lexer both compilers (matching rules, generators) share."""

from __future__ import annotations

import pytest

from pactpool_worker.pact.java_pattern import Letters, Section, Token, Wording, lex


class PatternError(ValueError):
    pass


WORDING = Wording(PatternError, unclosed_quote="unclosed quote in '{pattern}'",
                  reserved="'{char}' is reserved ('{pattern}')")


def tokens(pattern: str) -> list[Token]:
    return list(lex(pattern, WORDING))


@pytest.mark.parametrize(("pattern", "expected"), [
    ("", []),
    ("yyyy-MM-dd", [Letters("y", 4), "-", Letters("M", 2), "-", Letters("d", 2)]),
    ("yyyy-MM-dd'T'HH", [Letters("y", 4), "-", Letters("M", 2), "-", Letters("d", 2), "T",
                         Letters("H", 2)]),
    ("hh 'o''clock' a", [Letters("h", 2), " o'clock ", Letters("a", 1)]),
    ("''yy", ["'", Letters("y", 2)]),
    ("''''", ["''"]),
    ("'yyyy'", ["yyyy"]),
    ("HH:mm[:ss]", [Letters("H", 2), ":", Letters("m", 2), Section.START, ":",
                    Letters("s", 2), Section.END]),
    ("'['VV']'", ["[", Letters("V", 2), "]"]),
    ("]-[", [Section.END, "-", Section.START]),
    ("yMy", [Letters("y", 1), Letters("M", 1), Letters("y", 1)]),
    ("bbb", [Letters("b", 3)]),
    ("é ", ["é "]),
])
def test_tokens(pattern: str, expected: list[Token]) -> None:
    assert tokens(pattern) == expected


@pytest.mark.parametrize(("pattern", "message"), [
    ("yyyy'T", "unclosed quote in 'yyyy'T'"),
    ("'", "unclosed quote in '''"),
    ("'''", "unclosed quote in '''''"),
    ("yyyy#", "'#' is reserved ('yyyy#')"),
    ("{x}", "'{' is reserved ('{x}')"),
])
def test_errors_use_the_callers_exception_and_wording(pattern: str, message: str) -> None:
    with pytest.raises(PatternError) as info:
        tokens(pattern)
    assert str(info.value) == message


def test_reserved_characters_quoted_are_text() -> None:
    assert tokens("'#{}'") == ["#{}"]


def test_lexing_is_lazy_so_earlier_fields_are_seen_before_a_later_error() -> None:
    stream = lex("yyyy'T", WORDING)
    assert next(stream) == Letters("y", 4)
    with pytest.raises(PatternError):
        next(stream)
