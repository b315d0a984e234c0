"""Response generators, pure: each type, formats, expressions, regexes, bodies, bad input.

Every test fixes the randomness (a seed) and the clock (a frozen "now"), so a failure
reproduces exactly.
"""

from __future__ import annotations

import re
import string
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
import pytest

from pactpool_worker.errors import PactLoadError
from pactpool_worker.generators import (
    Constant,
    GeneratorContext,
    GeneratorDefinitionError,
    compile_generator,
    compile_response_generators,
)
from pactpool_worker.generators.date_expression import DateExpressionError, compile_expression
from pactpool_worker.generators.date_format import DateFormatError, compile_format
from pactpool_worker.generators.regex import RegexGeneratorError, compile_regex
from pactpool_worker.pact.model import Body, BodyState, Interaction, Pact, Response
from pactpool_worker.service.logbook import Logbook
from pactpool_worker.service.mock import MockOptions, MockService

NOW = datetime(2000, 1, 1, 10, 0, 0, tzinfo=timezone.utc)
URL = "http://127.0.0.1:4321"
WHERE = "$.interactions[0].response.generators"


def context(seed: int = 7, now: datetime = NOW, url: str | None = URL) -> GeneratorContext:
    return GeneratorContext.fixed(seed=seed, now=now, mock_server_url=url)


def produce(definition: dict[str, Any], example: Any = "x", seed: int = 7,
            now: datetime = NOW) -> Any:
    binding = compile_generator(definition, context(seed, now)).bind(example)
    if isinstance(binding, Constant):
        return binding.value
    assert binding is not None
    return binding()


def json_response(body: Any, generators: dict[str, Any], status: int = 200,
                  headers: dict[str, list[str]] | None = None) -> Response:
    return Response(status=status,
                    headers={"Content-Type": ["application/json"], **(headers or {})},
                    body=Body(BodyState.PRESENT, orjson.dumps(body), "application/json"),
                    generators=generators)


def render_body(response: Response, seed: int = 7) -> Any:
    plan = compile_response_generators(response, WHERE, context(seed))
    assert plan is not None
    assert callable(plan.body)
    return orjson.loads(plan.body())


# --- each generator type: value, JSON type, shape ---------------------------------------

UUID_SHAPES = {
    "simple": r"[0-9a-f]{32}",
    "lower-case-hyphenated": r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
    "upper-case-hyphenated": r"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}",
    "URN": r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
}

