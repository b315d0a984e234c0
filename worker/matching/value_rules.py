"""Applying one rule to one value, with the reference's messages.

A value is a JSON scalar (bodies), a string (headers, query, path, text bodies, XML text and
attributes, form fields), or a list or map taken as a whole (size, equality, emptiness).
Each function returns the failure message, or None when the rule accepts the value.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any

from pactpool_worker.matching.clip import clip
from pactpool_worker.matching.detected_type import content_type_problem
from pactpool_worker.matching.display import (
    for_mismatch,
    json_equal,
    json_text,
    json_to_string,
    listed,
    same_json_type,
    shown,
)
from pactpool_worker.pact.rules import SIZED_KINDS, TYPE_KINDS, Rule, RuleList
from pactpool_worker.pact.semver import semver_problem

_DATE_WORDS = {"date": "date", "time": "time", "timestamp": "timestamp"}
_INTEGER = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                     r"|[+-]?(?:inf|infinity|NaN)", re.IGNORECASE)
_U64_MAX = 2**64 - 1


def combine(rule_list: RuleList, check: Callable[[Rule], str | None]) -> list[str]:
    """Run every rule; AND fails with all failures, OR fails only when every rule failed."""
    rules = rule_list.rules
    if len(rules) == 1:
        message = check(rules[0])
        return [] if message is None else [message]
    failures = [m for m in (check(r) for r in rule_list.rules) if m is not None]
    if rule_list.combine == "OR" and len(failures) < len(rule_list.rules):
        return []
    return failures


def apply_rules(best: tuple[RuleList, bool], expected: str, actual: str) -> list[str]:
    """The messages of a string against the rules `RuleCategory.best` found for it."""
    rule_list, cascaded = best
    return combine(rule_list, lambda r: match_string(r, expected, actual, cascaded))


def size_violation(rule: Rule, size: int) -> tuple[str, int] | None:
    """`("minimum", n)` or `("maximum", n)` when a collection's size breaks a min/max rule."""
    if rule.min is not None and size < rule.min:
        return "minimum", rule.min
    if rule.max is not None and size > rule.max:
        return "maximum", rule.max
    return None


def match_json_value(rule: Rule, expected: Any, actual: Any, cascaded: bool) -> str | None:
    """A JSON value (usually a scalar) against one rule."""
    kind = rule.kind
    if kind == "regex":
        assert rule.regex is not None
        text = actual if isinstance(actual, str) else json_text(actual)
        if rule.regex.fullmatch(text):
            return None
        return (f"Expected '{clip(json_to_string(actual))}' to match "
                f"'{clip(rule.regex.pattern)}'{rule.regex.note(text)}")
    if kind in ("equality", "values"):
        if json_equal(expected, actual):
            return None
        return f"Expected {clip(shown(actual))} to be equal to {clip(shown(expected))}"
    if kind in TYPE_KINDS:
        if not same_json_type(expected, actual):
            return f"Expected {clip(shown(actual))} to be the same type as {clip(shown(expected))}"
        if isinstance(actual, list) and not cascaded:
            violation = size_violation(rule, len(actual))
            if violation is not None:
                word = "at least" if violation[0] == "minimum" else "at most"
                return f"Expected '{clip(json_text(actual))}' to have {word} {violation[1]} item(s)"
        return None
    if kind == "include":
        text = actual if isinstance(actual, str) else json_text(actual)
        if rule.value in text:
            return None
        return f"Expected '{clip(json_to_string(actual))}' to include '{clip(rule.value)}'"
    if kind == "null":
        return None if actual is None else f"Expected {clip(shown(actual))} to be a null value"
    if kind == "integer":
        if isinstance(actual, int) and not isinstance(actual, bool):
            return None
        return f"Expected {clip(shown(actual))} to be an integer"
    if kind == "decimal":
        return None if isinstance(actual, float) else \
            f"Expected {clip(shown(actual))} to be a decimal number"
    if kind == "number":
        if isinstance(actual, (int, float)) and not isinstance(actual, bool):
            return None
        return f"Expected {clip(shown(actual))} to be a number"
    if kind == "boolean":
        if isinstance(actual, bool) or actual in ("true", "false"):
            return None
        return f"Expected {clip(shown(actual))} to match a boolean"
    if kind in _DATE_WORDS:
        text = json_to_string(actual)
        assert rule.date_format is not None
        problem = rule.date_format.check(text)
        if problem is None:
            return None
        return (f"Expected '{text}' to match a {_DATE_WORDS[kind]} pattern of "
                f"'{rule.date_format.pattern}': {problem}")
    if kind == "content_type":
        problem = content_type_problem(_data_of(actual), rule.value)
        if problem is None:
            return None
        return f"Failed to match data to have a content type of '{clip(rule.value)}': {problem}"
    if kind == "not_empty":
        return _emptiness(actual)
    if kind == "semver":
        if not isinstance(actual, str):
            return ("Expected something that matches a semantic version, but got "
                    f"'{clip(json_text(actual))}'")
        problem = semver_problem(actual)
        return None if problem is None else \
            f"'{clip(actual)}' is not a valid semantic version - {problem}"
    # statusCode, arrayContains, eachKey, eachValue say nothing about a single JSON value.
    return None


