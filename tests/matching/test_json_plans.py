"""The compiled JSON matcher finds exactly what the straightforward one finds, in order.

Random expected documents, random rules on paths drawn from them (fields, indexes, `[*]`,
`.*`, names that are digits) and random actual documents derived from the expected ones
(values changed, keys added and removed, lists grown and shrunk). One plan is reused for
many actual documents, as a pact's expected body is for many requests.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from pactpool_worker.errors import PactLoadError
from pactpool_worker.matching.json import Node, compare_json, json_plan, match_json
from pactpool_worker.matching.rule_context import Context, context_for
from pactpool_worker.pact import compile_rules
from tests.matching.json_reference import compare_json as reference

KEYS = ["a", "b", "id", "0", "1", "12", "x y", "name"]
STRINGS = ["", "abc", "ABC-1234", "2024-01-02", "true", "12", "x@y.io"]


def _scalar(rng: random.Random) -> Any:
    return rng.choice([
        lambda: rng.randint(-3, 30), lambda: rng.choice([0.5, 2.0, -1.25]),
        lambda: rng.choice([True, False]), lambda: None, lambda: rng.choice(STRINGS),
    ])()


def _document(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth >= 3 or roll < 0.35:
        return _scalar(rng)
    if roll < 0.7:
        return {k: _document(rng, depth + 1) for k in rng.sample(KEYS, rng.randint(0, 4))}
    return [_document(rng, depth + 1) for _ in range(rng.randint(0, 3))]


def _mutated(rng: random.Random, value: Any, depth: int = 0) -> Any:
    """Mostly like `value`, with some differences (often none)."""
    if rng.random() < 0.08:
        return _document(rng, depth)
    if isinstance(value, dict):
        out = {k: _mutated(rng, v, depth + 1) for k, v in value.items() if rng.random() > 0.08}
        if rng.random() < 0.15:
            out[rng.choice([*KEYS, "extra", "7"])] = _document(rng, depth + 1)
        return out
    if isinstance(value, list):
        items = [_mutated(rng, v, depth + 1) for v in value if rng.random() > 0.08]
        if value and rng.random() < 0.5:
            items.extend(_mutated(rng, value[0], depth + 1) for _ in range(rng.randint(1, 6)))
        return items
    if rng.random() < 0.2:
        return _scalar(rng)
    return value


def _paths(value: Any, prefix: str = "$") -> list[str]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"['{key}']" if " " in key else f".{key}"
            out.extend(_paths(item, prefix + name))
            out.append(prefix + ".*")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(_paths(item, f"{prefix}[{index}]"))
        out.extend([f"{prefix}[*]", f"{prefix}[3]", f"{prefix}.4"])
        if value:
            out.extend(_paths(value[0], f"{prefix}[*]"))
    return out


def _matcher(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    choices: list[dict[str, Any]] = [
        {"match": "type"}, {"match": "type", "min": rng.randint(0, 3)},
        {"match": "type", "max": rng.randint(0, 3)},
        {"match": "type", "min": 1, "max": rng.randint(1, 4)},
        {"match": "regex", "regex": rng.choice(["[A-Z]{3}-\\d{4}", "\\d+", ".*", "a.c"])},
        {"match": "integer"}, {"match": "decimal"}, {"match": "number"}, {"match": "null"},
        {"match": "boolean"}, {"match": "equality"}, {"match": "include", "value": "b"},
        {"match": "values"}, {"match": "notEmpty"}, {"match": "date", "format": "yyyy-MM-dd"},
    ]
    if depth == 0:
        choices += [
            {"match": "eachKey", "rules": [{"match": "regex", "regex": "[a-z]+"}]},
            {"match": "eachValue", "rules": [_matcher(rng, 1)]},
            {"match": "arrayContains", "variants": [
                {"index": rng.randint(0, 2), "rules": _rule_set(rng, ["$", "$.a", "$.*"], 1)}
                for _ in range(rng.randint(0, 2))]},
        ]
    return rng.choice(choices)


def _rule_set(rng: random.Random, paths: list[str], depth: int) -> dict[str, Any]:
    return {rng.choice(paths): {"matchers": [_matcher(rng, depth)
                                             for _ in range(rng.choice([1, 1, 1, 2]))],
                                "combine": rng.choice(["AND", "OR"])}
            for _ in range(rng.randint(0, 5))}


def _context(rng: random.Random, expected: Any, allow_unexpected: bool) -> Context | None:
    raw = {"body": _rule_set(rng, _paths(expected), 0)}
    try:
        rules = compile_rules(raw, "4.0", "$")
    except PactLoadError:
        return None
    return context_for(rules, "body", allow_unexpected)


def _random_plans(rng: random.Random, documents: int = 60) -> Iterator[tuple[Any, Context, Node]]:
    """Random expected documents, each with random rules and its compiled plan."""
    for _ in range(documents):
        expected = _document(rng)
        ctx = _context(rng, expected, rng.random() < 0.4)
        if ctx is not None:
            yield expected, ctx, json_plan(expected, ctx)


@pytest.mark.parametrize("seed", range(40))
def test_plans_find_what_the_reference_finds(seed: int) -> None:
    rng = random.Random(seed)
    checked = 0
    for expected, ctx, plan in _random_plans(rng):
        for _ in range(8):
            actual = _mutated(rng, expected)
            want = reference(expected, actual, ctx)
            assert match_json(plan, actual) == want, (expected, actual, ctx)
            checked += 1
        assert compare_json(expected, expected, ctx) == reference(expected, expected, ctx)
    assert checked > 100


def test_items_beyond_the_example_are_reported_at_their_own_paths() -> None:
    rules = compile_rules({"body": {"$.items": {"matchers": [{"match": "type"}]},
                                    "$.items[*].sku": {"matchers": [{"match": "regex",
                                                                     "regex": "[A-Z]+"}]},
                                    "$.items[3].sku": {"matchers": [{"match": "integer"}]}}},
                          "4.0", "$")
    ctx = context_for(rules, "body", allow_unexpected=False)
    expected = {"items": [{"sku": "A"}]}
    plan = json_plan(expected, ctx)
    for _ in range(2):  # the second time from the plan's caches
        actual = {"items": [{"sku": "A"}, {"sku": "b"}, {"sku": "C"}, {"sku": 7}, {"sku": 9}]}
        found = [(m.path, m.mismatch) for m in match_json(plan, actual)]
        assert found == [("$.items[1].sku", "Expected 'b' to match '[A-Z]+'"),
                         ("$.items[4].sku", "Expected '9' to match '[A-Z]+'")]
        assert match_json(plan, actual) == reference(expected, actual, ctx)


def test_entries_under_values_are_reported_at_their_own_keys() -> None:
    rules = compile_rules({"body": {"$.m": {"matchers": [{"match": "values"}]},
                                    "$.m.*": {"matchers": [{"match": "integer"}]}}}, "4.0", "$")
    ctx = context_for(rules, "body", allow_unexpected=False)
    expected = {"m": {"k": 1}}
    plan = json_plan(expected, ctx)
    for _ in range(2):
        actual = {"m": {"k": 1, "other": "x", "5": 2.5, "x y": 3}}
        assert [(m.path, m.mismatch) for m in match_json(plan, actual)] == [
            ("$.m.other", "Expected 'x' (String) to be an integer"),
            ("$.m[5]", "Expected 2.5 (Decimal) to be an integer")]
        assert match_json(plan, actual) == reference(expected, actual, ctx)