TYPE_CASES: list[tuple[str, dict[str, Any], Any, type, str | None]] = [
    # name, definition, example, JSON type of the result, shape of its text
    ("RandomInt number", {"type": "RandomInt", "min": 5, "max": 9}, 1, int, r"[5-9]"),
    ("RandomInt string", {"type": "RandomInt", "min": 5, "max": 9}, "1", str, r"[5-9]"),
    ("RandomInt defaults", {"type": "RandomInt"}, 1, int, r"\d|10"),
    ("RandomDecimal string", {"type": "RandomDecimal", "digits": 6}, "1.5", str,
     r"(?=[\d.]{7}$)([1-9]\d*|\d)\.\d+"),
    ("RandomDecimal number", {"type": "RandomDecimal", "digits": 4}, 1.5, float, None),
    ("RandomDecimal one digit", {"type": "RandomDecimal", "digits": 1}, "1", str, r"\d"),
    ("RandomHexadecimal", {"type": "RandomHexadecimal", "digits": 12}, "a", str,
     r"[0-9A-F]{12}"),
    ("RandomHexadecimal default", {"type": "RandomHexadecimal"}, "a", str, r"[0-9A-F]{10}"),
    ("RandomString", {"type": "RandomString", "size": 20}, "a", str, r"[A-Za-z0-9]{20}"),
    ("RandomString empty", {"type": "RandomString", "size": 0}, "a", str, r""),
    ("Regex", {"type": "Regex", "regex": r"\d{3}-[A-Z]{2}"}, "a", str, r"\d{3}-[A-Z]{2}"),
    ("Uuid default", {"type": "Uuid"}, "a", str, UUID_SHAPES["lower-case-hyphenated"]),
    *[(f"Uuid {style}", {"type": "Uuid", "format": style}, "a", str, shape)
      for style, shape in UUID_SHAPES.items()],
    ("RandomBoolean", {"type": "RandomBoolean"}, True, bool, None),
    ("Date default", {"type": "Date"}, "a", str, r"2000-01-01"),
    ("Time default", {"type": "Time"}, "a", str, r"10:00:00"),
    ("DateTime default", {"type": "DateTime"}, "a", str, r"2000-01-01T10:00:00\.000\+0000"),
    ("Date format and expression", {"type": "Date", "format": "dd/MM/yyyy",
                                    "expression": "+1 day"}, "a", str, r"02/01/2000"),
    ("Time expression", {"type": "Time", "expression": "now + 2 hours"}, "a", str,
     r"12:00:00"),
    ("DateTime expression", {"type": "DateTime", "format": "yyyy-MM-dd'T'HH:mm:ss",
                             "expression": "tomorrow @ 10 o'clock"}, "a", str,
     r"2000-01-02T22:00:00"),
    ("DateTime time-only expression", {"type": "DateTime", "format": "yyyy-MM-dd HH:mm",
                                       "expression": "now + 2 hours"}, "a", str,
     r"2000-01-01 12:00"),
    ("MockServerURL", {"type": "MockServerURL", "example": "http://localhost:8080/orders/12",
                       "regex": r".*(/orders/\d+)$"}, "a", str,
     re.escape(URL) + r"/orders/12"),
    ("MockServerURL without a group", {"type": "MockServerURL", "example": "http://x:1/a",
                                       "regex": r"http://[^/]+"}, "a", str,
     re.escape(URL) + "/a"),
]


@pytest.mark.parametrize(("name", "definition", "example", "kind", "shape"), TYPE_CASES,
                         ids=[case[0] for case in TYPE_CASES])
def test_each_generator_gives_its_type_and_shape(name: str, definition: dict[str, Any],
                                                 example: Any, kind: type,
                                                 shape: str | None) -> None:
    for seed in range(20):
        value = produce(definition, example, seed)
        assert type(value) is kind, (seed, value)
        if shape is not None:
            assert re.fullmatch(shape, str(value)), (seed, value)


def test_random_int_covers_its_bounds_and_never_leaves_them() -> None:
    definition = {"type": "RandomInt", "min": -2, "max": 2}
    draw = compile_generator(definition, context()).bind(0)
    assert callable(draw)
    seen = {draw() for _ in range(500)}
    assert seen == {-2, -1, 0, 1, 2}


def test_random_decimal_keeps_its_digit_count_and_no_leading_zero() -> None:
    for seed in range(200):
        value = produce({"type": "RandomDecimal", "digits": 5}, "0", seed)
        assert value.count(".") == 1
        assert len(value.replace(".", "")) == 5
        whole = value.split(".")[0]
        assert whole == "0" or not whole.startswith("0"), value


def test_random_boolean_gives_both_values() -> None:
    draw = compile_generator({"type": "RandomBoolean"}, context()).bind(False)
    assert callable(draw)
    assert {draw() for _ in range(100)} == {True, False}


def test_the_same_seed_gives_the_same_values_and_another_seed_others() -> None:
    definition = {"type": "Uuid"}
    assert produce(definition, seed=1) == produce(definition, seed=1)
    assert produce(definition, seed=1) != produce(definition, seed=2)


def test_consumer_mode_keeps_provider_state_examples() -> None:
    definition = {"type": "ProviderState", "expression": "${id}"}
    assert compile_generator(definition, context()).bind(42) is None


def test_mock_server_url_is_computed_once_and_kept_without_a_server() -> None:
    definition = {"type": "MockServerURL", "example": "http://localhost:1/x",
                  "regex": r"http://localhost:1"}
    assert isinstance(compile_generator(definition, context()).bind("a"), Constant)
    binding = compile_generator(definition, context(url=None)).bind("a")
    assert binding == Constant("http://localhost:1/x")


