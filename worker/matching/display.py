"""How values appear inside mismatch texts, following the reference's Display and Debug forms."""

from __future__ import annotations

from typing import Any

import orjson


def json_text(value: Any) -> str:
    """Compact JSON with keys sorted, as serde_json's Display prints a value (its maps are
    ordered by key), so a text does not depend on the order the pact wrote its keys in."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


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
    """`'text' (String)`, `12 (Integer)`: a value with its JSON type."""
    return f"{value_of(value)} ({type_of(value)})"


def for_mismatch(items: list[Any]) -> str:
    """A list as the reference's `for_mismatch`: a JSON array of each item's Display text."""
    return json_text([json_text(v) for v in items])


def listed(items: list[Any]) -> str:
    """`[1, "a", {}]`: a list as the reference's `display` helper renders it."""
    return "[" + ", ".join(json_text(v) for v in items) + "]"


def hex_prefix(data: bytes, limit: int) -> str:
    """The first `limit` bytes as lower-case hex, as binary mismatches show them."""
    return data[:limit].hex()


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
    """The `type` rule's notion of "same type": any two numbers are, a bool and a number not."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, (int, float)):
        return isinstance(b, (int, float))
    if a is None:
        return b is None
    return type(a) is type(b)
