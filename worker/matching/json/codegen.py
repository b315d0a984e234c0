"""The quick yes of a whole plan, written out as the source of one generated function.

A closure call per map and list costs about as much as the tests themselves, so the tests of
a plan are emitted once as one function; past its size and nesting limits it calls the
closures.
"""

from __future__ import annotations

import sys
from itertools import islice
from typing import Any

from pactpool_worker.matching.json.plan import ListNode, MapNode, Node
from pactpool_worker.matching.json.quick_yes import (
    by_matching,
    common_types,
    extra_accepts,
    needed,
    shared_extra,
)
from pactpool_worker.matching.json.vocabulary import EQUAL, QUICK_DEPTH, REGEX, TYPES, Accepts

_SOURCE_LINES = 2000
"""At most about this many lines per generated function; past it, nodes call their closure."""
_SOURCE_INDENT = 40
_SOURCE_LOOPS = 12
"""Nested loops in one function (CPython allows 20 nested blocks)."""


def whole_accepts(plan: Node) -> Accepts:
    """The plan's quick yes, generated once: the closures' tests written out as one function
    (a closure call per map and list costs about as much as the tests themselves). The
    closures remain for what the function does not write out: too deep, too large, or
    nodes that answer by matching."""
    source = _Source()
    try:
        _emit(source, plan, "a", 2, 0)
        whole = source.function()
    except (RecursionError, MemoryError, SyntaxError, ValueError):
        whole = plan.accepts()
    plan.whole = whole
    return whole


class _Source:
    """The lines and the global names (constants, regexes, closures) of a generated quick yes."""

    __slots__ = ("lines", "locals", "names")

    def __init__(self) -> None:
        self.lines = ["def accepts(a):", "    try:"]
        self.names: dict[str, Any] = {"islice": islice}
        self.locals = 0

    def name(self, value: Any) -> str:
        """A global name bound to `value` in the generated function."""
        name = f"g{len(self.names)}"
        self.names[name] = value
        return name

    def local(self) -> str:
        self.locals += 1
        return f"v{self.locals}"

    def line(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def room(self, indent: int, loops: int, children: int) -> bool:
        """Whether a container with this many children may be written out here."""
        return len(self.lines) + children < _SOURCE_LINES and indent < _SOURCE_INDENT and \
            loops < _SOURCE_LOOPS

    def function(self) -> Accepts:
        self.lines += ["    except KeyError:", "        return False", "    return True"]
        exec(compile("\n".join(self.lines), "<json plan>", "exec"), self.names)
        accepts: Accepts = self.names["accepts"]
        return accepts


def _emit(source: _Source, node: Node, var: str, indent: int, loops: int) -> None:
    """Lines that return False unless `node` accepts the value held by `var`."""
    if isinstance(node, MapNode):
        if node.plain and source.room(indent, loops, len(node.expected)) and \
                len(node.loc) <= QUICK_DEPTH:
            _emit_map(source, node, var, indent, loops)
            return
    elif isinstance(node, ListNode):
        if source.room(indent, loops, len(node.expected)) and len(node.loc) <= QUICK_DEPTH and \
                _emit_list(source, node, var, indent, loops):
            return
    else:
        fast, arg = node.fast, node.arg
        if fast == TYPES:
            source.line(indent, f"if type({var}) not in {source.name(arg)}: return False")
            return
        if fast == EQUAL:
            source.line(indent, f"if {var} != {source.name(arg)} or type({var}) is not "
                                f"{source.name(type(arg))}: return False")
            return
        if fast == REGEX:
            source.line(indent, f"if type({var}) is str:")
            source.line(indent + 1, f"if {source.name(arg)}({var}) is None: return False")
            source.line(indent, f"elif not {source.name(by_matching(node))}({var}): "
                                "return False")
            return
    source.line(indent, f"if not {source.name(node.accepts())}({var}): return False")


def _emit_map(source: _Source, node: MapNode, var: str, indent: int, loops: int) -> None:
    """A plain map: its size (requests) and every expected entry (a missing key raises the
    KeyError the function answers False to)."""
    if node.ctx.allow_unexpected:
        source.line(indent, f"if type({var}) is not dict: return False")
    else:
        source.line(indent, f"if type({var}) is not dict or len({var}) != "
                            f"{len(node.expected)}: return False")
    entries = node._entries
    if entries is None:
        entries = node._build_entries()
    for key, child, _, _ in entries:
        value = source.local()
        source.line(indent, f"{value} = {var}[{key!r}]")
        _emit(source, child, value, indent, loops)


def _emit_list(source: _Source, node: ListNode, var: str, indent: int, loops: int) -> bool:
    """A list: its size, the example's items, then those beyond it (False: not written out)."""
    if node.best is None:
        items = node._children().items
        source.line(indent, f"if type({var}) is not list or len({var}) != {len(items)}: "
                            "return False")
        _emit_items(source, items, var, present=len(items), indent=indent, loops=loops)
        return True
    bounds = node.quick_bounds()
    if bounds is None:
        return False
    size = source.local()
    source.line(indent, f"if type({var}) is not list: return False")
    source.line(indent, f"{size} = len({var})")
    children = node._items or node._children() if node.expected else None
    low = max(bounds[0], needed(children)) if children is not None else bounds[0]
    source.line(indent, f"if {size} < {low}: return False")
    if bounds[1] < sys.maxsize:
        source.line(indent, f"if {size} > {bounds[1]}: return False")
    if children is None:
        return True
    shared = shared_extra(children)
    accepted = common_types([*children.items, shared] if shared is not None else [])
    item = source.local()
    if accepted is not None:
        source.line(indent, f"for {item} in {var}:")
        source.line(indent + 1, f"if type({item}) not in {source.name(accepted)}: return False")
        return True
    _emit_items(source, children.items, var, present=low, indent=indent, loops=loops, size=size)
    known = children.known
    if shared is None:
        each = source.name(extra_accepts(children, None))
        source.line(indent, f"if {size} > {known} and not {each}({var}): return False")
    else:
        source.line(indent, f"for {item} in islice({var}, {known}, None):")
        _emit(source, shared, item, indent + 1, loops + 1)
    return True


def _emit_items(source: _Source, items: list[Node], var: str, *, present: int, indent: int,
                loops: int, size: str = "") -> None:
    """The example's items by index; those from `present` on only if the list has them."""
    for index, child in enumerate(items):
        inner = indent
        if index >= present:
            source.line(indent, f"if {size} > {index}:")
            inner += 1
        value = source.local()
        source.line(inner, f"{value} = {var}[{index}]")
        _emit(source, child, value, inner, loops)

