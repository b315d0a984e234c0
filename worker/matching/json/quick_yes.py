"""The quick yes of a plan node: a closure that only answers whether `match` would find nothing.

A map's closure checks its key set and then its entries grouped by test (types, regexes,
equal scalars, nested closures), a list's its size and items; nothing is formatted and no rule
is looked up. A node it cannot speed up answers by running `match`.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from typing import TYPE_CHECKING, Any

from pactpool_worker.matching.json.vocabulary import (
    EQUAL,
    GENERAL,
    NO_SUBS,
    REGEX,
    TYPES,
    Accepts,
    Positions,
)
from pactpool_worker.matching.mismatches import BodyDiff

if TYPE_CHECKING:
    from pactpool_worker.matching.json.plan import IndexedChildren, Node

def by_matching(node: Node) -> Accepts:
    """The quick yes of a node with no faster test: run `match` and look for mismatches."""
    def accepts(actual: Any) -> bool:
        found: list[BodyDiff] = []
        node.match(actual, found, NO_SUBS)
        return not found
    return accepts


class Tests:
    """The children of a map or list grouped by test, so a check loops without a call per
    scalar: the accepted types, a regex (any other actual than a string asks the child),
    an equal scalar, or the child's own quick yes. Selectors are keys or indexes."""

    __slots__ = ("equal", "nested", "regex", "types")

    def __init__(self, children: list[tuple[Any, Node]]) -> None:
        self.types: tuple[tuple[Any, frozenset[type]], ...] = tuple(
            (at, child.arg) for at, child in children if child.fast == TYPES)
        self.regex: tuple[tuple[Any, Callable[[str], Any], Accepts], ...] = tuple(
            (at, child.arg, child.accepts()) for at, child in children if child.fast == REGEX)
        self.equal: tuple[tuple[Any, Any, type], ...] = tuple(
            (at, child.arg, type(child.arg)) for at, child in children if child.fast == EQUAL)
        self.nested: tuple[tuple[Any, Accepts], ...] = tuple(
            (at, child.accepts()) for at, child in children if child.fast == GENERAL)

    def unpacked(self) -> Groups:
        return self.types, self.regex, self.equal, self.nested


Groups = tuple[tuple[tuple[Any, frozenset[type]], ...],
                tuple[tuple[Any, Callable[[str], Any], Accepts], ...],
                tuple[tuple[Any, Any, type], ...],
                tuple[tuple[Any, Accepts], ...]]


def passes(actual: Any, groups: Groups) -> bool:
    """Every grouped test on `actual[selector]` (a missing key raises KeyError)."""
    types, regexes, equal, nested = groups
    for at, accepted in types:
        if type(actual[at]) not in accepted:
            return False
    for at, fullmatch, slow in regexes:
        value = actual[at]
        if type(value) is str:
            if fullmatch(value) is None:
                return False
        elif not slow(value):
            return False
    for at, example, etype in equal:
        value = actual[at]
        if value != example or type(value) is not etype:
            return False
    for at, accepts in nested:  # noqa: SIM110 (a loop: no generator frame per call)
        if not accepts(actual[at]):
            return False
    return True


def sized_accepts(container: type[Any], size: int | None, groups: Groups) -> Accepts:
    """A map or list whose selectors are all present (a missing key raises KeyError), each
    passing its tests, with exactly `size` entries: requests allow no unexpected keys, and a
    list under no rule has the example's length. `size` None: a map that may have unexpected
    keys (responses, messages). (The generated quick yes writes these tests out; this
    closure serves the nodes it calls instead.)"""
    def accepts(actual: Any) -> bool:
        if type(actual) is not container or (size is not None and len(actual) != size):
            return False
        try:
            return passes(actual, groups)
        except KeyError:
            return False
    return accepts


def items_accepts(children: IndexedChildren, low: int, high: int) -> Accepts:
    """A list under one rule that compares items with the example (`type`, `min`/`max`, ...):
    the size, the items the example has, the missing ones, then those beyond it."""
    known = children.known
    # Items the example has may be missing only where a rule is defined (else `match` says so).
    low = max(low, needed(children))
    shared = shared_extra(children)
    accepted = common_types([*children.items, shared] if shared is not None else [])
    if accepted is not None:
        return typed_items_accepts(accepted, low, high)
    groups = Tests(list(enumerate(children.items))).unpacked()
    tests = tuple(child.accepts() for child in children.items)
    extra = extra_accepts(children, shared)

    def accepts(actual: Any) -> bool:
        if type(actual) is not list:
            return False
        size = len(actual)
        if size < low or size > high:
            return False
        if size >= known:
            if not passes(actual, groups):
                return False
        else:
            for test, value in zip(tests, actual, strict=False):
                if not test(value):
                    return False
        return size <= known or extra(actual)
    return accepts


def typed_items_accepts(accepted: frozenset[type], low: int, high: int) -> Accepts:
    """A list whose every item, expected or beyond, is only type-tested against the same
    types (a `type` rule on a list of scalars): one loop, no call per item."""
    def accepts(actual: Any) -> bool:
        if type(actual) is not list or not low <= len(actual) <= high:
            return False
        for value in actual:  # noqa: SIM110 (a loop: no generator frame per call)
            if type(value) not in accepted:
                return False
        return True
    return accepts


def common_types(nodes: list[Node]) -> frozenset[type] | None:
    """The types all these nodes accept, when each is only a type test and they agree."""
    if not nodes or any(node.fast != TYPES or node.arg != nodes[0].arg for node in nodes):
        return None
    accepted: frozenset[type] = nodes[0].arg
    return accepted


def needed(children: IndexedChildren) -> int:
    """How many of the example's items an actual list must have: past that length, every
    missing item's location has a rule."""
    needed = children.known
    ctx, loc = children.ctx, children.loc
    while needed and ctx.defined((*loc, str(needed - 1))):
        needed -= 1
    return needed


def shared_extra(children: IndexedChildren) -> Node | None:
    """The one node `match` uses for every item beyond the example, unless a rule path names
    one of those indexes (then each may have its own)."""
    known = children.known
    positions = Positions(children.ctx, len(children.loc))
    if positions.unsure or any(index >= known for index in positions.numbered):
        return None
    node, shared = children.extra(known)
    return node if shared else None


def extra_accepts(children: IndexedChildren, shared: Node | None) -> Accepts:
    """The items of a list beyond the example's length, each against the node `match` uses."""
    known = children.known
    if shared is None:
        def each(actual: list[Any]) -> bool:
            return all(children.extra(index)[0].accepts()(actual[index])
                       for index in range(known, len(actual)))
        return each

    def each_shared(actual: list[Any]) -> bool:
        # Compiled at the first item beyond the example, not before: the shared node's own
        # shared node, and so on, would double the work at every level of nested lists.
        return all(map(shared.quick or shared.accepts(), islice(actual, known, None)))
    return each_shared

