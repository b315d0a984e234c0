"""Mismatches: small immutable values, turned into the reference's JSON only at the edge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class MethodMismatch:
    expected: str
    actual: str
    mismatch: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"type": "MethodMismatch", "expected": self.expected, "actual": self.actual,
                "mismatch": self.mismatch}


@dataclass(frozen=True, slots=True)
class PathMismatch:
    expected: str
    actual: str
    mismatch: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "PathMismatch", "expected": self.expected, "actual": self.actual,
                "mismatch": self.mismatch}


@dataclass(frozen=True, slots=True)
class StatusMismatch:
    expected: int
    actual: int
    mismatch: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "StatusMismatch", "expected": self.expected, "actual": self.actual,
                "mismatch": self.mismatch}


@dataclass(frozen=True, slots=True)
class QueryMismatch:
    parameter: str
    expected: str
    actual: str
    mismatch: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "QueryMismatch", "parameter": self.parameter, "expected": self.expected,
                "actual": self.actual, "mismatch": self.mismatch}


@dataclass(frozen=True, slots=True)
class HeaderMismatch:
    key: str
    expected: str
    actual: str
    mismatch: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "HeaderMismatch", "key": self.key, "expected": self.expected,
                "actual": self.actual, "mismatch": self.mismatch}


@dataclass(frozen=True, slots=True)
class BodyTypeMismatch:
    """The content types differ; `expected`/`actual` are content types, the bodies are text."""

    expected: str
    actual: str
    mismatch: str
    expected_body: str | None
    actual_body: str | None

    def to_json(self) -> dict[str, Any]:
        return {"type": "BodyTypeMismatch", "expected": self.expected, "actual": self.actual,
                "mismatch": self.mismatch, "expectedBody": self.expected_body,
                "actualBody": self.actual_body}


@dataclass(frozen=True, slots=True)
class BodyMismatch:
    """One difference inside a body; `path` like `$.foo`, or `/` for the whole body."""

    path: str
    expected: str | None
    actual: str | None
    mismatch: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "BodyMismatch", "path": self.path, "expected": self.expected,
                "actual": self.actual, "mismatch": self.mismatch}


@dataclass(frozen=True, slots=True)
class MetadataMismatch:
    """A message metadata entry that differs (messages only; never from a mock server)."""

    key: str
    expected: str
    actual: str
    mismatch: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "MetadataMismatch", "key": self.key, "expected": self.expected,
                "actual": self.actual, "mismatch": self.mismatch}


Mismatch = (MethodMismatch | PathMismatch | StatusMismatch | QueryMismatch | HeaderMismatch
            | BodyTypeMismatch | BodyMismatch | MetadataMismatch)


def text_of(data: bytes | None) -> str | None:
    """Bytes as the reference puts them in mismatch JSON (UTF-8, or its error marker)."""
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "ERROR: could not convert from bytes"


def rust_debug(value: str | list[str]) -> str:
    """Rust's `{:?}` of a string or a list of strings, used in some reference fields."""
    if isinstance(value, list):
        return "[" + ", ".join(rust_debug(v) for v in value) + "]"
    out = ['"']
    for ch in value:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
