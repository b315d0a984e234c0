"""pactpool.consumer.generate and the strftime-to-Java conversion behind its date formats."""

from __future__ import annotations

import re

import pytest

from pactpool.consumer import generate
from pactpool.consumer._dates import strftime_to_java
from pactpool.consumer._split import split
from pactpool.consumer.generate.generator import AbstractGenerator, GenericGenerator
from pactpool.errors import PactDefinitionError


def as_json(generator: AbstractGenerator) -> dict[str, object]:
    return generator.to_generator_json()


@pytest.mark.parametrize(("made", "expected"), [
    (generate.int(), {"type": "RandomInt"}),
    (generate.integer(min=1, max=5), {"type": "RandomInt", "min": 1, "max": 5}),
    (generate.int(min=50), {"type": "RandomInt", "min": 50, "max": 60}),
    (generate.int(max=-3), {"type": "RandomInt", "min": -13, "max": -3}),
    (generate.float(), {"type": "RandomDecimal"}),
    (generate.decimal(6), {"type": "RandomDecimal", "digits": 6}),
    (generate.hex(), {"type": "RandomHexadecimal"}),
    (generate.hexadecimal(8), {"type": "RandomHexadecimal", "digits": 8}),
    (generate.str(), {"type": "RandomString"}),
    (generate.string(12), {"type": "RandomString", "size": 12}),
    (generate.regex(r"\d{3}"), {"type": "Regex", "regex": r"\d{3}"}),
    (generate.uuid(), {"type": "Uuid", "format": "lower-case-hyphenated"}),
    (generate.uuid("simple"), {"type": "Uuid", "format": "simple"}),
    (generate.uuid("uppercase"), {"type": "Uuid", "format": "upper-case-hyphenated"}),
    (generate.uuid("urn"), {"type": "Uuid", "format": "URN"}),
    (generate.date(), {"type": "Date", "format": "yyyy-MM-dd"}),
    (generate.time(), {"type": "Time", "format": "HH:mm:ss"}),
    (generate.time("HH:mm", disable_conversion=True), {"type": "Time", "format": "HH:mm"}),
    (generate.datetime("%Y-%m-%dT%H:%M:%S%z"),
     {"type": "DateTime", "format": "yyyy-MM-dd'T'HH:mm:ssZ"}),
    (generate.timestamp("%d.%m.%Y %H:%M"), {"type": "DateTime", "format": "dd.MM.yyyy HH:mm"}),
    (generate.bool(), {"type": "RandomBoolean"}),
    (generate.boolean(), {"type": "RandomBoolean"}),
    (generate.provider_state("${id}"), {"type": "ProviderState", "expression": "${id}"}),
    (generate.provider_state(), {"type": "ProviderState"}),
    (generate.mock_server_url(regex=r".*(/orders/\d+)$", example="http://localhost:1/orders/1"),
     {"type": "MockServerURL", "regex": r".*(/orders/\d+)$",
      "example": "http://localhost:1/orders/1"}),
])
def test_generator_json(made: AbstractGenerator, expected: dict[str, object]) -> None:
    assert as_json(made) == expected
    integration = made.to_integration_json()
    assert integration["pact:generator:type"] == expected["type"]


def test_drawn_examples_have_the_right_shape() -> None:
    body = {"i": generate.int(min=3, max=4), "h": generate.hex(6), "s": generate.str(5),
            "u": generate.uuid(), "r": generate.regex(r"[a-c]{4}"), "b": generate.bool(),
            "f": generate.float(3)}
    result = split(body)
    ex = result.example
    assert ex["i"] in (3, 4)
    assert re.fullmatch(r"[0-9a-fA-F]{6}", ex["h"])
    assert len(ex["s"]) == 5
    assert re.fullmatch(r"[0-9a-f-]{36}", ex["u"])
    assert re.fullmatch(r"[a-c]{4}", ex["r"])
    assert isinstance(ex["b"], bool)
    assert isinstance(ex["f"], float)
    assert set(result.generators) == {f"$.{k}" for k in body}
    assert result.rules == {}


def test_refusals() -> None:
    with pytest.raises(TypeError, match="min"):
        generate.int(min="1")  # type: ignore[arg-type]
    with pytest.raises(PactDefinitionError, match="greater than max"):
        generate.int(min=5, max=1)
    with pytest.raises(TypeError, match="size"):
        generate.str(2.5)  # type: ignore[arg-type]
    with pytest.raises(PactDefinitionError, match=r"generate\.regex"):
        generate.regex(r"(?=x)y")
    with pytest.raises(TypeError):
        generate.regex(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="format"):
        generate.uuid("curly")  # type: ignore[arg-type]
    with pytest.raises(PactDefinitionError, match="example"):
        generate.mock_server_url(regex=".*")
    with pytest.raises(PactDefinitionError, match="%w"):
        generate.date("%w")
    with pytest.raises(TypeError, match="expression"):
        generate.provider_state(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        GenericGenerator("")


def test_generic_generator() -> None:
    g = GenericGenerator("RandomInt", {"min": 1}, max=3)
    assert g.to_generator_json() == {"type": "RandomInt", "min": 1, "max": 3}
    assert g == GenericGenerator("RandomInt", min=1, max=3)
    assert hash(g) == hash(GenericGenerator("RandomInt", min=1, max=3))
    assert "RandomInt" in repr(g)


@pytest.mark.parametrize(("python", "java"), [
    ("%Y-%m-%d", "yyyy-MM-dd"),
    ("%Y-%m-%dT%H:%M:%S%z", "yyyy-MM-dd'T'HH:mm:ssZ"),
    ("%H:%M:%S.%f", "HH:mm:ss.SSSSSS"),
    ("%I:%M %p", "hh:mm a"),
    ("%a, %d %b %Y", "EEE, dd MMM yyyy"),
    ("%A %B %j %y %Z", "EEEE MMMM DDD yy z"),
    ("%Y-%m-%d %:z", "yyyy-MM-dd XXX"),
    ("at %H o'clock", "'at' HH 'o''clock'"),
    ("%H'%M", "HH''''mm"),
    ("100%% %Y", "100% yyyy"),
    ("[%Y]", "'['yyyy']'"),
])
def test_strftime_to_java(python: str, java: str) -> None:
    assert strftime_to_java(python) == java


@pytest.mark.parametrize("bad", ["%c", "%x", "%X", "%w", "%Q", "%Y-%"])
def test_strftime_to_java_refuses(bad: str) -> None:
    with pytest.raises(PactDefinitionError):
        strftime_to_java(bad)


def test_week_numbers_warn() -> None:
    with pytest.warns(UserWarning, match="locale"):
        strftime_to_java("%Y-%W")
