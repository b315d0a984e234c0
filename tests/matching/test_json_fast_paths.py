"""The quick yes of JSON plans (`Node.accepts`) says True only when there is no mismatch.

`match_json` trusts the quick yes and skips `match` when it says True, so a wrong True would
hide a mismatch. These tests compare it with the straightforward matcher on random documents
and on the inputs where Python's notion of equality or type differs from JSON's (bool and
int, int and float, null), on sizes, unexpected keys, regexes over numbers and deep nesting;
and they check that a matching request body is accepted without calling `match` at all.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from pactpool_worker.matching.json import Node, json_plan, match_json
from pactpool_worker.matching.json.codegen import whole_accepts
from pactpool_worker.matching.json.plan import ListNode, MapNode, ValueNode
from pactpool_worker.matching.json.vocabulary import Accepts
from pactpool_worker.matching.rule_context import Context, context_for
from pactpool_worker.pact import compile_rules
from tests.matching.json_reference import compare_json as reference
from tests.matching.test_json_plans import _mutated, _random_plans

FIXTURE = Path(__file__).parents[2] / "tools" / "fixtures" / "v3-2kb-body.json"
TRICKY = [0, 1, -1, 1.0, 0.0, 2.5, True, False, None, "", "1", "true", "abc", [], {}, [1],
          {"a": 1}, 2**63]


def _ctx(rules: dict[str, Any] | None, *, allow_unexpected: bool = False) -> Context:
    compiled = compile_rules({"body": rules}, "4.0", "$") if rules else None
    return context_for(compiled, "body", allow_unexpected)


def _quick_yeses(plan: Node) -> list[Accepts]:
    """The closures' quick yes and the generated one of the whole plan."""
    return [plan.accepts(), whole_accepts(plan)]


def _agrees(expected: Any, actual: Any, ctx: Context) -> bool:
    """Both quick yeses are sound here and agree, and `match_json` finds what the reference
    finds."""
    plan = json_plan(expected, ctx)
    want = reference(expected, actual, ctx)
    answers = {accepts(actual) for accepts in _quick_yeses(plan)}
    assert len(answers) == 1, (expected, actual)
    if True in answers:
        assert want == [], (expected, actual)
    assert match_json(plan, actual) == want, (expected, actual)
    return True in answers


@pytest.fixture
def no_match_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any call of a node's `match` fail: the quick yes must answer alone."""
    def refuse(*_: Any) -> None:
        raise AssertionError("match was called")
    for cls in (ValueNode, MapNode, ListNode):
        monkeypatch.setattr(cls, "match", refuse)


@pytest.mark.parametrize("seed", range(30))
def test_quick_yes_never_hides_a_mismatch(seed: int) -> None:
    rng = random.Random(1000 + seed)
    accepted = 0
    for expected, ctx, plan in _random_plans(rng):
        for _ in range(8):
            actual = _mutated(rng, expected)
            answers = [accepts(actual) for accepts in _quick_yeses(plan)]
            assert answers[0] == answers[1], (expected, actual, ctx)
            if answers[0]:
                accepted += 1
                assert reference(expected, actual, ctx) == [], (expected, actual, ctx)
    assert accepted > 50


@pytest.mark.parametrize("rule", [
    None, {"match": "type"}, {"match": "equality"}, {"match": "integer"},
    {"match": "decimal"}, {"match": "number"}, {"match": "null"}, {"match": "boolean"},
    {"match": "regex", "regex": "\\d+"}, {"match": "regex", "regex": "true|1\\.0|\\[1\\]"},
    {"match": "values"}, {"match": "include", "value": "1"}, {"match": "notEmpty"},
])
@pytest.mark.parametrize("example", [1, 1.0, True, None, "1", "abc", 0])
def test_scalars_of_every_json_type(rule: dict[str, Any] | None, example: Any) -> None:
    ctx = _ctx({"$.v": {"matchers": [rule]}} if rule else None)
    for actual in TRICKY:
        _agrees({"v": example}, {"v": actual}, ctx)
        _agrees([example], [actual], ctx)


