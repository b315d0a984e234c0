"""The inner mismatches of a request, as small immutable values ("diffs"), turned into the
reference's JSON only at the edge.

Each class's JSON `type` is the reference's name (`BodyMismatch`, `HeaderMismatch`, ...); the
classes are called `...Diff` so that those names stay free for the consumer front, whose
public classes are pact-python's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pactpool_worker.matching.clip import TEXT_LIMIT, clip, clip_optional


@dataclass(frozen=True, slots=True)
class MethodDiff:
    expected: str
    actual: str
    mismatch: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"type": "MethodMismatch", "expected": _value(self.expected),
                "actual": _value(self.actual),
                "mismatch": clip(self.mismatch, TEXT_LIMIT)}


@dataclass(frozen=True, slots=True)
class PathDiff:
    expected: str
    actual: str
    mismatch: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "PathMismatch", "expected": _value(self.expected),
                "actual": _value(self.actual),
                "mismatch": clip(self.mismatch, TEXT_LIMIT)}


@dataclass(frozen=True, slots=True)
class StatusDiff:
    expected: int
    actual: int
    mismatch: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "StatusMismatch", "expected": _value(self.expected),
                "actual": _value(self.actual),
                "mismatch": clip(self.mismatch, TEXT_LIMIT)}


@dataclass(frozen=True, slots=True)
class QueryDiff:
    parameter: str
    expected: str
    actual: str
    mismatch: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "QueryMismatch", "parameter": clip(self.parameter),
                "expected": _value(self.expected),
                "actual": _value(self.actual), "mismatch": clip(self.mismatch, TEXT_LIMIT)}


@dataclass(frozen=True, slots=True)
class HeaderDiff:
    key: str
    expected: str
    actual: str
    mismatch: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "HeaderMismatch", "key": clip(self.key), "expected": _value(self.expected),
                "actual": _value(self.actual), "mismatch": clip(self.mismatch, TEXT_LIMIT)}


@dataclass(frozen=True, slots=True)
class BodyTypeDiff:
    """The content types differ; `expected`/`actual` are content types, the bodies are text."""

    expected: str
    actual: str
    mismatch: str
    expected_body: str | None
    actual_body: str | None

    def to_json(self) -> dict[str, Any]:
        return {"type": "BodyTypeMismatch", "expected": _value(self.expected),
                "actual": _value(self.actual), "mismatch": clip(self.mismatch, TEXT_LIMIT),
                "expectedBody": clip_optional(self.expected_body),
                "actualBody": clip_optional(self.actual_body)}


@dataclass(frozen=True, slots=True)
class BodyDiff:
    """One difference inside a body; `path` like `$.foo`, or `/` for the whole body."""

    path: str
    expected: str | None
    actual: str | None
    mismatch: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "BodyMismatch", "path": clip(self.path, TEXT_LIMIT),
                "expected": _value(self.expected),
                "actual": _value(self.actual), "mismatch": clip(self.mismatch, TEXT_LIMIT)}


@dataclass(frozen=True, slots=True)
class MetadataDiff:
    """A message metadata entry that differs (messages only; never from a mock server)."""

    key: str
    expected: str
    actual: str
    mismatch: str

    def to_json(self) -> dict[str, Any]:
        return {"type": "MetadataMismatch", "key": clip(self.key),
                "expected": _value(self.expected),
                "actual": _value(self.actual), "mismatch": clip(self.mismatch, TEXT_LIMIT)}


Diff = (MethodDiff | PathDiff | StatusDiff | QueryDiff | HeaderDiff
        | BodyTypeDiff | BodyDiff | MetadataDiff)


def diff_from_json(entry: dict[str, Any]) -> Diff:
    """The diff a `to_json` dict describes; raises `ValueError` for an unknown `type`."""
    kind = entry.get("type")
    get = _getter(entry)
    if kind == "MethodMismatch":
        return MethodDiff(get("expected"), get("actual"), get("mismatch", ""))
    if kind == "PathMismatch":
        return PathDiff(get("expected"), get("actual"), get("mismatch"))
    if kind == "StatusMismatch":
        return StatusDiff(get("expected"), get("actual"), get("mismatch"))
    if kind == "QueryMismatch":
        return QueryDiff(get("parameter"), get("expected"), get("actual"), get("mismatch"))
    if kind == "HeaderMismatch":
        return HeaderDiff(get("key"), get("expected"), get("actual"), get("mismatch"))
    if kind == "BodyTypeMismatch":
        return BodyTypeDiff(get("expected"), get("actual"), get("mismatch"),
                            get("expectedBody"), get("actualBody"))
    if kind == "BodyMismatch":
        return BodyDiff(get("path"), get("expected"), get("actual"), get("mismatch"))
    if kind == "MetadataMismatch":
        return MetadataDiff(get("key"), get("expected"), get("actual"), get("mismatch"))
    raise ValueError(f"not an inner mismatch: type {kind!r}")


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


def _value(value: Any) -> Any:
    """A diff's `expected`/`actual` for JSON: text clipped (statuses are numbers)."""
    return clip(value) if isinstance(value, str) else value


def _getter(entry: dict[str, Any]) -> Callable[..., Any]:
    """`entry.get`, typed as answering Any: the JSON's own shape is checked by its writer."""
    return entry.get
