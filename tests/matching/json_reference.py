"""The straightforward JSON body matcher, kept only as a test oracle for `json_body`'s plans.

This is the matcher as it was before plans: it walks expected and actual together and looks
the rules up at every location, for every request. `test_json_plans.py` checks that the
compiled matcher finds exactly the same mismatches, in the same order.
"""

from __future__ import annotations

from typing import Any

from pactpool_worker.matching.display import (
    for_mismatch,
    json_equal,
    json_text,
    json_to_string,
    shown,
)
from pactpool_worker.matching.mismatches import BodyDiff
from pactpool_worker.matching.rule_context import Context, Loc
from pactpool_worker.matching.value_rules import (
    combine,
    match_json_value,
    match_list_rule,
    match_map_rule,
    match_string,
)
from pactpool_worker.pact.jsonpath import format_path
from pactpool_worker.pact.rules import KEY_FREE_KINDS, VALUES_KINDS, Rule, RuleList

ROOT: Loc = ("$",)


def compare_json(expected: Any, actual: Any, ctx: Context) -> list[BodyDiff]:
    """All differences between two parsed JSON documents."""
    out: list[BodyDiff] = []
    _compare(ROOT, expected, actual, ctx, out)
    return out


def _compare(loc: Loc, expected: Any, actual: Any, ctx: Context, out: list[BodyDiff]) -> None:
    if isinstance(expected, dict):
        if isinstance(actual, dict):
            _compare_maps(loc, expected, actual, ctx, out)
        else:
            out.append(_type_mismatch(loc, expected, actual))
    elif isinstance(expected, list):
        if isinstance(actual, list):
            _compare_lists(loc, expected, actual, ctx, out)
        else:
            out.append(_type_mismatch(loc, expected, actual))
    else:
        _compare_values(loc, expected, actual, ctx, out)


def _type_mismatch(loc: Loc, expected: Any, actual: Any) -> BodyDiff:
    return BodyDiff(format_path(loc), json_to_string(expected), json_to_string(actual),
                        f"Type mismatch: Expected {shown(actual)} to be the same type as "
                        f"{shown(expected)}")


# ---------------------------------------------------------------------------------------------
# Maps


def _compare_maps(loc: Loc, expected: dict[str, Any], actual: dict[str, Any], ctx: Context,
                  out: list[BodyDiff]) -> None:
    if not expected and actual and not ctx.allow_unexpected:
        out.append(BodyDiff(format_path(loc), json_text(expected), json_text(actual),
                                f"Expected an empty Map but received {json_text(actual)}"))
        return
    best = ctx.best(loc)
    if best is None:
        _match_keys(loc, expected, actual, ctx, direct=None, out=out)
        _compare_entries(loc, expected, actual, ctx, out)
        return
    rule_list, cascaded = best
    results: list[list[BodyDiff]] = []
    for rule in rule_list.rules:
        found: list[BodyDiff] = []
        if not cascaded and rule.kind in VALUES_KINDS:
            child = ctx.with_each_value(loc, rule.sub_rules) \
                if rule.kind == "each_value" and rule.sub_rules is not None else ctx
            _compare_values_of(loc, expected, actual, child, found)
        else:
            message = match_map_rule(rule, expected, actual, cascaded)
            if message is not None:
                found.append(BodyDiff(format_path(loc), json_text(expected), json_text(actual),
                                          message))
            _match_keys(loc, expected, actual, ctx, direct=None if cascaded else rule_list,
                        out=found)
            _compare_entries(loc, expected, actual, ctx, found)
        results.append(found)
    _combine_results(rule_list, results, out)


def _combine_results(rule_list: RuleList, results: list[list[BodyDiff]],
                     out: list[BodyDiff]) -> None:
    """AND: every rule's mismatches; OR: none as soon as one rule found none."""
    if rule_list.combine == "OR" and any(not r for r in results):
        return
    for found in results:
        out.extend(found)


def _compare_values_of(loc: Loc, expected: dict[str, Any], actual: dict[str, Any],
                       ctx: Context, out: list[BodyDiff]) -> None:
    """`values`/`eachValue`: each actual entry against its namesake, else the first example."""
    if not expected:
        return
    first = next(iter(expected.values()))
    for key, value in actual.items():
        _compare((*loc, key), expected.get(key, first), value, ctx, out)


def _compare_entries(loc: Loc, expected: dict[str, Any], actual: dict[str, Any], ctx: Context,
                     out: list[BodyDiff]) -> None:
    for key, value in expected.items():
        if key in actual:
            _compare((*loc, key), value, actual[key], ctx, out)