# --- regexes ------------------------------------------------------------------------------

REGEXES = [
    r"\d+", r"[a-z]{3,5}", r"(foo|bar)-\d{2}", r"^[A-Z][a-z]*$", r"[^\s\"]+",
    r"\w+@\w+\.(com|org)", r"(?i)[^a]{3}", r"(?!0)\d{2}", r"\bword\b", r"(\d)\1",
    r"(?P<year>\d{4})-(?P=year)", r"[\u00e0-\u00ff]{2}", r"[^\x00-\x7f]", r"\S\W\D",
    r"colou?r", r".*", r"x{2,}", r"(a|b)?c+?", r"[A-F0-9]{8}(-[A-F0-9]{4}){3}",
    r"(?:\+|-)?\d{1,3}(\.\d{1,2})?", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}",
]


@pytest.mark.parametrize("pattern", REGEXES)
def test_regex_outputs_match_their_regex_over_many_seeds(pattern: str) -> None:
    generator = compile_regex(pattern)
    compiled = re.compile(pattern)
    for seed in range(200):
        text = produce({"type": "Regex", "regex": pattern}, seed=seed)
        assert compiled.fullmatch(text), (seed, text)
    import random
    rng = random.Random(3)
    assert len({generator.draw(rng) for _ in range(50)}) > 1 or pattern in (r"\bword\b",)


def test_unbounded_repetition_is_bounded() -> None:
    generator = compile_regex(r"a*b+")
    import random
    rng = random.Random(0)
    lengths = [len(generator.draw(rng)) for _ in range(300)]
    assert max(lengths) <= 10 + 11
    assert min(lengths) >= 1


@pytest.mark.parametrize("pattern", ["(unclosed", "a$b", "(?<=x)y", "[z-a]"])
def test_a_regex_that_cannot_be_honoured_is_refused(pattern: str) -> None:
    with pytest.raises(RegexGeneratorError):
        compile_regex(pattern)


# --- date formats ---------------------------------------------------------------------

STAMP = datetime(2001, 7, 4, 12, 8, 56, 235000, tzinfo=timezone(timedelta(hours=-7)))

FORMATS = [
    ("yyyy-MM-dd", "2001-07-04"),
    ("yyyy-MM-dd'T'HH:mm:ss", "2001-07-04T12:08:56"),
    ("yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2001-07-04T12:08:56.235-0700"),
    ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2001-07-04T12:08:56.235-07:00"),
    ("EEE, MMM d, ''yy", "Wed, Jul 4, '01"),
    ("h:mm a", "12:08 PM"),
    ("hh 'o''clock' a", "12 o'clock PM"),
    ("K:mm a", "0:08 PM"),
    ("yyyyy.MMMMM.dd GGG hh:mm a", "02001.J.04 AD 12:08 PM"),
    ("EEE, d MMM yyyy HH:mm:ss Z", "Wed, 4 Jul 2001 12:08:56 -0700"),
    ("yyMMddHHmmssZ", "010704120856-0700"),
    ("EEEE d MMMM", "Wednesday 4 July"),
    ("YYYY-'W'ww-e", "2001-W27-3"),
    ("D QQQ QQQQ", "185 Q3 3rd quarter"),
    ("S SS SSSSSS", "2 23 235000"),
    ("kk:mm X x OOOO O", "12:08 -07 -07 GMT-07:00 GMT-7"),
    ("[yyyy]", "2001"),
]


@pytest.mark.parametrize(("pattern", "expected"), FORMATS, ids=[f[0] for f in FORMATS])
def test_java_style_formats(pattern: str, expected: str) -> None:
    assert compile_format(pattern).format(STAMP) == expected


def test_utc_offsets_write_z_where_java_does() -> None:
    utc = STAMP.replace(tzinfo=timezone.utc)
    assert compile_format("XXX|xxx|Z|ZZZZZ|ZZZZ").format(utc) == "Z|+00:00|+0000|Z|GMT"


