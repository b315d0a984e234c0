"""Rule paths: parsing, weights, and which rule wins at a location."""

from __future__ import annotations

import pytest

from pactpool_worker.pact import load_request
from pactpool_worker.pact.jsonpath import PathSyntaxError, format_path, parse_path


@pytest.mark.parametrize(("expr", "location", "weight"), [
    ("$", ("$",), 2),
    ("$", ("$", "a", "b"), 2),
    ("$.a", ("$", "a"), 4),
    ("$.a", ("$", "b"), 0),
    ("$['a b']", ("$", "a b"), 4),
    ("$.a[0]", ("$", "a", "0"), 8),
    ("$.a[1]", ("$", "a", "0"), 0),
    ("$.a[*]", ("$", "a", "7"), 4),
    ("$.a[*]", ("$", "a", "name"), 0),
    ("$.a.*", ("$", "a", "name"), 4),
    ("$.a.*", ("$", "a", "3"), 4),
    ("$.a[*].b", ("$", "a", "2", "b"), 8),
    ("$.a.b.c", ("$", "a", "b"), 0),
])
def test_weights(expr: str, location: tuple[str, ...], weight: int) -> None:
    assert parse_path(expr).weight(location) == weight


@pytest.mark.parametrize("expr", ["a.b", "$.a[", "$.a[x]", "$.", "$a"])
def test_bad_paths(expr: str) -> None:
    with pytest.raises(PathSyntaxError):
        parse_path(expr)


@pytest.mark.parametrize(("location", "text"), [
    (("$",), "$"),
    (("$", "a", "0", "b"), "$.a[0].b"),
    (("$", "a b"), "$['a b']"),
    (("$", "x", "@id"), "$.x.@id"),
])
def test_format(location: tuple[str, ...], text: str) -> None:
    assert format_path(location) == text


RULES = {
    "$.body": {"match": "type"},
    "$.body.a": {"match": "regex", "regex": "a"},
    "$.body.a[*]": {"match": "regex", "regex": "star"},
    "$.body.a[1]": {"match": "regex", "regex": "one"},
    "$.body.*.b": {"match": "regex", "regex": "wild"},
    "$.body.x.b": {"match": "regex", "regex": "named"},
}


@pytest.mark.parametrize(("location", "pattern", "cascaded"), [
    (("$",), None, False),
    (("$", "z"), None, True),
    (("$", "a"), "a", False),
    (("$", "a", "0"), "star", False),
    (("$", "a", "1"), "one", False),
    (("$", "y", "b"), "wild", False),
    (("$", "x", "b"), "named", False),
    (("$", "x", "b", "c"), "named", True),
])
def test_most_specific_rule_wins(location: tuple[str, ...], pattern: str | None,
                                 cascaded: bool) -> None:
    req = load_request({"method": "GET", "path": "/", "matchingRules": RULES}, "2.0.0")
    assert req.matching_rules is not None
    category = req.matching_rules.category("body")
    assert category is not None
    found = category.best(location)
    assert found is not None
    rule_list, was_cascaded = found
    rule = rule_list.rules[0]
    assert (rule.regex.pattern if rule.regex else None, was_cascaded) == (pattern, cascaded)


def test_ties_go_to_the_longer_path() -> None:
    # `$.*` (2*1) and `$` cascaded (2) weigh the same at $.a; the longer path wins.
    req = load_request({"method": "GET", "path": "/", "matchingRules": {
        "$.body.*": {"match": "regex", "regex": "star"}, "$.body": {"match": "type"}}}, "2.0.0")
    assert req.matching_rules is not None
    category = req.matching_rules.category("body")
    assert category is not None
    found = category.best(("$", "a"))
    assert found is not None and found[0].rules[0].kind == "regex"
