"""pactpool.consumer.match: every function's rule, example and generator, and its refusals."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest

from pactpool.consumer import generate, match
from pactpool.consumer._split import split
from pactpool.consumer.match.matcher import (
    AbstractMatcher,
    AndMatcher,
    ArrayContainsMatcher,
    EachKeyMatcher,
    EachValueMatcher,
    GenericMatcher,
    IntegrationJSONEncoder,
    MatchingRuleJSONEncoder,
)
from pactpool.errors import PactDefinitionError


def rules_at(value: Any, path: str = "$") -> list[dict[str, Any]]:
    matchers: list[dict[str, Any]] = split(value).rules[path]["matchers"]
    return matchers


def example(value: Any) -> Any:
    return split(value).example


def generator_at(value: Any, path: str = "$") -> dict[str, Any] | None:
    return split(value).generators.get(path)


# ---- numbers ----


def test_int_with_value() -> None:
    m = match.int(42)
    assert rules_at(m) == [{"match": "integer"}]
    assert example(m) == 42
    assert generator_at(m) is None
    assert m.has_value()


def test_int_without_value_draws_from_its_range() -> None:
    m = match.integer(min=5, max=9)
    assert generator_at(m) == {"type": "RandomInt", "min": 5, "max": 9}
    assert 5 <= example(m) <= 9
    assert not m.has_value()
    assert example(m) == example(match.int(min=5, max=9))  # reproducible


def test_int_refuses_wrong_types() -> None:
    with pytest.raises(TypeError, match="value"):
        match.int("1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="value"):
        match.int(True)
    with pytest.raises(TypeError, match="min"):
        match.int(min="0")  # type: ignore[arg-type]


def test_float_writes_a_decimal_rule_and_a_float_example() -> None:
    assert rules_at(match.float(1.5)) == [{"match": "decimal"}]
    assert example(match.decimal(10)) == 10.0
    assert isinstance(example(match.float(10)), float)
    assert example(match.float(Decimal("2.25"))) == 2.25
    drawn = match.float(precision=4)
    assert generator_at(drawn) == {"type": "RandomDecimal", "digits": 4}
    assert isinstance(example(drawn), float)
    with pytest.raises(TypeError, match="value"):
        match.float("1.5")  # type: ignore[arg-type]


def test_number() -> None:
    assert rules_at(match.number(3)) == [{"match": "number"}]
    assert example(match.number(2.5)) == 2.5
    assert example(match.number(Decimal("7"))) == 7
    ranged = match.number(min=1, max=3)
    assert generator_at(ranged) == {"type": "RandomInt", "min": 1, "max": 3}
    assert 1 <= example(ranged) <= 3
    assert generator_at(match.number(precision=3)) == {"type": "RandomDecimal", "digits": 3}
    with pytest.raises(ValueError, match="min, max, or precision"):
        match.number()
    with pytest.raises(TypeError):
        match.number("3")  # type: ignore[call-overload]
    with pytest.warns(UserWarning, match="precision"):
        match.number(3, precision=2)


# ---- strings ----


def test_str() -> None:
    assert rules_at(match.str("Ann")) == [{"match": "type"}]
    assert example(match.string("Ann")) == "Ann"
    unset = match.str(size=6)
    assert example(unset) == "string"  # pact-python's placeholder example
    assert generator_at(unset) == {"type": "RandomString", "size": 6}
    custom = match.str(generator=generate.regex(r"[a-z]{3}"))
    assert generator_at(custom) == {"type": "Regex", "regex": "[a-z]{3}"}
    with pytest.raises(TypeError, match="value"):
        match.str(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="generator"):
        match.str(generator="x")  # type: ignore[arg-type]
    with pytest.warns(UserWarning):
        match.str("a", size=3)


def test_regex() -> None:
    m = match.regex("X123", regex=r"[A-Z]\d+")
    assert rules_at(m) == [{"match": "regex", "regex": r"[A-Z]\d+"}]
    assert example(m) == "X123"
    drawn = match.regex(regex=r"[A-Z]{2}-\d{3}")
    assert re.fullmatch(r"[A-Z]{2}-\d{3}", example(drawn))
    assert generator_at(drawn) == {"type": "Regex", "regex": r"[A-Z]{2}-\d{3}"}


def test_regex_example_must_match() -> None:
    with pytest.raises(PactDefinitionError) as info:
        match.regex("abc", regex=r"\d+")
    assert str(info.value) == ("match.regex: the example 'abc' does not match its own rule: "
                               "Expected 'abc' to match '\\d+'")


def test_regex_refusals() -> None:
    with pytest.raises(ValueError, match="regex="):
        match.regex("abc")
    with pytest.raises(PactDefinitionError, match="does not compile"):
        match.regex("1", regex=r"(\d")
    with pytest.raises(TypeError, match="regex"):
        match.regex("1", regex=5)  # type: ignore[arg-type]


@pytest.mark.parametrize(("fmt", "good", "bad"), [
    (None, "550E8400-E29B-41D4-A716-446655440000", "550e8400e29b41d4a716446655440000"),
    ("lowercase", "550e8400-e29b-41d4-a716-446655440000", "550E8400-E29B-41D4-A716-446655440000"),
    ("uppercase", "550E8400-E29B-41D4-A716-446655440000", "550e8400-e29b-41d4-a716-446655440000"),
    ("simple", "550e8400e29b41d4a716446655440000", "550e8400-e29b-41d4-a716-446655440000"),
    ("urn", "urn:uuid:550e8400-e29b-41d4-a716-446655440000",
     "550e8400-e29b-41d4-a716-446655440000"),
])
def test_uuid_formats(fmt: Any, good: str, bad: str) -> None:
    assert example(match.uuid(good, format=fmt)) == good
    with pytest.raises(PactDefinitionError, match=r"match\.uuid"):
        match.uuid(bad, format=fmt)
    drawn = match.uuid(format=fmt)
    pattern = rules_at(drawn)[0]["regex"]
    assert re.fullmatch(pattern, example(drawn))


def test_uuid_generator_uses_reference_format_names() -> None:
    assert generator_at(match.uuid(format="urn")) == {"type": "Uuid", "format": "URN"}
    assert generator_at(match.uuid()) == {"type": "Uuid", "format": "lower-case-hyphenated"}
    with pytest.raises(ValueError, match="format"):
        match.uuid(format="braces")  # type: ignore[arg-type]


def test_includes() -> None:
    m = match.includes("ell")
    assert rules_at(m) == [{"match": "include", "value": "ell"}]
    assert example(m) == "ell"
    with pytest.raises(TypeError):
        match.includes(3)  # type: ignore[arg-type]


# ---- booleans, null ----


def test_bool_and_null() -> None:
    assert rules_at(match.bool(True)) == [{"match": "boolean"}]
    assert example(match.boolean(False)) is False
    assert generator_at(match.bool()) == {"type": "RandomBoolean"}
    assert isinstance(example(match.bool()), bool)
    with pytest.raises(TypeError):
        match.bool(1)  # type: ignore[arg-type]
    for m in (match.none(), match.null()):
        assert rules_at(m) == [{"match": "null"}]
        assert example(m) is None


# ---- dates ----


def test_date() -> None:
    m = match.date("2024-07-20")
    assert rules_at(m) == [{"match": "date", "format": "yyyy-MM-dd"}]
    custom = match.date(dt.date(2024, 7, 20), "%d/%m/%Y")
    assert example(custom) == "20/07/2024"
    assert rules_at(custom)[0]["format"] == "dd/MM/yyyy"
    drawn = match.date()
    assert generator_at(drawn) == {"type": "Date", "format": "yyyy-MM-dd"}
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", example(drawn))
    java = match.date("20.07.2024", "dd.MM.yyyy", disable_conversion=True)
    assert rules_at(java)[0]["format"] == "dd.MM.yyyy"
    with pytest.raises(PactDefinitionError, match=r"match\.date"):
        match.date("2024/07/20")
    with pytest.raises(TypeError, match="disable_conversion"):
        match.date(dt.date(2024, 7, 20), disable_conversion=True)


def test_time() -> None:
    assert rules_at(match.time("14:30:00")) == [{"match": "time", "format": "HH:mm:ss"}]
    assert example(match.time(dt.time(9, 5), "%I:%M %p")) == "09:05 AM"
    assert rules_at(match.time("09:05 AM", "%I:%M %p"))[0]["format"] == "hh:mm a"
    assert generator_at(match.time()) == {"type": "Time", "format": "HH:mm:ss"}
    with pytest.raises(PactDefinitionError):
        match.time("25:00:00")


def test_datetime() -> None:
    m = match.datetime("2024-07-20T14:30:00+0000")
    assert rules_at(m) == [{"match": "datetime", "format": "yyyy-MM-dd'T'HH:mm:ssZ"}]
    aware = dt.datetime(2024, 7, 20, 14, 30, tzinfo=dt.timezone.utc)
    assert example(match.timestamp(aware)) == "2024-07-20T14:30:00+0000"
    naive = match.datetime(dt.datetime(2024, 7, 20, 14, 30))
    assert example(naive) == "2024-07-20T14:30:00"
    assert rules_at(naive)[0]["format"] == "yyyy-MM-dd'T'HH:mm:ss"
    fractional = match.datetime("2024-07-20 14:30:00.123456", "%Y-%m-%d %H:%M:%S.%f")
    assert rules_at(fractional)[0]["format"] == "yyyy-MM-dd HH:mm:ss.SSSSSS"
    drawn = match.datetime()
    assert generator_at(drawn) == {"type": "DateTime", "format": "yyyy-MM-dd'T'HH:mm:ssZ"}
    with pytest.raises(PactDefinitionError, match="datetime"):
        match.datetime("2024-07-20T14:30:00+00:00")  # %z has no colon
    with pytest.raises(PactDefinitionError, match="%c"):
        match.datetime("x", "%c")


# ---- structure ----


def test_like_and_type() -> None:
    m = match.like({"id": match.int(1), "name": "Ann"})
    result = split({"user": m})
    assert result.example == {"user": {"id": 1, "name": "Ann"}}
    assert result.rules["$.user"]["matchers"] == [{"match": "type"}]
    assert result.rules["$.user.id"]["matchers"] == [{"match": "integer"}]
    assert rules_at(match.type([1, 2], min=1, max=3)) == [{"match": "type", "min": 1, "max": 3}]
    with pytest.raises(PactDefinitionError, match="minimum size of 3"):
        match.like([1, 2], min=3)


def test_type_unset_needs_a_generator() -> None:
    from pactpool.consumer.types import UNSET

    with pytest.raises(ValueError, match="generator"):
        match.type(UNSET)
    drawn = match.type(UNSET, generator=generate.int(min=3, max=4))
    assert example(drawn) in (3, 4)
    assert generator_at(drawn) == {"type": "RandomInt", "min": 3, "max": 4}


def test_like_with_generator_keeps_rule_and_generator_apart() -> None:
    m = match.like(5, generator=generate.int(min=2, max=8))
    assert rules_at(m) == [{"match": "type"}]
    assert generator_at(m) == {"type": "RandomInt", "min": 2, "max": 8}
    assert example(m) == 5


def test_each_like_repeats_the_item_min_times() -> None:
    m = match.each_like({"id": match.int(1)}, min=2, max=5)
    result = split({"items": m})
    assert result.example == {"items": [{"id": 1}, {"id": 1}]}
    assert result.rules["$.items"]["matchers"] == [{"match": "type", "min": 2, "max": 5}]
    assert result.rules["$.items[*].id"]["matchers"] == [{"match": "integer"}]
    assert rules_at(match.each_like("a")) == [{"match": "type", "min": 1}]
    assert example(match.each_like("a", min=0)) == ["a"]
    with pytest.raises(PactDefinitionError, match="greater than 'max'"):
        match.each_like(1, min=3, max=2)
    with pytest.raises(ValueError, match="min"):
        match.each_like(1, min=-1)


def test_each_like_nested() -> None:
    m = match.each_like({"tags": match.each_like(match.str("t"))})
    result = split(m)
    assert result.example == [{"tags": ["t"]}]
    assert set(result.rules) == {"$", "$[*].tags", "$[*].tags[*]"}


def test_array_containing() -> None:
    m = match.array_containing([match.regex("read", regex=r"r\w+"), {"a": match.int(1)}, 3])
    result = split({"perms": m})
    assert result.example == {"perms": ["read", {"a": 1}, 3]}
    rule = result.rules["$.perms"]["matchers"][0]
    assert rule == {"match": "arrayContains", "variants": [
        {"index": 0, "rules": {"$": {"combine": "AND",
                                     "matchers": [{"match": "regex", "regex": r"r\w+"}]}}},
        {"index": 1, "rules": {"$.a": {"combine": "AND", "matchers": [{"match": "integer"}]}}},
        {"index": 2, "rules": {}},
    ]}
    drawn = split(match.array_containing([match.int(min=1, max=2)]))
    variant = drawn.rules["$"]["matchers"][0]["variants"][0]
    assert variant["generators"] == {"$": {"type": "RandomInt", "min": 1, "max": 2}}
    with pytest.raises(TypeError):
        match.array_containing("abc")  # type: ignore[arg-type]


def test_each_key_and_each_value() -> None:
    keys = match.each_key_matches({"k-1": 1}, rules=match.regex("k-1", regex=r"k-\d"))
    assert rules_at(keys) == [{"match": "eachKey", "value": '{"k-1":1}',  # as pact_ffi writes
                               "rules": [{"match": "regex", "regex": r"k-\d"}]}]
    assert example(keys) == {"k-1": 1}
    values = match.each_value_matches({"m": 95}, rules=[match.int(85)])
    assert rules_at(values) == [{"match": "eachValue", "rules": [{"match": "integer"}],
                                 "value": '{"m":95}'}]
    with pytest.raises(PactDefinitionError, match="each_key_matches"):
        match.each_key_matches({"bad": 1}, rules=match.regex("k-1", regex=r"k-\d"))
    with pytest.raises(PactDefinitionError, match="each_value_matches"):
        match.each_value_matches({"m": "x"}, rules=match.int(1))
    with pytest.raises(TypeError, match="rules"):
        match.each_key_matches({"a": 1}, rules=[])
    with pytest.raises(TypeError, match="dict"):
        match.each_value_matches([1], rules=match.int(1))  # type: ignore[arg-type]


def test_each_value_puts_nested_rules_under_star() -> None:
    m = match.each_value_matches({"x": {"id": match.int(1)}}, rules=match.like({"id": 1}))
    assert "$.*.id" in split(m).rules


def test_and_matcher() -> None:
    both = match.int(5) & match.regex("5", regex=r"\d")
    assert isinstance(both, AndMatcher)
    assert rules_at(both) == [{"match": "integer"}, {"match": "regex", "regex": r"\d"}]
    assert example(both) == 5
    three = both & match.number(5)
    assert len(three.to_matching_rule()["matchers"]) == 3
    with pytest.raises(PactDefinitionError, match="AndMatcher"):
        _ = match.int(5) & match.includes("x")
    assert (match.int(1).__and__(3)) is NotImplemented


# ---- classes and JSON methods ----


def test_generic_matcher_json_methods() -> None:
    m: GenericMatcher[int] = GenericMatcher("integer", 3, generator=generate.int(min=1, max=4))
    assert m.to_integration_json() == {"pact:matcher:type": "integer", "value": 3,
                                       "pact:generator:type": "RandomInt", "min": 1, "max": 4}
    assert m.to_matching_rule() == {"match": "integer", "value": 3}
    unset: GenericMatcher[int] = GenericMatcher("type", min=None, extra_fields={"max": 2})
    assert unset.to_matching_rule() == {"match": "type", "max": 2}
    assert not unset.has_value()
    with pytest.raises(TypeError):
        GenericMatcher("")


def test_other_classes_json_methods() -> None:
    ac = match.array_containing([1])
    assert isinstance(ac, ArrayContainsMatcher)
    assert ac.to_integration_json() == {"pact:matcher:type": "arrayContains", "variants": [1]}
    ek = match.each_key_matches({"a": 1}, rules=match.regex("a", regex="a"))
    assert isinstance(ek, EachKeyMatcher)
    assert ek.to_matching_rule()["rules"] == [{"match": "regex", "value": "a", "regex": "a"}]
    ev = match.each_value_matches({"a": 1}, rules=match.int(1))
    assert isinstance(ev, EachValueMatcher)
    assert ev.to_integration_json()["pact:matcher:type"] == "eachValue"
    both = AndMatcher(match.int(1), match.number(2))
    assert both.to_integration_json()["value"] == 1
    assert both.to_matching_rule()["combine"] == "AND"


def test_encoders() -> None:
    body = {"id": match.int(1), "g": generate.bool()}
    integration = json.loads(json.dumps(body, cls=IntegrationJSONEncoder))
    assert integration == {"id": {"pact:matcher:type": "integer", "value": 1},
                           "g": {"pact:generator:type": "RandomBoolean"}}
    rules = json.loads(json.dumps({"id": match.int(1)}, cls=MatchingRuleJSONEncoder))
    assert rules == {"id": {"combine": "AND", "matchers": [{"match": "integer", "value": 1}]}}
    with pytest.raises(TypeError):
        json.dumps({"x": object()}, cls=IntegrationJSONEncoder)


def test_custom_matcher_subclass_is_split_from_its_integration_json() -> None:
    class Semver(AbstractMatcher[str]):
        def to_integration_json(self) -> dict[str, Any]:
            return {"pact:matcher:type": "semver", "value": "1.2.3"}

        def to_matching_rule(self) -> dict[str, Any]:
            return {"match": "semver"}

    result = split({"v": Semver()})
    assert result.example == {"v": "1.2.3"}
    assert result.rules["$.v"]["matchers"] == [{"match": "semver"}]


def test_match_all_matches_pact_python() -> None:
    pact_match = pytest.importorskip("pact.match")
    assert set(pact_match.__all__) <= set(match.__all__)