@pytest.mark.parametrize("pattern", ["yyyy-MM-ddTHH", "'unclosed", "ddd", "aa", "{x}", "bb",
                                     "HHH", "OO"])
def test_bad_formats_are_refused(pattern: str) -> None:
    with pytest.raises(DateFormatError):
        compile_format(pattern)


# --- date/time expressions (the reference's own table, base 2000-01-01T10:00Z) -------------

EXPRESSIONS = [
    ("", "2000-01-01T10:00"), ("now", "2000-01-01T10:00"), ("today", "2000-01-01T10:00"),
    ("yesterday", "1999-12-31T10:00"), ("tomorrow", "2000-01-02T10:00"),
    ("+ 1 day", "2000-01-02T10:00"), ("+1 day", "2000-01-02T10:00"),
    ("+ 1 week", "2000-01-08T10:00"), ("- 2 weeks", "1999-12-18T10:00"),
    ("+ 4 years", "2004-01-01T10:00"), ("tomorrow+ 4 years", "2004-01-02T10:00"),
    ("next week", "2000-01-08T10:00"), ("last month", "1999-12-01T10:00"),
    ("next fortnight", "2000-01-15T10:00"), ("next monday", "2000-01-03T10:00"),
    ("last wednesday", "1999-12-29T10:00"), ("next mon", "2000-01-03T10:00"),
    ("last december", "1999-12-01T10:00"), ("next jan", "2001-01-01T10:00"),
    ("next june + 2 weeks", "2000-06-15T10:00"), ("last mon + 2 weeks", "2000-01-10T10:00"),
    ("+ 1 day - 2 weeks", "1999-12-19T10:00"),
    ("last december + 2 weeks + 4 days", "1999-12-19T10:00"),
    ("@ now", "2000-01-01T10:00"), ("@ midnight", "2000-01-01T00:00"),
    ("@ noon", "2000-01-01T12:00"), ("@ 2 o'clock", "2000-01-01T14:00"),
    ("@ 12 o'clock am", "2000-01-01T12:00"), ("@ 1 o'clock pm", "2000-01-01T13:00"),
    ("@ + 1 hour", "2000-01-01T11:00"), ("@ - 2 minutes", "2000-01-01T09:58"),
    ("@ + 4 seconds", "2000-01-01T10:00:04"),
    ("@ + 4 milliseconds", "2000-01-01T10:00:00.004"),
    ("@ midnight+ 4 minutes", "2000-01-01T00:04"), ("@ next hour", "2000-01-01T11:00"),
    ("@ last minute", "2000-01-01T09:59"),
    ("@ now + 2 hours - 4 minutes", "2000-01-01T11:56"),
    ("@  + 2 hours - 4 minutes", "2000-01-01T11:56"),
    ("today @ 1 o'clock", "2000-01-01T13:00"), ("yesterday @ midnight", "1999-12-31T00:00"),
    ("yesterday @ midnight - 1 hour", "1999-12-30T23:00"),
    ("tomorrow @ now", "2000-01-02T10:00"), ("+ 1 day @ noon", "2000-01-02T12:00"),
    ("+ 1 week @ +1 hour", "2000-01-08T11:00"),
    ("- 2 weeks @ now + 1 hour", "1999-12-18T11:00"),
    ("+ 4 years @ midnight", "2004-01-01T00:00"),
    ("tomorrow+ 4 years @ 3 o'clock + 40 milliseconds", "2004-01-02T15:00:00.040"),
    ("next week @ next hour", "2000-01-08T11:00"),
    ("last month @ last hour", "1999-12-01T09:00"),
    ("tomorrow @ 10 o'clock", "2000-01-02T22:00"),
    ("now + 2 hours", "2000-01-01T12:00"),
    ("Tomorrow", "2000-01-02T10:00"),
]


