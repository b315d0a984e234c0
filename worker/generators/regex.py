"""Strings that match a regular expression, built from Python's own parse tree of it.

The pattern is parsed once (by the `re` module's parser, so the syntax is exactly what the
matcher compiles) into a tree of small nodes; a request only walks the tree. Unbounded
repetition (`*`, `+`, `{n,}`) draws at most `MAX_EXTRA` more than the minimum. Constructs a tree
walk cannot honour by itself (lookarounds, `\\b`, case-insensitive negated classes) are
covered by checking each sample with the compiled pattern and drawing again; at load a pattern
must yield a matching sample, and that sample is the fallback if a request's draws all miss.
"""

from __future__ import annotations

import bisect
import importlib
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# `re._parser` (3.11+) was `sre_parse` before; importing the old name warns on 3.11+.
try:
    _parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - Python 3.10
    _parser = importlib.import_module("sre_parse")

MAX_EXTRA = 10
"""Most repetitions drawn above a quantifier's minimum (`*` gives 0 to 10 items, `+` 1 to 11)."""
LOAD_TRIES = 50
REQUEST_TRIES = 10

Ranges = tuple[tuple[int, int], ...]
PRINTABLE: Ranges = ((0x20, 0x7E),)
LATIN1: Ranges = ((0xA1, 0xFF),)
_CATEGORY: dict[str, Ranges] = {
    "CATEGORY_DIGIT": ((0x30, 0x39),),
    "CATEGORY_WORD": ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)),
    "CATEGORY_SPACE": ((0x09, 0x09), (0x20, 0x20)),
}


class RegexGeneratorError(ValueError):
    """The pattern does not compile, or no string can be drawn that matches it."""


class _Out:
    """One draw in progress: the characters so far and the text of each closed group."""

    __slots__ = ("groups", "parts", "random")

    def __init__(self, rng: random.Random) -> None:
        self.random = rng.random  # floats: cheaper than randrange, unbiased enough here
        self.parts: list[str] = []
        self.groups: dict[int, str] = {}


class _Node:
    __slots__ = ()

    def emit(self, out: _Out) -> None:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class _Literal(_Node):
    text: str

    def emit(self, out: _Out) -> None:
        out.parts.append(self.text)


@dataclass(frozen=True, slots=True)
class _Chars(_Node):
    """One character out of a set of code point ranges, each code point equally likely."""

    ranges: Ranges
    cumulative: tuple[int, ...]

    @classmethod
    def of(cls, ranges: Ranges) -> _Chars:
        totals, total = [], 0
        for lo, hi in ranges:
            total += hi - lo + 1
            totals.append(total)
        return cls(ranges, tuple(totals))

    def emit(self, out: _Out) -> None:
        pick = int(out.random() * self.cumulative[-1])
        i = bisect.bisect_right(self.cumulative, pick) if len(self.cumulative) > 1 else 0
        hi = self.ranges[i][1]
        out.parts.append(chr(hi - (self.cumulative[i] - 1 - pick)))


@dataclass(frozen=True, slots=True)
class _Sequence(_Node):
    items: tuple[_Node, ...]

    def emit(self, out: _Out) -> None:
        for item in self.items:
            item.emit(out)


@dataclass(frozen=True, slots=True)
class _Branch(_Node):
    options: tuple[_Node, ...]

    def emit(self, out: _Out) -> None:
        self.options[int(out.random() * len(self.options))].emit(out)


@dataclass(frozen=True, slots=True)
class _Repeat(_Node):
    low: int
    high: int
    item: _Node

    def emit(self, out: _Out) -> None:
        for _ in range(self.low + int(out.random() * (self.high - self.low + 1))):
            self.item.emit(out)


@dataclass(frozen=True, slots=True)
class _Group(_Node):
    number: int | None
    item: _Node

    def emit(self, out: _Out) -> None:
        start = len(out.parts)
        self.item.emit(out)
        if self.number is not None:
            out.groups[self.number] = "".join(out.parts[start:])


@dataclass(frozen=True, slots=True)
class _GroupRef(_Node):
    number: int

    def emit(self, out: _Out) -> None:
        out.parts.append(out.groups.get(self.number, ""))


@dataclass(frozen=True, slots=True)
class _IfGroup(_Node):
    number: int
    yes: _Node
    no: _Node

    def emit(self, out: _Out) -> None:
        (self.yes if self.number in out.groups else self.no).emit(out)


_EMPTY = _Sequence(())


