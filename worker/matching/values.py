"""Applying one rule to one value (JSON values or strings), with the reference's messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import orjson

from pactpool_worker.pact.rules import Rule, RuleList

T = TypeVar("T")


def json_text(value: Any) -> str:
    """Compact JSON, as serde_json's Display prints a value."""
    return orjson.dumps(value).decode()


def json_to_string(value: Any) -> str:
    """The reference's `json_to_string`: strings bare, everything else as compact JSON."""
    return value if isinstance(value, str) else json_text(value)


def type_of(value: Any) -> str:
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Decimal"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    return "Object"


def value_of(value: Any) -> str:
    """How a value is shown inside a message: strings quoted with '', others as JSON."""
    if isinstance(value, str):
        return f"'{value}'"
    return json_text(value)


def shown(value: Any) -> str:
    return f"{value_of(value)} ({type_of(value)})"


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: 1 and 1.0 differ, and so do true and 1 (Python's == says otherwise)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(json_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def same_json_type(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, (int, float)):
        return isinstance(b, (int, float))
    if a is None:
        return b is None
    return type(a) is type(b)


def match_json_value(rule: Rule, expected: Any, actual: Any, cascaded: bool) -> str | None:
    """A scalar-or-any JSON value against one rule; the message on failure, else None."""
    kind = rule.kind
    if kind == "regex":
        assert rule.regex is not None
        text = actual if isinstance(actual, str) else json_text(actual)
        if rule.regex.search(text):
            return None
        return f"Expected '{json_to_string(actual)}' to match '{rule.regex.pattern}'"
    if kind == "equality":
        if json_equal(expected, actual):
            return None
        return f"Expected {shown(actual)} to be equal to {shown(expected)}"
    if kind in ("type", "min_type", "max_type", "minmax_type"):
        if not same_json_type(expected, actual):
            return f"Expected {shown(actual)} to be the same type as {shown(expected)}"
        if isinstance(actual, list) and not cascaded:
            return _size_check(rule, actual, f"'{json_text(actual)}'", "item(s)")
        return None
    if kind == "include":
        text = actual if isinstance(actual, str) else json_text(actual)
        if rule.value in text:
            return None
        return f"Expected '{json_to_string(actual)}' to include '{rule.value}'"
    if kind == "null":
        return None if actual is None else f"Expected {shown(actual)} to be a null value"
    if kind == "integer":
        if isinstance(actual, int) and not isinstance(actual, bool):
            return None
        return f"Expected {shown(actual)} to be an integer"
    if kind == "decimal":
        if isinstance(actual, float):
            return None
        return f"Expected {shown(actual)} to be a decimal number"
    if kind == "number":
        if isinstance(actual, (int, float)) and not isinstance(actual, bool):
            return None
        return f"Expected {shown(actual)} to be a number"
    # boolean
    if isinstance(actual, bool) or actual in ("true", "false"):
        return None
    return f"Expected {shown(actual)} to match a boolean"


def _size_check(rule: Rule, actual: Any, what: str, unit: str) -> str | None:
    n = len(actual)
    if rule.min is not None and n < rule.min:
        return f"Expected {what} to have at least {rule.min} {unit}"
    if rule.max is not None and n > rule.max:
        return f"Expected {what} to have at most {rule.max} {unit}"
    return None


def match_string(rule: Rule, expected: str, actual: str, cascaded: bool) -> str | None:
    """A string (header, query, path, text body, XML value) against one rule."""
    kind = rule.kind
    if kind == "regex":
        assert rule.regex is not None
        if rule.regex.search(actual):
            return None
        return f"Expected '{actual}' to match '{rule.regex.pattern}'"
    if kind == "equality":
        return None if expected == actual else f"Expected '{actual}' to be equal to '{expected}'"
    if kind in ("type", "min_type", "max_type", "minmax_type"):
        return None
    if kind == "include":
        return None if rule.value in actual else f"Expected '{actual}' to include '{rule.value}'"
    if kind in ("number", "decimal"):
        try:
            float(actual)
        except ValueError:
            return f"Expected '{actual}' to match a number"
        return None
    if kind == "integer":
        return None if actual.isdigit() else f"Expected '{actual}' to match an integer number"
    if kind == "boolean":
        return None if actual in ("true", "false") else f"Expected {actual} to match a boolean"
    # null: strings are never null
    if cascaded:
        return None
    return f"Unable to match '{actual}' using {rule.name}"


def match_list_rule(rule: Rule, expected: list[Any], actual: list[Any], cascaded: bool,
                    display: Callable[[Any], str]) -> str | None:
    """A rule applied to a list as a whole (length checks and equality)."""
    kind = rule.kind
    if kind in ("min_type", "max_type", "minmax_type"):
        if cascaded:
            return None
        items = "[" + ", ".join(display(v) for v in actual) + "]"
        n = len(actual)
        if rule.min is not None and n < rule.min:
            return f"Expected {items} (size {n}) to have minimum size of {rule.min}"
        if rule.max is not None and n > rule.max:
            return f"Expected {items} (size {n}) to have maximum size of {rule.max}"
        return None
    if kind == "equality":
        if json_equal(expected, actual):
            return None
        return (f"Expected {json_text([display(v) for v in actual])} to be equal to "
                f"{json_text([display(v) for v in expected])}")
    if kind == "null":
        return f"Unable to match {json_text([display(v) for v in actual])} using {rule.name}"
    return None


def combine(rule_list: RuleList, check: Callable[[Rule], str | None]) -> list[str]:
    """Run every rule; AND fails with all failures, OR fails only when every rule failed."""
    failures = [m for m in (check(r) for r in rule_list.rules) if m is not None]
    if rule_list.combine == "OR" and len(failures) < len(rule_list.rules):
        return []
    return failures