@pytest.mark.parametrize(("expression", "expected"), EXPRESSIONS,
                         ids=[e[0] or "empty" for e in EXPRESSIONS])
def test_expressions_against_a_fixed_now(expression: str, expected: str) -> None:
    result = compile_expression(expression, "date").apply(NOW)
    shown = result.replace(tzinfo=None).isoformat(timespec="milliseconds")
    assert shown.removesuffix(":00.000").removesuffix(".000") == expected


def test_month_arithmetic_clamps_to_the_last_day() -> None:
    jan31 = datetime(2000, 1, 31, tzinfo=timezone.utc)
    assert compile_expression("+1 month", "date").apply(jan31).date().isoformat() == \
        "2000-02-29"
    leap = datetime(2000, 2, 29, tzinfo=timezone.utc)
    assert compile_expression("+1 year", "date").apply(leap).date().isoformat() == "2001-02-28"


@pytest.mark.parametrize("expression", ["not valid", "now today", "44 o'clock",
                                        "midnight 2 week", "+1 fortnights", "+ day", "next",
                                        "tomorrow @ soon"])
def test_bad_expressions_are_refused(expression: str) -> None:
    with pytest.raises(DateExpressionError):
        compile_expression(expression, "date")


# --- bad definitions: refused at load with the path -------------------------------------

BAD: list[tuple[str, dict[str, Any], str]] = [
    ("min above max", {"type": "RandomInt", "min": 10, "max": 1}, "greater than max"),
    ("min not a number", {"type": "RandomInt", "min": "low"}, "whole number"),
    ("negative digits", {"type": "RandomDecimal", "digits": -1}, "digits"),
    ("zero decimal digits", {"type": "RandomDecimal", "digits": 0}, "digits"),
    ("negative hex digits", {"type": "RandomHexadecimal", "digits": -3}, "digits"),
    ("negative size", {"type": "RandomString", "size": -1}, "size"),
    ("bad regex", {"type": "Regex", "regex": "(unclosed"}, "regular expression"),
    ("no regex", {"type": "Regex"}, "regex"),
    ("bad uuid format", {"type": "Uuid", "format": "braces"}, "format"),
    ("bad date format", {"type": "Date", "format": "yyyy-bb"}, "pattern letter"),
    ("bad expression", {"type": "DateTime", "expression": "the day after"}, "expression"),
    ("bad MockServerURL regex", {"type": "MockServerURL", "example": "x", "regex": "("},
     "regular expression"),
    ("unknown type", {"type": "Plugin42"}, "unknown generator type"),
    ("no type", {"min": 1}, "type"),
]


@pytest.mark.parametrize(("name", "definition", "word"), BAD, ids=[b[0] for b in BAD])
def test_bad_definitions_are_refused_with_their_path(name: str, definition: dict[str, Any],
                                                     word: str) -> None:
    with pytest.raises(GeneratorDefinitionError, match=word):
        compile_generator(definition, context())
    response = json_response({"id": 1}, {"body": {"$.id": definition}})
    with pytest.raises(PactLoadError) as failure:
        compile_response_generators(response, WHERE, context())
    assert failure.value.json_path == f"{WHERE}.body.$.id"


@pytest.mark.parametrize(("generators", "path", "word"), [
    ({"header": {"X-Id": {"type": "Nope"}}}, f"{WHERE}.header.X-Id", "unknown"),
    ({"status": {"type": "Uuid"}}, f"{WHERE}.status", "RandomInt"),
    ({"status": {"type": "RandomInt", "min": 0, "max": 700}}, f"{WHERE}.status", "within"),
    ({"body": {"id": {"type": "Uuid"}}}, f"{WHERE}.body.id", "path"),
    ({"body": ["not", "an", "object"]}, f"{WHERE}.body", "object"),
])
def test_bad_categories_name_their_path(generators: dict[str, Any], path: str,
                                        word: str) -> None:
    response = json_response({"id": 1}, generators, headers={"X-Id": ["1"]})
    with pytest.raises(PactLoadError, match=word) as failure:
        compile_response_generators(response, WHERE, context())
    assert failure.value.json_path == path