@dataclass(frozen=True, slots=True)
class RegexGenerator:
    """Draws strings that match `pattern`; build it with `compile_regex`."""

    pattern: re.Pattern[str]
    tree: _Node
    fallback: str

    def draw(self, rng: random.Random) -> str:
        """A matching string: a fresh draw, or the load-time sample if the draws all miss."""
        for _ in range(REQUEST_TRIES):
            text = self.sample(rng)
            if self.pattern.fullmatch(text):
                return text
        return self.fallback

    def sample(self, rng: random.Random) -> str:
        """One unchecked walk of the tree (usually, but not always, a match)."""
        out = _Out(rng)
        self.tree.emit(out)
        return "".join(out.parts)


def compile_regex(source: str) -> RegexGenerator:
    """Parse and compile `source` once; raise RegexGeneratorError if it cannot be honoured."""
    try:
        pattern = re.compile(source)
        parsed = _parser.parse(source, 0)
    except (re.error, RecursionError, OverflowError) as exc:
        raise RegexGeneratorError(f"'{source}' is not a valid regular expression: {exc}") from None
    tree = _sequence(parsed)
    probe = random.Random(0)
    for _ in range(LOAD_TRIES):
        text = RegexGenerator(pattern, tree, "").sample(probe)
        if pattern.fullmatch(text):
            return RegexGenerator(pattern, tree, text)
    raise RegexGeneratorError(f"cannot generate a string that matches '{source}' (lookarounds, "
                              "anchors or boundaries that no drawn string satisfies)")


def _sequence(items: Sequence[tuple[Any, Any]]) -> _Node:
    nodes = [node for op, av in items if (node := _node(op.name, av)) is not _EMPTY]
    merged: list[_Node] = []
    for node in nodes:  # adjacent literals become one append
        if merged and isinstance(node, _Literal) and isinstance(merged[-1], _Literal):
            merged[-1] = _Literal(merged[-1].text + node.text)
        else:
            merged.append(node)
    if len(merged) == 1:
        return merged[0]
    return _Sequence(tuple(merged)) if merged else _EMPTY


def _node(op: str, av: Any) -> _Node:
    if op == "LITERAL":
        return _Literal(chr(av))
    if op == "NOT_LITERAL":
        return _chars(_complement(((av, av),)))
    if op == "ANY":
        return _chars(PRINTABLE)
    if op == "IN":
        return _chars(_class_ranges(av))
    if op == "BRANCH":
        return _Branch(tuple(_sequence(option) for option in av[1]))
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, item = av
        return _Repeat(low, low + min(high - low, MAX_EXTRA), _sequence(item))
    if op == "SUBPATTERN":
        return _Group(av[0], _sequence(av[-1]))
    if op == "ATOMIC_GROUP":
        return _sequence(av)
    if op == "GROUPREF":
        return _GroupRef(av)
    if op == "GROUPREF_EXISTS":
        number, yes, no = av
        return _IfGroup(number, _sequence(yes), _sequence(no) if no else _EMPTY)
    if op in ("AT", "ASSERT", "ASSERT_NOT"):
        return _EMPTY  # zero width: the full-match check after the draw enforces them
    raise RegexGeneratorError(f"the regular expression construct {op} is not supported")


def _chars(ranges: Ranges) -> _Node:
    if not ranges:
        raise RegexGeneratorError("a character class matches no character that can be generated")
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _Literal(chr(ranges[0][0]))
    return _Chars.of(ranges)


def _class_ranges(items: Sequence[tuple[Any, Any]]) -> Ranges:
    negate = False
    ranges: list[tuple[int, int]] = []
    for op, av in items:
        name = op.name
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            ranges.append((av, av))
        elif name == "RANGE":
            ranges.append((av[0], av[1]))
        elif name == "CATEGORY":
            category = av.name
            if category.startswith("CATEGORY_NOT_"):
                ranges.extend(_complement(_CATEGORY["CATEGORY_" + category[13:]]))
            elif category in _CATEGORY:
                ranges.extend(_CATEGORY[category])
            else:
                raise RegexGeneratorError(f"the character category {category} is not supported")
        else:
            raise RegexGeneratorError(f"the character class item {name} is not supported")
    merged = _merge(ranges)
    return _complement(merged) if negate else merged


def _merge(ranges: list[tuple[int, int]]) -> Ranges:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return tuple(out)


def _complement(excluded: Ranges) -> Ranges:
    """Printable ASCII minus `excluded`; Latin-1 letters if that leaves nothing."""
    for alphabet in (PRINTABLE, LATIN1):
        kept: list[tuple[int, int]] = []
        for lo, hi in alphabet:
            start = lo
            for ex_lo, ex_hi in _merge(list(excluded)):
                if ex_hi < start or ex_lo > hi:
                    continue
                if ex_lo > start:
                    kept.append((start, ex_lo - 1))
                start = max(start, ex_hi + 1)
            if start <= hi:
                kept.append((start, hi))
        if kept:
            return tuple(kept)
    return ()
