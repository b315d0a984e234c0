"""Regexes from pacts, run so that no pact and no request can stall a worker.

Python's `re` backtracks: `(a+)+$` against 49 `a`s and a `!` takes longer than the age of
the universe, and the worker serves nothing meanwhile. So a rule's regex runs on RE2
(`google-re2`), whose automata take time linear in the text, and whose syntax is the family
of the Rust reference's `regex` crate. A pattern RE2 cannot run (look-around,
back-references, as Java-written pacts have; a program too large) falls back to the `regex`
module with a time limit per match, and a match that runs out of time is a mismatch that
says so.

RE2's Python binding costs about 0.4 us a call, three times `re` on a short value, so a
pattern whose backtracking is bounded *by its shape* (`backtracking_bound`: at most one
repeat of variable length, nothing that chooses inside a repeat, few choices elsewhere) runs
on `re`, where a full match costs at most that many passes over the text: `\\d+`,
`[0-9a-f-]{36}`, `application/.*json`. Whether a value matches does not depend on the
engine, only how long the answer takes.

Where RE2 and Rust differ, the reference wins: `\\d`, `\\w`, `\\s` (and their negations
outside a class) are rewritten into their Unicode forms, as Rust's are Unicode by default.
A `[...]` class containing `\\W`, `\\S` or `\\D`'s complement keeps RE2's ASCII meaning.
"""

from __future__ import annotations

import importlib
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import re2
import regex
from re2 import _re2

PER_MATCH_SECONDS = 0.1
"""The longest one fallback (`regex` module) match may run before it counts as a mismatch."""
REQUEST_SECONDS = 0.5
"""What every fallback match of one request may take together (see `time_budget`)."""
MAX_PROGRAM = 20_000
"""RE2 instructions at most: RE2's time is linear in text x program; bigger ones fall back."""

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a pattern RE2 refuses is not an error here: it falls back
_OPTIONS.never_capture = True  # a rule asks "does it match?": the DFA alone answers that
_GROUP_OPTIONS = re2.Options()
_GROUP_OPTIONS.log_errors = False
_BOTH = re2._Anchor.ANCHOR_BOTH
_NO_SPAN = (-1, -1)

# Rust's Unicode classes written for RE2 (which has no White_Space property: Z plus controls).
_WORD = r"\p{L}\p{M}\p{Nd}\p{Pc}"
_SPACE = r"\t-\r\x{85}\p{Z}"
_OUTSIDE = {"d": r"\p{Nd}", "D": r"\P{Nd}", "w": f"[{_WORD}]", "W": f"[^{_WORD}]",
            "s": f"[{_SPACE}]", "S": f"[^{_SPACE}]"}
_INSIDE = {"d": r"\p{Nd}", "D": r"\P{Nd}", "w": _WORD, "s": _SPACE}

_deadline: float | None = None
_parser: Any = importlib.import_module("re._parser" if hasattr(re, "_parser") else "sre_parse")
_CHARS = frozenset({"LITERAL", "NOT_LITERAL", "ANY", "IN", "AT"})
_CATEGORIES = {f"CATEGORY_{name}": re.compile(f"\\{letter}") for name, letter in (
    ("DIGIT", "d"), ("NOT_DIGIT", "D"), ("SPACE", "s"), ("NOT_SPACE", "S"), ("WORD", "w"),
    ("NOT_WORD", "W"))}
_SMALL = 8
"""A repeat whose length varies by at most this much counts as a few choices, not a loop."""
RULE_CHOICES = 16
"""`re` runs a pattern with one loop whose choices multiply to at most this."""
FIXED_CHOICES = 4096
"""`re` runs a pattern without a loop whose choices multiply to at most this."""


class RegexCompileError(ValueError):
    """Neither engine accepts the pattern; the message is the fallback engine's reason."""


@contextmanager
def time_budget(seconds: float = REQUEST_SECONDS) -> Iterator[None]:
    """Bound what every fallback match inside the block takes together (one request's
    matching): a pact whose every value hits a slow pattern still answers in `seconds`."""
    global _deadline
    previous = _deadline
    _deadline = time.monotonic() + seconds
    try:
        yield
    finally:
        _deadline = previous