# --- bodies ---------------------------------------------------------------------------------

def test_body_paths_of_the_jsonpath_subset() -> None:
    body = {"a": {"b": 1}, "items": [{"id": 1}, {"id": 2}], "odd key": "x", "list": [5, 6],
            "keep": {"deep": [1]}}
    response = json_response(body, {"body": {
        "$.a.b": {"type": "RandomInt", "min": 100, "max": 200},
        "$.items[*].id": {"type": "Uuid"},
        "$['odd key']": {"type": "RandomString", "size": 4},
        "$.list[1]": {"type": "RandomBoolean"},
        "$.missing.path": {"type": "RandomInt"},
    }})
    out = render_body(response)
    assert 100 <= out["a"]["b"] <= 200
    assert all(re.fullmatch(UUID_SHAPES["lower-case-hyphenated"], i["id"]) for i in out["items"])
    assert out["items"][0]["id"] != out["items"][1]["id"]
    assert len(out["odd key"]) == 4
    assert out["list"][0] == 5 and isinstance(out["list"][1], bool)
    assert out["keep"] == {"deep": [1]}
    assert "missing" not in out


def test_a_root_array_and_the_whole_body() -> None:
    rows = json_response([{"id": 1}, {"id": 2}], {"body": {"$[0].id": {"type": "RandomInt",
                                                                     "min": 7, "max": 7}}})
    assert render_body(rows) == [{"id": 7}, {"id": 2}]
    whole = json_response({"id": 1}, {"body": {"$": {"type": "RandomString", "size": 3}}})
    value = render_body(whole)
    assert isinstance(value, str) and len(value) == 3


def test_the_example_is_never_modified_between_requests() -> None:
    body = {"outer": {"inner": {"id": 1, "same": [1, 2]}}, "other": {"x": 1}}
    response = json_response(body, {"body": {"$.outer.inner.id": {"type": "RandomInt",
                                                                  "min": 10, "max": 99}}})
    plan = compile_response_generators(response, WHERE, context())
    assert plan is not None and callable(plan.body)
    seen = {orjson.loads(plan.body())["outer"]["inner"]["id"] for _ in range(50)}
    assert len(seen) > 1
    assert orjson.loads(response.body.content) == body


def test_shallower_paths_apply_first_and_deeper_ones_skip_what_is_gone() -> None:
    response = json_response({"a": {"b": 1}}, {"body": {
        "$.a.b": {"type": "RandomInt", "min": 5, "max": 5},
        "$.a": {"type": "RandomString", "size": 2},
    }})
    out = render_body(response)
    assert isinstance(out["a"], str) and len(out["a"]) == 2


def test_a_string_example_stays_a_string_and_a_number_a_number() -> None:
    response = json_response({"n": 1, "s": "1", "d": 1.5, "ds": "1.5"}, {"body": {
        "$.n": {"type": "RandomInt"}, "$.s": {"type": "RandomInt"},
        "$.d": {"type": "RandomDecimal", "digits": 3},
        "$.ds": {"type": "RandomDecimal", "digits": 3},
    }})
    out = render_body(response)
    assert isinstance(out["n"], int) and isinstance(out["s"], str)
    assert isinstance(out["d"], float) and isinstance(out["ds"], str)


def test_a_non_json_body_is_served_as_written_with_a_note() -> None:
    response = Response(status=200, headers={"Content-Type": ["text/plain"]},
                        body=Body(BodyState.PRESENT, b"hello", "text/plain"),
                        generators={"body": {"$": {"type": "RandomString"}}})
    plan = compile_response_generators(response, WHERE, context())
    assert plan is not None and plan.body is None and not plan.per_request
    assert "JSON and XML bodies only" in plan.notes[0]


# --- headers and status -----------------------------------------------------------------

