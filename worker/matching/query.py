"""Query parameters: every expected key present, no unexpected keys, values in order."""

from __future__ import annotations

from urllib.parse import unquote_plus

from pactpool_worker.matching.mismatches import QueryDiff, rust_debug
from pactpool_worker.matching.rule_context import Context
from pactpool_worker.matching.value_rules import combine, match_string, size_violation
from pactpool_worker.pact.rules import SIZED_KINDS

Query = dict[str, list[str | None]]


def match_query(expected: Query | None, actual: Query | None,
                ctx: Context) -> dict[str, list[QueryDiff]]:
    """Per parameter name (expected ones, then unexpected ones): its mismatches."""
    result: dict[str, list[QueryDiff]] = {}
    expected = expected or {}
    actual = actual or {}
    for key, values in expected.items():
        e_values = [v or "" for v in values]
        if key not in actual:
            result[key] = [QueryDiff(key, rust_debug(e_values), "",
                                         f"Expected query parameter '{key}' but was missing")]
            continue
        a_values = [v or "" for v in actual[key]]
        result[key] = _values(key, e_values, a_values, ctx)
    for key, values in actual.items():
        if key not in expected:
            result[key] = [QueryDiff(key, "", rust_debug([v or "" for v in values]),
                                         f"Unexpected query parameter '{key}' received")]
    return result


def match_raw_query(expected_raw: str | None, actual_raw: str | None) -> QueryDiff | None:
    """V1: the decoded query strings must be equal, so order and stray `&` matter."""
    e = unquote_plus(expected_raw or "")
    a = unquote_plus(actual_raw or "")
    if e == a:
        return None
    return QueryDiff("", expected_raw or "", actual_raw or "",
                         f"Expected query string '{e}' but was '{a}'")


def _values(key: str, expected: list[str], actual: list[str], ctx: Context) -> list[QueryDiff]:
    loc = ("$", key)
    defined = ctx.defined(loc)
    if expected == actual and not defined:
        return []  # the common case: no texts to format
    e_debug, a_debug = rust_debug(expected), rust_debug(actual)
    if defined:
        best = ctx.best(loc)
        assert best is not None
        rule_list, cascaded = best
        if not expected:
            return []
        out: list[QueryDiff] = []
        for rule in rule_list.rules:
            violation = None if cascaded or rule.kind not in SIZED_KINDS else \
                size_violation(rule, len(actual))
            if violation is not None:
                out.append(QueryDiff(key, e_debug, a_debug,
                                         f"Expected [{', '.join(actual)}] (size {len(actual)}) "
                                         f"to have {violation[0]} size of {violation[1]}"))
        for index, value in enumerate(actual):
            e_value = expected[index] if index < len(expected) else expected[0]
            out.extend(_value(key, index, e_value, value, ctx))
        return out
    if not expected and actual:
        return [QueryDiff(key, e_debug, a_debug, f"Expected an empty parameter list for "
                              f"'{key}' but received {a_debug}")]
    out = []
    for index in range(max(len(expected), len(actual))):
        e_value = expected[index] if index < len(expected) else ""
        if index < len(actual):
            out.extend(_value(key, index, e_value, actual[index], ctx))
        else:
            out.append(QueryDiff(key, e_debug, a_debug, f"Expected query parameter '{key}' "
                                     f"value '{e_value}' but was missing"))
    if len(expected) != len(actual):
        out.append(QueryDiff(key, e_debug, a_debug, f"Expected query parameter '{key}' with "
                                 f"{len(expected)} value(s) but received {len(actual)} value(s)"))
    return out


def _value(key: str, index: int, expected: str, actual: str, ctx: Context) -> list[QueryDiff]:
    best = ctx.best(("$", key, str(index)))
    if best is None:
        if expected == actual:
            return []
        return [QueryDiff(key, expected, actual, f"Expected query parameter '{key}' with value "
                              f"'{expected}' but was '{actual}'")]
    rule_list, cascaded = best
    return [QueryDiff(key, expected, actual, m) for m in combine(
        rule_list, lambda r: match_string(r, expected, actual, cascaded))]