def _match_keys(loc: Loc, expected: dict[str, Any], actual: dict[str, Any], ctx: Context, *,
                direct: RuleList | None, out: list[BodyDiff]) -> None:
    """The key sets (unless a direct values/eachKey rule frees them), then any eachKey rules."""
    if direct is None or not direct.kinds() & KEY_FREE_KINDS:
        expected_keys = sorted(expected)
        actual_keys = sorted(actual)
        if ctx.allow_unexpected:
            missing = [k for k in expected_keys if k not in actual]
            if missing:
                out.append(BodyDiff(format_path(loc), json_text(expected_keys),
                                        json_text(actual_keys),
                                        "Actual map is missing the following keys: "
                                        f"{', '.join(missing)}"))
        elif expected_keys != actual_keys:
            out.append(BodyDiff(format_path(loc), json_text(expected_keys),
                                    json_text(actual_keys),
                                    f"Expected a Map with keys [{', '.join(expected_keys)}] but "
                                    f"received one with keys [{', '.join(actual_keys)}]"))
    if direct is None:
        return
    for rule in direct.rules:
        if rule.kind == "each_key" and rule.sub_rules is not None:
            for key in sorted(actual):
                for sub in rule.sub_rules.rules:
                    message = match_string(sub, "", key, False)
                    if message is not None:
                        out.append(BodyDiff(format_path((*loc, key)), "", key, message))


# ---------------------------------------------------------------------------------------------
# Lists


def _compare_lists(loc: Loc, expected: list[Any], actual: list[Any], ctx: Context,
                   out: list[BodyDiff]) -> None:
    best = ctx.best(loc)
    if best is not None:
        rule_list, cascaded = best
        results: list[list[BodyDiff]] = []
        for rule in rule_list.rules:
            found: list[BodyDiff] = []
            _list_rule(loc, (rule, cascaded), (expected, actual), ctx, found)
            results.append(found)
        _combine_results(rule_list, results, out)
        return
    if not expected and actual:
        out.append(BodyDiff(format_path(loc), json_text(expected), json_text(actual),
                                f"Expected an empty List but received {json_text(actual)}"))
        return
    path = format_path(loc)
    for index, value in enumerate(expected):
        if index < len(actual):
            _compare((*loc, str(index)), value, actual[index], ctx, out)
        elif not ctx.defined((*loc, str(index))):
            out.append(BodyDiff(path, json_text(expected), json_text(actual),
                                    f"Expected {json_to_string(value)} but was missing"))
    if len(expected) != len(actual):
        out.append(BodyDiff(path, json_text(expected), json_text(actual),
                                f"Expected a List with {len(expected)} elements but received "
                                f"{len(actual)} elements"))


def _list_rule(loc: Loc, best: tuple[Rule, bool], lists: tuple[list[Any], list[Any]],
               ctx: Context, out: list[BodyDiff]) -> None:
    """One rule covering a list: the list as a whole, then its items."""
    rule, cascaded = best
    expected, actual = lists
    if rule.kind == "array_contains":
        if expected:
            _array_contains(loc, rule, (expected, actual), ctx, out)
        return
    if rule.kind == "each_value" and rule.sub_rules is not None:
        if not cascaded and expected:
            _list_contents(loc, expected, actual, ctx.with_each_value(loc, rule.sub_rules), out)
        return
    message = match_list_rule(rule, expected, actual, cascaded)
    if message is not None:
        out.append(BodyDiff(format_path(loc), json_text(expected), json_text(actual),
                                message))
    if expected:
        _list_contents(loc, expected, actual, ctx, out)


def _list_contents(loc: Loc, expected: list[Any], actual: list[Any], ctx: Context,
                   out: list[BodyDiff]) -> None:
    """With a rule on the list, every actual item is compared with the first expected one."""
    template = list(expected)
    if len(actual) > len(expected):
        template.extend([expected[0]] * (len(actual) - len(expected)))
    for index, value in enumerate(template):
        item = (*loc, str(index))
        if index < len(actual):
            _compare(item, value, actual[index], ctx, out)
        elif not ctx.defined(item):
            out.append(BodyDiff(format_path(loc), json_text(expected), json_text(actual),
                                    f"Expected {json_text(value)} ({index}) but was missing"))


def _array_contains(loc: Loc, rule: Rule, lists: tuple[list[Any], list[Any]], ctx: Context,
                    out: list[BodyDiff]) -> None:
    """Each variant (an expected item with its own rules) must match at least one actual item."""
    expected, actual = lists
    path = format_path(loc)
    variants = [(v.index, ctx.with_rules(v.rules)) for v in rule.variants] or \
        [(i, ctx.with_rules(None)) for i in range(len(expected))]
    for index, variant_ctx in variants:
        if index >= len(expected):
            out.append(BodyDiff(path, for_mismatch(expected), for_mismatch(actual),
                                    f"ArrayContains: variant {index} is missing from the "
                                    f"expected list, which has {len(expected)} items"))
            continue
        example = expected[index]
        if not any(not compare_json(example, item, variant_ctx) for item in actual):
            out.append(BodyDiff(path, json_text(example), for_mismatch(actual),
                                    f"Variant at index {index} ({json_text(example)}) was not "
                                    "found in the actual list"))


# ---------------------------------------------------------------------------------------------
# Values


def _compare_values(loc: Loc, expected: Any, actual: Any, ctx: Context,
                    out: list[BodyDiff]) -> None:
    best = ctx.best(loc)
    if best is None:
        if json_equal(expected, actual):
            return
        messages = [f"Expected {shown(actual)} to be equal to {shown(expected)}"]
    else:
        rule_list, cascaded = best
        messages = combine(rule_list,
                           lambda rule: match_json_value(rule, expected, actual, cascaded))
    if messages:
        path = format_path(loc)
        e, a = json_text(expected), json_text(actual)
        out.extend(BodyDiff(path, e, a, m) for m in messages)