def unicode_classes(pattern: str) -> str:
    """The pattern with `\\d`, `\\w`, `\\s` (and negations) in Rust's Unicode meaning."""
    if "\\" not in pattern:
        return pattern
    out: list[str] = []
    i, n, depth = 0, len(pattern), 0
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            letter = pattern[i + 1]
            table = _INSIDE if depth else _OUTSIDE
            out.append(table.get(letter, pattern[i:i + 2]))
            i += 2
            continue
        if ch == "[" and not depth:
            depth = 1
            out.append(ch)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":  # a leading `]` is a literal
                out.append("]")
                i += 1
            continue
        if ch == "]" and depth:
            depth = 0
        out.append(ch)
        i += 1
    return "".join(out)


def backtracking_bound(pattern: str) -> tuple[int, int] | None:
    """(loops, choices) when `re`'s full match of `pattern` costs at most `choices` x
    (text length ** loops) x (pattern length) steps; None when its shape bounds nothing
    (a loop or choice inside a repeat, look-around, back-references) or `re` refuses it.

    A loop is a repeat of unbounded or large length over a choice-free body. Choices are
    alternatives and short repeats outside loops: each combination is tried once. A loop
    over one character class that must end where it does (`[^@]+@`, or the last thing in
    the pattern) multiplies nothing, unless a loop that may end anywhere comes before it and
    it can be entered at overlapping places; counted: one for such a loop (and for any
    later loop), none when every loop must end where it does.
    """
    if "[[:" in pattern:  # a POSIX class for RE2 and Rust, a plain set for `re`
        return None
    try:
        tree = _parser.parse(pattern)
    except Exception:  # anything `re` refuses (or chokes on) is left to RE2
        return None
    counts, kinds = [1], list[str]()
    exact = "(?" not in pattern  # inline flags (ignore case) change what a class holds
    if not _shape(tree, counts, kinds, False, exact=exact, top=True):
        return None
    if "A" not in kinds:
        return 0, counts[0]
    first = kinds.index("A")
    return (1 if all(kind == "G" for kind in kinds[first + 1:]) else 2), counts[0]


def _shape(items: Sequence[Any], counts: list[int], kinds: list[str], in_repeat: bool, *,
           exact: bool, top: bool) -> bool:
    """Walk a parsed pattern: False when its shape bounds nothing; `kinds` gets one letter
    per loop: A may end anywhere, D must end where it does, G also scans apart (gated by a
    character it does not hold, so two entries never scan the same text)."""
    for index, (op, arg) in enumerate(items):
        name = str(op)
        if name in _CHARS:
            continue
        if name == "SUBPATTERN":
            if not _shape(arg[-1], counts, kinds, in_repeat, exact=exact, top=False):
                return False
        elif name == "BRANCH":
            if in_repeat:
                return False
            counts[0] *= len(arg[1])
            for branch in arg[1]:
                if not _shape(branch, counts, kinds, False, exact=exact, top=False):
                    return False
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, body = arg
            if high != low:
                if in_repeat:
                    return False
                if high - low <= _SMALL:
                    counts[0] *= high - low + 1
                elif not (exact and _ends_where_it_must(body, items[index + 1:], top)):
                    kinds.append("A")
                elif index and str(items[index - 1][0]) == "LITERAL" and \
                        not _holds(body[0], chr(items[index - 1][1])):
                    kinds.append("G")
                else:
                    kinds.append("D")
            if not _shape(body, counts, kinds, True, exact=exact, top=False):
                return False
        else:
            return False
    return True


def _ends_where_it_must(body: Sequence[Any], rest: Sequence[Any], top: bool) -> bool:
    """A loop over one character class that ends the pattern, or is followed by a literal
    character the class does not hold: only one length of it can lead to a match, and every
    other length fails at the next step, so it multiplies nothing."""
    if len(body) != 1 or str(body[0][0]) not in _CHARS - {"AT"}:
        return False
    if not rest:
        return top
    op, arg = rest[0]
    return str(op) == "LITERAL" and not _holds(body[0], chr(arg))


def _holds(item: tuple[Any, Any], char: str) -> bool:
    """Whether a parsed single-character item may match `char` (True when unsure)."""
    op, arg = str(item[0]), item[1]
    if op == "LITERAL":
        return bool(arg == ord(char))
    if op == "NOT_LITERAL":
        return bool(arg != ord(char))
    if op == "ANY":
        return char != "\n"
    if op != "IN":
        return True
    held, negated = False, False
    for op_code, value in arg:
        kind = str(op_code)
        if kind == "NEGATE":
            negated = True
        elif kind == "LITERAL":
            held = held or value == ord(char)
        elif kind == "RANGE":
            held = held or value[0] <= ord(char) <= value[1]
        elif kind == "CATEGORY" and str(value) in _CATEGORIES:
            held = held or _CATEGORIES[str(value)].fullmatch(char) is not None
        else:
            return True
    return held != negated


