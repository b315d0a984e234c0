"""JSON bodies: walk expected and actual together, applying the most specific rule at each place."""

from __future__ import annotations

from typing import Any

from pactpool_worker.matching.context import Context, Loc
from pactpool_worker.matching.mismatches import BodyMismatch
from pactpool_worker.matching.values import (
    combine,
    json_equal,
    json_text,
    json_to_string,
    match_json_value,
    match_list_rule,
    shown,
)
from pactpool_worker.pact.jsonpath import format_path
from pactpool_worker.pact.rules import Rule

ROOT: Loc = ("$",)


def compare_json(expected: Any, actual: Any, ctx: Context) -> list[BodyMismatch]:
    """All differences between two parsed JSON documents."""
    out: list[BodyMismatch] = []
    _compare(ROOT, expected, actual, ctx, out)
    return out


def _compare(loc: Loc, expected: Any, actual: Any, ctx: Context, out: list[BodyMismatch]) -> None:
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


def _type_mismatch(loc: Loc, expected: Any, actual: Any) -> BodyMismatch:
    return BodyMismatch(format_path(loc), json_to_string(expected), json_to_string(actual),
                        f"Type mismatch: Expected {shown(actual)} to be the same type as "
                        f"{shown(expected)}")


def _compare_maps(loc: Loc, expected: dict[str, Any], actual: dict[str, Any], ctx: Context,
                  out: list[BodyMismatch]) -> None:
    if not expected and actual and not ctx.allow_unexpected:
        out.append(BodyMismatch(format_path(loc), json_text(expected), json_text(actual),
                                f"Expected an empty Map but received {json_text(actual)}"))
        return
    best = ctx.best(loc)
    if best is not None:
        rule_list, cascaded = best
        for rule in rule_list.rules:
            message = _map_rule(rule, expected, actual, cascaded)
            if message is not None:
                out.append(BodyMismatch(format_path(loc), json_text(expected), json_text(actual),
                                        message))
            _match_keys(loc, expected, actual, ctx, out)
            _compare_entries(loc, expected, actual, ctx, out)
        return
    _match_keys(loc, expected, actual, ctx, out)
    _compare_entries(loc, expected, actual, ctx, out)


def _compare_entries(loc: Loc, expected: dict[str, Any], actual: dict[str, Any], ctx: Context,
                     out: list[BodyMismatch]) -> None:
    for key, value in expected.items():
        if key in actual:
            _compare((*loc, key), value, actual[key], ctx, out)


def _map_rule(rule: Rule, expected: dict[str, Any], actual: dict[str, Any],
              cascaded: bool) -> str | None:
    kind = rule.kind
    if kind in ("type", "regex"):
        return None
    if kind in ("min_type", "max_type", "minmax_type"):
        if cascaded:
            return None
        n = len(actual)
        if rule.min is not None and n < rule.min:
            return f"Expected {json_text(actual)} (size {n}) to have minimum size of {rule.min}"
        if rule.max is not None and n > rule.max:
            return f"Expected {json_text(actual)} (size {n}) to have maximum size of {rule.max}"
        return None
    if kind == "equality":
        if json_equal(expected, actual):
            return None
        return f"Expected {json_text(actual)} to be equal to {json_text(expected)}"
    return f"Unable to match {json_text(actual)} using {rule.name}"


def _match_keys(loc: Loc, expected: dict[str, Any], actual: dict[str, Any], ctx: Context,
                out: list[BodyMismatch]) -> None:
    expected_keys = sorted(expected)
    actual_keys = sorted(actual)
    if ctx.allow_unexpected:
        missing = [k for k in expected_keys if k not in actual]
        if missing:
            out.append(BodyMismatch(format_path(loc), json_text(expected_keys),
                                    json_text(actual_keys),
                                    f"Actual map is missing the following keys: "
                                    f"{', '.join(missing)}"))
    elif expected_keys != actual_keys:
        out.append(BodyMismatch(format_path(loc), json_text(expected_keys), json_text(actual_keys),
                                f"Expected a Map with keys [{', '.join(expected_keys)}] but "
                                f"received one with keys [{', '.join(actual_keys)}]"))


def _compare_lists(loc: Loc, expected: list[Any], actual: list[Any], ctx: Context,
                   out: list[BodyMismatch]) -> None:
    best = ctx.best(loc)
    if best is not None:
        rule_list, cascaded = best
        if not expected:
            return
        results: list[list[BodyMismatch]] = []
        for rule in rule_list.rules:
            found: list[BodyMismatch] = []
            message = match_list_rule(rule, expected, actual, cascaded, json_text)
            if message is not None:
                found.append(BodyMismatch(format_path(loc), json_text(expected), json_text(actual),
                                          message))
            _list_contents(loc, expected, actual, ctx, found)
            results.append(found)
        if rule_list.combine == "OR" and any(not r for r in results):
            return
        for r in results:
            out.extend(r)
        return
    if not expected and actual:
        out.append(BodyMismatch(format_path(loc), json_text(expected), json_text(actual),
                                f"Expected an empty List but received {json_text(actual)}"))
        return
    path = format_path(loc)
    for index, value in enumerate(expected):
        if index < len(actual):
            _compare((*loc, str(index)), value, actual[index], ctx, out)
        elif not ctx.defined((*loc, str(index))):
            out.append(BodyMismatch(path, json_text(expected), json_text(actual),
                                    f"Expected {json_to_string(value)} but was missing"))
    if len(expected) != len(actual):
        out.append(BodyMismatch(path, json_text(expected), json_text(actual),
                                f"Expected a List with {len(expected)} elements but received "
                                f"{len(actual)} elements"))


def _list_contents(loc: Loc, expected: list[Any], actual: list[Any], ctx: Context,
                   out: list[BodyMismatch]) -> None:
    """With a rule on the list, every actual item is compared with the first expected one."""
    template = list(expected)
    if len(actual) > len(expected):
        template.extend([expected[0]] * (len(actual) - len(expected)))
    for index, value in enumerate(template):
        item = (*loc, str(index))
        if index < len(actual):
            _compare(item, value, actual[index], ctx, out)
        elif not ctx.defined(item):
            out.append(BodyMismatch(format_path(loc), json_text(expected), json_text(actual),
                                    f"Expected {json_text(value)} ({index}) but was missing"))


def _compare_values(loc: Loc, expected: Any, actual: Any, ctx: Context,
                    out: list[BodyMismatch]) -> None:
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
        out.extend(BodyMismatch(path, e, a, m) for m in messages)