@pytest.mark.parametrize("rules", [
    None,
    {"$.items": {"matchers": [{"match": "type"}]}},
    {"$.items": {"matchers": [{"match": "type", "min": 2}]}},
    {"$.items": {"matchers": [{"match": "type", "max": 2}]}},
    {"$.items": {"matchers": [{"match": "type", "min": 1, "max": 3}]}},
    {"$.items": {"matchers": [{"match": "type", "min": 1}]},
     "$.items[*].id": {"matchers": [{"match": "integer"}]}},
    {"$.items": {"matchers": [{"match": "type"}]},
     "$.items[2]": {"matchers": [{"match": "integer"}]}},
    {"$.items": {"matchers": [{"match": "type"}]}, "$.items[1]": {"matchers": [{"match": "null"}]}},
    {"$.items": {"matchers": [{"match": "equality"}]}},
    {"$.items": {"matchers": [{"match": "notEmpty"}]}},
    {"$.items[*]": {"matchers": [{"match": "type"}]}},
    {"$": {"matchers": [{"match": "type"}]}},
])
@pytest.mark.parametrize("example", [[], [1, 2], ["a"], [{"id": 1}], [{"id": 1}, {"id": 2}],
                                     [[1], [2]], [True, 1.5]])
def test_lists_sizes_and_items(rules: dict[str, Any] | None, example: list[Any]) -> None:
    ctx = _ctx(rules)
    shapes: list[Any] = [[], [1], [1, 2], [1, 2, 3, 4], ["a", "b"], [{"id": 1}],
                         [{"id": 1}, {"id": 2}, {"id": 3}], [{"id": "1"}], [{"id": 1, "x": 2}],
                         [{}], [[1], [2], [3]], [[]], [True], [1.0, 2], None, {}, "[]",
                         [{"id": 1}] * 70]
    for actual in shapes:
        _agrees({"items": example}, {"items": actual}, ctx)


@pytest.mark.parametrize("allow_unexpected", [False, True])
def test_maps_keys_missing_and_unexpected(allow_unexpected: bool) -> None:
    expected = {"a": 1, "b": {"c": "x"}, "e": {}}
    actuals: list[Any] = [
        expected, {"a": 1, "b": {"c": "x"}}, {"a": 1, "b": {"c": "x"}, "e": {}, "z": 0},
        {"a": 1, "b": {"c": "x", "d": 1}, "e": {}}, {"a": 1, "b": {"c": "x"}, "e": {"q": 1}},
        {"a": True, "b": {"c": "x"}, "e": {}}, {"a": 1.0, "b": {"c": "x"}, "e": {}},
        {"a": 1, "b": [], "e": {}}, {"a": 1, "b": None, "e": {}},
        {"b": {"c": "x"}, "e": {}, "z": 1},
        [], None,
    ]
    for rules in (None, {"$.b": {"matchers": [{"match": "type"}]}},
                  {"$.a": {"matchers": [{"match": "type"}]},
                   "$.b.c": {"matchers": [{"match": "regex", "regex": "[a-z]"}]}},
                  {"$.b": {"matchers": [{"match": "values"}]}},
                  {"$.b": {"matchers": [{"match": "eachKey", "rules": [
                      {"match": "regex", "regex": "[a-c]"}]}]}}):
        ctx = _ctx(rules, allow_unexpected=allow_unexpected)
        for actual in actuals:
            _agrees(expected, actual, ctx)


def test_regex_on_numbers_and_other_non_strings() -> None:
    ctx = _ctx({"$.n": {"matchers": [{"match": "regex", "regex": "\\d+"}]}})
    assert _agrees({"n": "12"}, {"n": 12}, ctx)
    assert not _agrees({"n": "12"}, {"n": 1.5}, ctx)
    assert not _agrees({"n": "12"}, {"n": True}, ctx)
    assert not _agrees({"n": "12"}, {"n": None}, ctx)
    assert not _agrees({"n": "12"}, {"n": [1]}, ctx)


def test_deep_nesting_falls_back_without_error() -> None:
    for depth in (5, 40, 120):
        expected: Any = 1
        for _ in range(depth):
            expected = {"a": [expected]}
        actual = copy.deepcopy(expected)
        assert _agrees(expected, actual, _ctx(None))
        inner = actual
        for _ in range(depth - 1):
            inner = inner["a"][0]
        inner["a"][0] = True
        assert not _agrees(expected, actual, _ctx(None))