def _linear_on_re(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    """`re`'s compiled pattern when its shape bounds backtracking: no loop, and choices that
    cost a fixed number of steps whatever the text; or one loop and few choices."""
    bound = backtracking_bound(pattern)
    if bound is None:
        return None
    loops, choices = bound
    if (loops == 0 and choices <= FIXED_CHOICES) or (loops == 1 and choices <= RULE_CHOICES):
        return re.compile(pattern, flags)
    return None


class LinearPattern:
    """A pattern with named groups that pactpool writes itself (date formats): on `re` when
    its shape bounds backtracking, else on RE2, which always accepts what pactpool writes.
    `ascii`: `\\d` means `[0-9]` (RE2's meaning anyway)."""

    __slots__ = ("_match", "_names", "_re", "pattern")

    def __init__(self, pattern: str, ascii: bool = False) -> None:
        self.pattern = pattern
        self._re = _linear_on_re(pattern, re.ASCII if ascii else 0)
        self._names: list[tuple[str, int]] = []
        if self._re is not None:
            return
        compiled = _re2.RE2(pattern.encode(), _GROUP_OPTIONS)
        if not compiled.ok():
            raise RegexCompileError(compiled.error().decode(errors="replace"))
        self._match = compiled.Match
        self._names = [(name.decode(), at) for name, at in compiled.NamedCapturingGroups()]

    @property
    def engine(self) -> Literal["re", "re2"]:
        return "re" if self._re is not None else "re2"

    def groups(self, text: str) -> dict[str, str | None] | None:
        """The named groups of a full match, or None when `text` does not match."""
        if self._re is not None:
            found = self._re.fullmatch(text)
            return None if found is None else found.groupdict()
        data = text.encode("utf-8", "surrogatepass")
        spans = self._match(_BOTH, data, 0, len(data))
        if spans[0] == _NO_SPAN:
            return None
        return {name: None if spans[at] == _NO_SPAN else
                data[spans[at][0]:spans[at][1]].decode("utf-8", "surrogatepass")
                for name, at in self._names}


class RuleRegex:
    """A `regex` rule's pattern: `fullmatch(text)` is truthy, or None (no match, or out of time).

    `engine` says which ran it; after a None, `note(text)` is what to add to the mismatch
    text when the match ran out of time (empty otherwise). The matcher is single-threaded,
    so the last text that timed out is kept on the object.
    """

    __slots__ = ("_fallback", "engine", "fullmatch", "pattern", "timed_out")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.timed_out: str | None = None
        self._fallback: regex.Pattern | None = None
        self.engine: Literal["re", "re2", "regex"] = "re"
        self.fullmatch: Callable[[str], object | None]
        bounded = _linear_on_re(pattern)
        if bounded is not None:
            self.fullmatch = bounded.fullmatch
            return
        self.engine = "re2"
        compiled = _re2.RE2(unicode_classes(pattern).encode("utf-8", "surrogatepass"), _OPTIONS)
        if compiled.ok() and compiled.ProgramSize() <= MAX_PROGRAM:
            match = compiled.Match

            def fullmatch(text: str) -> Literal[True] | None:
                try:
                    data = text.encode()
                except UnicodeEncodeError:  # a lone surrogate (undecodable bytes kept as such)
                    data = text.encode("utf-8", "surrogatepass")
                return True if match(_BOTH, data, 0, len(data))[0][0] >= 0 else None
            self.fullmatch = fullmatch
            return
        try:
            self._fallback = regex.compile(pattern, regex.V0)
        except (regex.error, OverflowError, RecursionError, ValueError) as exc:
            raise RegexCompileError(str(exc)) from None
        self.engine = "regex"
        self.fullmatch = self._slow_fullmatch

    def _slow_fullmatch(self, text: str) -> object | None:
        limit = PER_MATCH_SECONDS
        if _deadline is not None:
            limit = min(limit, _deadline - time.monotonic())
        if limit > 0:
            assert self._fallback is not None
            try:
                return True if self._fallback.fullmatch(text, timeout=limit) else None
            except TimeoutError:
                pass
        self.timed_out = text
        return None

    def note(self, text: str) -> str:
        """What a mismatch text adds when the match of `text` ran out of time."""
        if self.timed_out is not text:
            return ""
        return (f" (the match was stopped after {PER_MATCH_SECONDS} s: RE2 cannot run this "
                "pattern, and the backtracking engine counts a match out of time as a mismatch)")