def _data_of(value: Any) -> bytes:
    """Binary data in JSON: a base64 string when it decodes, else the text itself."""
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return value.encode()
    return json_text(value).encode()


def _emptiness(actual: Any) -> str | None:
    if actual is None:
        return "Expected non-empty but got a NULL"
    if actual == "" and isinstance(actual, str):
        return "Expected '' (String) to not be empty"
    if isinstance(actual, list) and not actual:
        return "Expected [] (Array) to not be empty"
    if isinstance(actual, dict) and not actual:
        return "Expected {} (Object) to not be empty"
    return None


def match_string(rule: Rule, expected: str, actual: str, cascaded: bool) -> str | None:
    """A string (header, query, path, status, text body, XML text, form field) against one rule."""
    kind = rule.kind
    if kind == "regex":
        assert rule.regex is not None
        if rule.regex.fullmatch(actual):
            return None
        return (f"Expected '{clip(actual)}' to match '{clip(rule.regex.pattern)}'"
                f"{rule.regex.note(actual)}")
    if kind in ("equality", "values"):
        return None if expected == actual else \
            f"Expected '{clip(actual)}' to be equal to '{clip(expected)}'"
    if kind in TYPE_KINDS:
        return None
    if kind == "include":
        return None if rule.value in actual else \
            f"Expected '{clip(actual)}' to include '{clip(rule.value)}'"
    if kind in ("number", "decimal"):
        return None if _NUMBER.fullmatch(actual) else f"Expected '{clip(actual)}' to match a number"
    if kind == "integer":
        if _INTEGER.fullmatch(actual) and int(actual) <= _U64_MAX:
            return None
        return f"Expected '{clip(actual)}' to match an integer number"
    if kind == "boolean":
        return None if actual in ("true", "false") else \
            f"Expected {clip(actual)} to match a boolean"
    if kind in _DATE_WORDS:
        assert rule.date_format is not None
        if rule.date_format.check(actual) is None:
            return None
        return (f"Expected '{clip(actual)}' to match a {_DATE_WORDS[kind]} pattern of "
                f"'{rule.date_format.pattern}'")
    if kind == "status_code":
        assert rule.status is not None
        if not _INTEGER.fullmatch(actual) or int(actual) > 65535:
            return (f"Unable to match '{clip(actual)}' using {clip(rule.name)} - invalid digit "
                    f"found in string")
        if rule.status.accepts(int(actual)):
            return None
        return f"Expected status code {int(actual)} to be a {rule.status}"
    if kind == "not_empty":
        return "Expected '' (String) to not be empty" if actual == "" else None
    if kind == "semver":
        problem = semver_problem(actual)
        return None if problem is None else \
            f"'{clip(actual)}' is not a valid semantic version - {problem}"
    if kind == "content_type":
        return content_type_problem(actual.encode(), rule.value)
    # null (strings are never null) and the collection rules (values, eachKey, ...).
    if cascaded:
        return None
    return f"Unable to match '{clip(actual)}' using {clip(rule.name)}"


def _size_message(rule: Rule, cascaded: bool, shown_value: str, size: int) -> str | None:
    """The reference's min/max text for a collection, or None within bounds (or cascaded)."""
    violation = None if cascaded else size_violation(rule, size)
    if violation is None:
        return None
    return (f"Expected {clip(shown_value)} (size {size}) to have {violation[0]} size of "
            f"{violation[1]}")


def match_list_rule(rule: Rule, expected: list[Any], actual: list[Any],
                    cascaded: bool) -> str | None:
    """A rule applied to a JSON list as a whole (size, equality, emptiness)."""
    kind = rule.kind
    if kind in SIZED_KINDS:
        return _size_message(rule, cascaded, listed(actual), len(actual))
    if kind == "equality":
        if json_equal(expected, actual):
            return None
        return (f"Expected {clip(for_mismatch(actual))} to be equal to "
                f"{clip(for_mismatch(expected))}")
    if kind == "not_empty":
        return "Expected [] (Array) to not be empty" if not actual else None
    if kind in ("null", "status_code"):
        return f"Unable to match {clip(for_mismatch(actual))} using {clip(rule.name)}"
    return None


def match_map_rule(rule: Rule, expected: dict[str, Any], actual: dict[str, Any],
                   cascaded: bool) -> str | None:
    """A rule applied to a JSON object as a whole (size, equality, emptiness)."""
    kind = rule.kind
    if kind in ("type", "regex", "values", "each_key", "each_value", "array_contains"):
        return None
    if kind in SIZED_KINDS:
        return _size_message(rule, cascaded, json_text(actual), len(actual))
    if kind == "equality":
        if json_equal(expected, actual):
            return None
        return f"Expected {clip(json_text(actual))} to be equal to {clip(json_text(expected))}"
    if kind == "not_empty":
        return f"Expected {clip(json_text(actual))} (Map) to not be empty" if not actual else None
    return f"Unable to match {clip(json_text(actual))} using {clip(rule.name)}"