def test_nested_loops_and_large_lists_call_their_closures() -> None:
    """Past the generated function's limits (nested loops, lines), nodes call their closure."""
    ctx = _ctx({"$": {"matchers": [{"match": "type"}]}})
    expected: Any = [{"a": 1}]
    actual: Any = [{"a": 2}, {"a": 3}]
    for _ in range(16):
        expected, actual = [expected], [actual, expected]
    assert _agrees(expected, expected, ctx)
    assert _agrees(expected, actual, ctx)
    assert not _agrees(expected, [*actual, [[True]]], ctx)
    wide = {"items": [{"id": i, "tags": ["x"]} for i in range(3000)]}
    for rules in (None, {"$.items": {"matchers": [{"match": "type"}]}}):
        assert _agrees(wide, wide, _ctx(rules))
        changed = copy.deepcopy(wide)
        changed["items"][2999]["tags"] = [1]
        assert not _agrees(wide, changed, _ctx(rules))


def _order() -> tuple[Any, Context]:
    interaction = json.loads(FIXTURE.read_text())["interactions"][0]["request"]
    rules = compile_rules(interaction["matchingRules"], "3.0.0", "$")
    return interaction["body"], context_for(rules, "body", allow_unexpected=False)


def _good_order(expected: Any) -> Any:
    """Other values under the same rules (as the bench's POST body)."""
    good = copy.deepcopy(expected)
    good["id"] = "ord-654321"
    good["customer"].update(name="Grace Hopper", email="grace@example.org")
    for i, item in enumerate(good["items"]):
        item.update(sku=f"XYZ-{2000 + i}", qty=3 * i + 2, price=19.5 + i, tags=["red"])
    good["items"].append(copy.deepcopy(good["items"][0]))
    return good


@pytest.mark.usefixtures("no_match_calls")
def test_a_matching_order_is_accepted_without_match() -> None:
    expected, ctx = _order()
    plan = json_plan(expected, ctx)
    assert match_json(plan, _good_order(expected)) == []
    assert match_json(plan, expected) == []


@pytest.mark.parametrize("change", [
    lambda d: d["items"][3].update(qty="three"),
    lambda d: d["items"][3].update(qty=True),
    lambda d: d["items"][3].update(price=None),
    lambda d: d["customer"].update(email="not an e-mail"),
    lambda d: d["customer"].update(extra=1),
    lambda d: d["customer"]["address"].pop("city"),
    lambda d: d.update(items=[]),
    lambda d: d["items"][0].update(tags=[1]),
    lambda d: d["items"][0].update(tags="blue"),
    lambda d: d["items"][-1]["warehouse"].update(bin="B1"),
    lambda d: d["items"][0].update(sku=1234),
    lambda d: d.update(priority="high"),
])
def test_order_mismatches_are_those_of_the_reference(change: Any) -> None:
    expected, ctx = _order()
    plan = json_plan(expected, ctx)
    actual = _good_order(expected)
    change(actual)
    assert not any(accepts(actual) for accepts in _quick_yeses(plan))
    assert match_json(plan, actual) == reference(expected, actual, ctx) != []


def test_contexts_are_reused_per_category_and_policy() -> None:
    """`context_for` hands out one context per category and policy (the request path asks for
    several per request); never one of another category or policy."""
    rules = compile_rules({"body": {"$.a": {"matchers": [{"match": "type"}]}},
                           "query": {"q": {"matchers": [{"match": "integer"}]}},
                           "header": {}}, "4.0", "$")
    body = context_for(rules, "body", False)
    assert context_for(rules, "body", False) is body
    assert body.rules is rules.category("body")
    assert context_for(rules, "body", True) == Context(rules.category("body"), True)
    assert context_for(rules, "query", False).rules is rules.category("query")
    assert context_for(rules, "header", False) == Context(None, False)
    assert context_for(None, "body", True) == Context(None, True)
    other = compile_rules({"body": {"$.a": {"matchers": [{"match": "type"}]}}}, "4.0", "$")
    assert context_for(other, "body", False).rules is other.category("body")


def test_keys_that_look_like_code_are_only_data() -> None:
    """The generated quick yes names keys through `repr`: no key can become source code."""
    nasty = ["'] or __import__('os')._exit(3) #", '"]\nimport os\nos._exit(3)\n#',
             "\\", "\u2028", "{v1}", ""]
    expected = {key: {"inner": 1} for key in nasty}
    for rules in (None, {"$.*": {"matchers": [{"match": "type"}]}}):
        ctx = _ctx(rules)
        assert _agrees(expected, copy.deepcopy(expected), ctx)  # matched, and still alive
        changed = copy.deepcopy(expected)
        changed[nasty[0]]["inner"] = "one"
        assert not _agrees(expected, changed, ctx)
