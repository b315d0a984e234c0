"""What every part of the JSON matcher shares: quick-yes types, fast-test codes, and which
keys or indexes rule paths name at one depth."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pactpool_worker.matching.rule_context import Context

Subs = tuple[tuple[int, str], ...]
"""Fragments to put into a shared node's location when its path is printed: (position, text)."""

NO_SUBS: Subs = ()
Accepts = Callable[[Any], bool]
"""A node's quick yes: True means no mismatch; False means "run `match` to find out"."""
QUICK_DEPTH = 32
"""Nodes at most this deep get a compiled quick yes; deeper ones answer by matching."""

# Fast tests a node offers for a scalar actual value (anything else: the node's `match`).
GENERAL, EQUAL, TYPES, REGEX = 0, 1, 2, 3


class Positions:
    """Which keys or indexes rule paths name at one depth (those get nodes of their own)."""

    __slots__ = ("fields", "indexes", "numbered", "unsure")

    def __init__(self, ctx: Context, depth: int) -> None:
        self.fields: set[str] = set()
        self.indexes: set[int] = set()
        self.numbered: set[int] = set()
        """The list indexes named at this depth, as an index or as a field."""
        self.unsure = False
        if ctx.rules is None:
            return
        for rule_path, _ in ctx.rules.entries:
            tokens = rule_path.tokens
            if len(tokens) <= depth:
                continue
            kind, value = tokens[depth]
            if kind == "field":
                self.fields.add(value)
            elif kind == "index":
                try:
                    self.indexes.add(int(value))
                except ValueError:
                    self.unsure = True
        self.numbered = self.indexes | {int(f) for f in self.fields
                                        if f.isascii() and f.isdigit() and str(int(f)) == f}

    def named_key(self, key: str) -> bool:
        if key in self.fields:
            return True
        if key.isdigit() and self.indexes:
            if self.unsure:
                return True
            try:
                return int(key) in self.indexes
            except ValueError:
                return True
        return self.unsure and key.isdigit()

    def named_index(self, index: int) -> bool:
        return self.unsure or index in self.numbered