def test_header_and_status_generators_replace_the_value() -> None:
    response = json_response({"id": 1}, {
        "status": {"type": "RandomInt", "min": 201, "max": 203},
        "header": {"x-request-id": {"type": "Uuid", "format": "simple"},
                   "X-Count": {"type": "RandomInt", "min": 1, "max": 3},
                   "X-Absent": {"type": "Uuid"}},
    }, headers={"X-Request-Id": ["abc"], "X-Count": ["1"]})
    plan = compile_response_generators(response, WHERE, context())
    assert plan is not None and callable(plan.status)
    assert 201 <= plan.status() <= 203
    request_id, count = plan.headers["X-Request-Id"], plan.headers["X-Count"]
    assert callable(request_id) and callable(count)
    assert re.fullmatch(UUID_SHAPES["simple"], request_id())
    assert count() in {"1", "2", "3"}
    assert any("X-Absent" in note for note in plan.notes)


def test_request_only_categories_are_ignored() -> None:
    response = json_response({"id": 1}, {"path": {"type": "Regex", "regex": "/x"},
                                         "query": {"a": {"type": "RandomInt"}}})
    plan = compile_response_generators(response, WHERE, context())
    assert plan is not None and not plan.per_request and not plan.notes


# --- the mock service: prebuilt unless something is drawn per request --------------------

def pact_of(*responses: Response) -> Pact:
    interactions = [Interaction(i, f"i{i}", [], "Synchronous/HTTP", None, r, {})
                    for i, r in enumerate(responses)]
    return Pact("c", "p", "3.0.0", interactions, {}, {})


def test_responses_without_generators_stay_prebuilt() -> None:
    plain = json_response({"id": 1}, {})
    url_only = json_response({"self": "http://localhost:1/x"}, {"body": {
        "$.self": {"type": "MockServerURL", "example": "http://localhost:1/x",
                   "regex": r"http://localhost:1"}}})
    keep = json_response({"id": 1}, {"body": {"$.id": {"type": "ProviderState",
                                                       "expression": "${id}"}}})
    service = MockService(pact_of(plain, url_only, keep), MockOptions(), Logbook(), context())
    assert service._generated == {}
    interaction = service.pact.interactions[1]
    assert service._matched_response(interaction) is service._matched_response(interaction)
    assert orjson.loads(service._responses[1][2]) == {"self": URL + "/x"}
    assert orjson.loads(service._responses[2][2]) == {"id": 1}


def test_generated_responses_draw_fresh_values_per_request() -> None:
    response = json_response({"id": "x"}, {"body": {"$.id": {"type": "Uuid"}}},
                             headers={"X-Id": ["1"]})
    response.generators = {**(response.generators or {}),
                           "header": {"X-Id": {"type": "RandomString", "size": 8}}}
    service = MockService(pact_of(response), MockOptions(), Logbook(), context())
    interaction = service.pact.interactions[0]
    first, second = (service._matched_response(interaction) for _ in range(2))
    assert first[2] != second[2]
    assert dict(first[1])["X-Id"] != dict(second[1])["X-Id"]
    assert dict(first[1])["Content-Type"] == "application/json"


def test_a_bad_generator_fails_the_service_at_load_with_the_interaction_path() -> None:
    bad = json_response({"id": 1}, {"body": {"$.id": {"type": "RandomInt", "min": 3,
                                                      "max": 1}}})
    with pytest.raises(PactLoadError) as failure:
        MockService(pact_of(json_response({}, {}), bad), MockOptions(), Logbook(), context())
    assert failure.value.json_path == "$.interactions[1].response.generators.body.$.id"


def test_header_values_cannot_smuggle_line_breaks() -> None:
    response = json_response({}, {"header": {"X-A": {"type": "Regex", "regex": r"a\sb"}}},
                             headers={"X-A": ["1"]})
    service = MockService(pact_of(response), MockOptions(), Logbook(), context())
    for _ in range(20):
        value = dict(service._matched_response(service.pact.interactions[0])[1])["X-A"]
        assert "\r" not in value and "\n" not in value
        assert set(value) <= set(string.printable)
