"""JSON bodies: walk expected and actual together, applying the most specific rule at each place.

Maps: keys compared (no unexpected keys in requests), then each expected entry; a `values`
or `eachValue` rule compares every actual entry against its expected counterpart (or the
first expected value) whatever the keys; `eachKey` checks every actual key. Lists: equal
length and item by item, unless a rule covers the list: then every actual item is compared
with the expected example (`type`, `min`/`max`, `eachValue`) or searched for
(`arrayContains`).

What depends only on the expected body and the rules is compiled once into a tree of nodes
(`json_plan`), filled lazily as requests visit it and kept with the expected body: each node
knows its location, its best rule list and a cheap test that accepts a scalar without any
call. Locations of actual items that the expected body does not have (list items beyond the
example, map entries under `values`/`eachValue`) are normalised: every index or key that no
rule path names at that depth shares one node built at a representative location, and the
real index or key is substituted into the path only when a mismatch is reported. Mismatch
texts are formatted only when there is a mismatch.

Most requests match, so each node also compiles a quick yes (`Node.accepts`): a closure that
only answers whether `match` would find nothing. A map's closure checks its key set and then
its entries grouped by test (types, regexes, equal scalars, nested closures), a list's its
size and items; nothing is formatted and no rule is looked up. A node it cannot speed up
answers by running `match`. When the quick yes says no, `match` walks the document and
reports the mismatches, so every mismatch text still comes from one place.

`match_json` asks the plan's whole quick yes (`_whole`): the same tests written out once as
the source of one generated function, with no call per map or list; past its size and
nesting limits it calls the closures.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from itertools import islice
from typing import Any

from pactpool_worker.matching.context import Context, Loc
from pactpool_worker.matching.display import (
    for_mismatch,
    json_equal,
    json_text,
    json_to_string,
    shown,
)
from pactpool_worker.matching.mismatches import BodyMismatch
from pactpool_worker.matching.values import (
    combine,
    match_json_value,
    match_list_rule,
    match_map_rule,
    match_string,
)
from pactpool_worker.pact.jsonpath import format_path
from pactpool_worker.pact.rules import (
    KEY_FREE_KINDS,
    SIZED_KINDS,
    TYPE_KINDS,
    VALUES_KINDS,
    Rule,
    RuleList,
)

ROOT: Loc = ("$",)

Subs = tuple[tuple[int, str], ...]
"""Fragments to put into a shared node's location when its path is printed: (position, text)."""

_NO_SUBS: Subs = ()
Accepts = Callable[[Any], bool]
"""A node's quick yes: True means no mismatch; False means "run `match` to find out"."""
_ABSENT: Any = object()
_CACHE_LIMIT = 64
_QUICK_DEPTH = 32
"""Nodes at most this deep get a compiled quick yes; deeper ones answer by matching."""
"""Per node, at most this many nodes for individually named actual keys or indexes."""

# Fast tests a node offers for a scalar actual value (anything else: the node's `match`).
_GENERAL, _EQUAL, _TYPES, _REGEX = 0, 1, 2, 3
_NONE_TYPE = type(None)
_SCALAR_TYPES = frozenset({str, int, float, bool, _NONE_TYPE})
_SAME_TYPES: dict[type, frozenset[type]] = {
    str: frozenset({str}), bool: frozenset({bool}), int: frozenset({int, float}),
    float: frozenset({int, float}), _NONE_TYPE: frozenset({_NONE_TYPE})}
_KIND_TYPES: dict[str, frozenset[type]] = {
    "integer": frozenset({int}), "decimal": frozenset({float}),
    "number": frozenset({int, float}), "null": frozenset({_NONE_TYPE})}
_MAP_SILENT = frozenset({"type", "regex", "values", "each_key", "each_value", "array_contains"})
"""Rule kinds `match_map_rule` always accepts."""
_LIST_LOUD = SIZED_KINDS | {"equality", "not_empty", "null", "status_code"}
"""Rule kinds `match_list_rule` may refuse (sizes only when not cascaded)."""


def compare_json(expected: Any, actual: Any, ctx: Context) -> list[BodyMismatch]:
    """All differences between two parsed JSON documents."""
    return match_json(json_plan(expected, ctx), actual)


def json_plan(expected: Any, ctx: Context) -> Node:
    """The compiled form of an expected document under `ctx` (reusable for every request)."""
    return _node(ROOT, expected, ctx)


def match_json(plan: Node, actual: Any) -> list[BodyMismatch]:
    """All differences between the planned expected document and a parsed actual one."""
    try:
        if (plan.whole or _whole(plan))(actual):
            return []
    except RecursionError:
        pass  # too deep for the quick yes on top of this stack: `match` decides, as before
    out: list[BodyMismatch] = []
    plan.match(actual, out, _NO_SUBS)
    return out


def _node(loc: Loc, expected: Any, ctx: Context) -> Node:
    if isinstance(expected, dict):
        return _MapNode(loc, expected, ctx)
    if isinstance(expected, list):
        return _ListNode(loc, expected, ctx)
    return _ValueNode(loc, expected, ctx)


def _substituted(loc: Loc, subs: Subs) -> Loc:
    fragments = list(loc)
    for position, fragment in subs:
        fragments[position] = fragment
    return tuple(fragments)


def _type_mismatch(path: str, expected: Any, actual: Any) -> BodyMismatch:
    return BodyMismatch(path, json_to_string(expected), json_to_string(actual),
                        f"Type mismatch: Expected {shown(actual)} to be the same type as "
                        f"{shown(expected)}")


def _combine_results(rule_list: RuleList, results: list[list[BodyMismatch]],
                     out: list[BodyMismatch]) -> None:
    """AND: every rule's mismatches; OR: none as soon as one rule found none."""
    if rule_list.combine == "OR" and any(not r for r in results):
        return
    for found in results:
        out.extend(found)


class Node:
    """One place in the expected document, under one set of rules."""

    __slots__ = ("_path", "arg", "best", "ctx", "expected", "fast", "loc", "quick", "whole")

    def __init__(self, loc: Loc, expected: Any, ctx: Context) -> None:
        self.loc = loc
        self.expected = expected
        self.ctx = ctx
        self.best = ctx.best(loc)
        self.fast = _GENERAL
        self.arg: Any = None
        """What the fast test needs: the accepted types (`_TYPES`), the regex's `fullmatch`
        (`_REGEX`) or the expected scalar (`_EQUAL`)."""
        self._path: str | None = None
        self.quick: Accepts | None = None
        """The compiled quick yes, once `accepts` has built it."""
        self.whole: Accepts | None = None
        """For a plan's root: its quick yes as one generated function (`_whole`)."""

    def accepts(self) -> Accepts:
        """A test that says True only when `match` would find no mismatch (False: ask it)."""
        quick = self.quick
        if quick is None:
            # Deeper than _QUICK_DEPTH, `match` answers: compiling costs more stack per level
            # than matching, and a document that deep is no common request.
            quick = self.quick = self._compile_accepts() if len(self.loc) <= _QUICK_DEPTH \
                else _by_matching(self)
        return quick

    def _compile_accepts(self) -> Accepts:
        return _by_matching(self)

    def path(self, subs: Subs) -> str:
        if subs:
            return format_path(_substituted(self.loc, subs))
        path = self._path
        if path is None:
            path = self._path = format_path(self.loc)
        return path

    def match(self, actual: Any, out: list[BodyMismatch], subs: Subs) -> None:
        raise NotImplementedError


def _match_child(child: Node, actual: Any, out: list[BodyMismatch], subs: Subs) -> None:
    """A child, accepted without a call when its fast test says so (kept in step with the
    inlined copies in the loops below)."""
    fast, arg = child.fast, child.arg
    if (fast == _TYPES and type(actual) in arg) or \
            (fast == _REGEX and type(actual) is str and arg(actual) is not None) or \
            (fast == _EQUAL and actual == arg and type(actual) is type(arg)):
        return
    child.match(actual, out, subs)


class _ValueNode(Node):
    __slots__ = ()

    def __init__(self, loc: Loc, expected: Any, ctx: Context) -> None:
        Node.__init__(self, loc, expected, ctx)
        best = self.best
        etype = type(expected)
        if best is None:
            if etype in _SCALAR_TYPES:
                self.fast, self.arg = _EQUAL, expected
            return
        rules = best[0].rules
        if len(rules) != 1:
            return
        rule = rules[0]
        kind = rule.kind
        if kind in TYPE_KINDS:
            same = _SAME_TYPES.get(etype)
            if same is not None:
                self.fast, self.arg = _TYPES, same
        elif kind == "regex":
            if rule.regex is not None:
                self.fast, self.arg = _REGEX, rule.regex.fullmatch
        elif kind in _KIND_TYPES:
            self.fast, self.arg = _TYPES, _KIND_TYPES[kind]
        elif kind in ("equality", "values") and etype in _SCALAR_TYPES:
            self.fast, self.arg = _EQUAL, expected

    def _compile_accepts(self) -> Accepts:
        fast, arg = self.fast, self.arg
        if fast == _TYPES:
            return lambda actual: type(actual) in arg
        if fast == _EQUAL:
            etype = type(arg)
            return lambda actual: actual == arg and type(actual) is etype
        if fast == _REGEX:
            slow = _by_matching(self)
            return lambda actual: arg(actual) is not None if type(actual) is str else slow(actual)
        return _by_matching(self)

    def match(self, actual: Any, out: list[BodyMismatch], subs: Subs) -> None:
        expected = self.expected
        best = self.best
        if best is None:
            if json_equal(expected, actual):
                return
            messages = [f"Expected {shown(actual)} to be equal to {shown(expected)}"]
        else:
            rule_list, cascaded = best
            messages = combine(rule_list,
                               lambda rule: match_json_value(rule, expected, actual, cascaded))
        if messages:
            path = self.path(subs)
            e, a = json_text(expected), json_text(actual)
            out.extend(BodyMismatch(path, e, a, m) for m in messages)


class _Positions:
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


class _MapNode(Node):
    __slots__ = ("_entries", "_values", "key_set", "plain")

    def __init__(self, loc: Loc, expected: dict[str, Any], ctx: Context) -> None:
        Node.__init__(self, loc, expected, ctx)
        self.key_set = frozenset(expected)
        best = self.best
        plain = best is None
        if best is not None and len(best[0].rules) == 1:
            kind = best[0].rules[0].kind
            if best[1]:
                plain = kind in _MAP_SILENT or kind in SIZED_KINDS
            else:
                plain = kind in ("type", "regex", "array_contains")
        self.plain = plain
        """Matched as with no rule: the keys, then each expected entry."""
        self._entries: list[tuple[str, Node, int, Any]] | None = None
        """(key, node, fast test, its argument) per expected entry."""
        self._values: dict[int, _KeyedChildren] = {}

    def match(self, actual: Any, out: list[BodyMismatch], subs: Subs) -> None:
        expected: dict[str, Any] = self.expected
        if not isinstance(actual, dict):
            out.append(_type_mismatch(self.path(subs), expected, actual))
            return
        ctx = self.ctx
        if not expected and actual and not ctx.allow_unexpected:
            out.append(BodyMismatch(self.path(subs), json_text(expected), json_text(actual),
                                    f"Expected an empty Map but received {json_text(actual)}"))
            return
        if self.plain:
            keys = actual.keys()
            if not (keys >= self.key_set if ctx.allow_unexpected else keys == self.key_set):
                self._match_keys(actual, None, out, subs)
            self._match_entries(actual, out, subs)
            return
        assert self.best is not None
        rule_list, cascaded = self.best
        results: list[list[BodyMismatch]] = []
        for number, rule in enumerate(rule_list.rules):
            found: list[BodyMismatch] = []
            if not cascaded and rule.kind in VALUES_KINDS:
                self._match_values(number, rule, actual, found, subs)
            else:
                message = match_map_rule(rule, expected, actual, cascaded)
                if message is not None:
                    found.append(BodyMismatch(self.path(subs), json_text(expected),
                                              json_text(actual), message))
                self._match_keys(actual, None if cascaded else rule_list, found, subs)
                self._match_entries(actual, found, subs)
            results.append(found)
        _combine_results(rule_list, results, out)

    def _compile_accepts(self) -> Accepts:
        if not self.plain:
            return _by_matching(self)
        entries = self._entries
        if entries is None:
            entries = self._build_entries()
        groups = _Tests([(key, child) for key, child, _, _ in entries]).unpacked()
        if self.ctx.allow_unexpected:
            return _sized_accepts(dict, None, groups)
        return _sized_accepts(dict, len(entries), groups)

    def _match_entries(self, actual: dict[str, Any], out: list[BodyMismatch],
                       subs: Subs) -> None:
        entries = self._entries
        if entries is None:
            entries = self._build_entries()
        get = actual.get
        for key, child, fast, arg in entries:
            value = get(key, _ABSENT)
            # _match_child, inlined (an absent value fails every fast test)
            if (fast == _TYPES and type(value) in arg) or \
                    (fast == _REGEX and type(value) is str and arg(value) is not None) or \
                    (fast == _EQUAL and value == arg and type(value) is type(arg)):
                continue
            if value is not _ABSENT:
                child.match(value, out, subs)

    def _build_entries(self) -> list[tuple[str, Node, int, Any]]:
        children = [(key, _node((*self.loc, key), value, self.ctx))
                    for key, value in self.expected.items()]
        entries = self._entries = [(key, child, child.fast, child.arg) for key, child in children]
        return entries

    def _match_keys(self, actual: dict[str, Any], direct: RuleList | None,
                    out: list[BodyMismatch], subs: Subs) -> None:
        """The key sets (unless a direct values/eachKey rule frees them), then any eachKey rules."""
        expected = self.expected
        if direct is None or not direct.kinds() & KEY_FREE_KINDS:
            expected_keys = sorted(expected)
            actual_keys = sorted(actual)
            if self.ctx.allow_unexpected:
                missing = [k for k in expected_keys if k not in actual]
                if missing:
                    out.append(BodyMismatch(self.path(subs), json_text(expected_keys),
                                            json_text(actual_keys),
                                            "Actual map is missing the following keys: "
                                            f"{', '.join(missing)}"))
            elif expected_keys != actual_keys:
                out.append(BodyMismatch(self.path(subs), json_text(expected_keys),
                                        json_text(actual_keys),
                                        f"Expected a Map with keys [{', '.join(expected_keys)}] "
                                        f"but received one with keys [{', '.join(actual_keys)}]"))
        if direct is None:
            return
        for rule in direct.rules:
            if rule.kind == "each_key" and rule.sub_rules is not None:
                for key in sorted(actual):
                    for sub in rule.sub_rules.rules:
                        message = match_string(sub, "", key, False)
                        if message is not None:
                            path = format_path(_substituted((*self.loc, key), subs))
                            out.append(BodyMismatch(path, "", key, message))

    def _match_values(self, number: int, rule: Rule, actual: dict[str, Any],
                      out: list[BodyMismatch], subs: Subs) -> None:
        """`values`/`eachValue`: each actual entry against its namesake, else the first example."""
        expected = self.expected
        if not expected:
            return
        children = self._values.get(number)
        if children is None:
            ctx = self.ctx.with_each_value(self.loc, rule.sub_rules) \
                if rule.kind == "each_value" and rule.sub_rules is not None else self.ctx
            children = self._values[number] = _KeyedChildren(self.loc, expected, ctx)
        depth = len(self.loc)
        for key, value in actual.items():
            child, shared = children.child(key)
            _match_child(child, value, out, (*subs, (depth, key)) if shared else subs)


class _KeyedChildren:
    """The nodes for actual entries of a map under `values`/`eachValue`, by key."""

    __slots__ = ("ctx", "expected", "first", "loc", "named", "positions", "shared")

    def __init__(self, loc: Loc, expected: dict[str, Any], ctx: Context) -> None:
        self.loc = loc
        self.expected = expected
        self.first = next(iter(expected.values()))
        self.ctx = ctx
        self.positions = _Positions(ctx, len(loc))
        self.named: dict[str, Node] = {}
        self.shared: dict[bool, Node] = {}

    def child(self, key: str) -> tuple[Node, bool]:
        """The node for `key`, and whether it is shared (its path needs the key put in)."""
        node = self.named.get(key)
        if node is not None:
            return node, False
        if key in self.expected or self.positions.named_key(key):
            node = _node((*self.loc, key), self.expected.get(key, self.first), self.ctx)
            if len(self.named) < _CACHE_LIMIT + len(self.expected):
                self.named[key] = node
            return node, False
        digits = key.isdigit()
        node = self.shared.get(digits)
        if node is None:
            node = self.shared[digits] = _node((*self.loc, self._stand_in(digits)), self.first,
                                               self.ctx)
        return node, True

    def _stand_in(self, digits: bool) -> str:
        """A key of the same kind (all digits or not) that no rule path names here."""
        n = 0
        while True:
            key = str(10**9 + n) if digits else "\x00" * (n + 1)
            if not self.positions.named_key(key):
                return key
            n += 1


class _ListNode(Node):
    __slots__ = ("_each", "_items", "_variants", "silent", "single")

    def __init__(self, loc: Loc, expected: list[Any], ctx: Context) -> None:
        Node.__init__(self, loc, expected, ctx)
        best = self.best
        rule = best[0].rules[0] if best is not None and len(best[0].rules) == 1 else None
        self.single = rule is not None and rule.kind not in ("array_contains", "each_value")
        """One rule that compares the items with the example (`_list_rule`, inlined)."""
        self.silent = rule is not None and (
            rule.kind not in _LIST_LOUD or (best is not None and best[1] and
                                            rule.kind in SIZED_KINDS))
        """... and `match_list_rule` always accepts under it."""
        self._items: _IndexedChildren | None = None
        self._each: dict[int, _IndexedChildren] = {}
        self._variants: dict[int, list[tuple[int, Node | None]]] = {}

    def _children(self) -> _IndexedChildren:
        items = self._items
        if items is None:
            items = self._items = _IndexedChildren(self.loc, self.expected, self.ctx)
        return items

    def _compile_accepts(self) -> Accepts:
        if self.best is None:
            items = self._children().items
            return _sized_accepts(list, len(items), _Tests(list(enumerate(items))).unpacked())
        bounds = self.quick_bounds()
        if bounds is None:
            return _by_matching(self)
        low, high = bounds
        if not self.expected:
            return lambda actual: type(actual) is list and low <= len(actual) <= high
        return _items_accepts(self._items or self._children(), low, high)

    def quick_bounds(self) -> tuple[int, int] | None:
        """Under one rule that compares the items with the example: the sizes it accepts.
        None when the quick yes cannot tell (several rules, arrayContains, eachValue, a rule
        on the whole list other than min/max)."""
        best = self.best
        if best is None or not self.single:
            return None
        if self.silent:
            return 0, sys.maxsize
        rule = best[0].rules[0]
        if rule.kind not in SIZED_KINDS:
            return None
        # Not silent, so not cascaded: `match_list_rule` checks the size.
        return (rule.min if rule.min is not None else 0,
                rule.max if rule.max is not None else sys.maxsize)

    def match(self, actual: Any, out: list[BodyMismatch], subs: Subs) -> None:
        expected: list[Any] = self.expected
        if not isinstance(actual, list):
            out.append(_type_mismatch(self.path(subs), expected, actual))
            return
        best = self.best
        if best is not None:
            rule_list, cascaded = best
            rules = rule_list.rules
            if self.single:
                if not self.silent:
                    message = match_list_rule(rules[0], expected, actual, cascaded)
                    if message is not None:
                        out.append(BodyMismatch(self.path(subs), json_text(expected),
                                                json_text(actual), message))
                if expected:
                    self._contents(self._items or self._children(), actual, out, subs)
                return
            if len(rules) == 1:
                self._list_rule(0, rules[0], actual, out, subs, cascaded=cascaded)
                return
            results: list[list[BodyMismatch]] = []
            for number, rule in enumerate(rules):
                found: list[BodyMismatch] = []
                self._list_rule(number, rule, actual, found, subs, cascaded=cascaded)
                results.append(found)
            _combine_results(rule_list, results, out)
            return
        if not expected and actual:
            out.append(BodyMismatch(self.path(subs), json_text(expected), json_text(actual),
                                    f"Expected an empty List but received {json_text(actual)}"))
            return
        items = self._children().items
        size = len(actual)
        for index, child in enumerate(items):
            if index < size:
                _match_child(child, actual[index], out, subs)
            elif not self.ctx.defined((*self.loc, str(index))):
                out.append(BodyMismatch(self.path(subs), json_text(expected), json_text(actual),
                                        f"Expected {json_to_string(child.expected)} but was "
                                        "missing"))
        if len(expected) != size:
            out.append(BodyMismatch(self.path(subs), json_text(expected), json_text(actual),
                                    f"Expected a List with {len(expected)} elements but received "
                                    f"{size} elements"))

    def _list_rule(self, number: int, rule: Rule, actual: list[Any], out: list[BodyMismatch],
                   subs: Subs, *, cascaded: bool) -> None:
        """One rule covering a list: the list as a whole, then its items."""
        expected = self.expected
        kind = rule.kind
        if kind == "array_contains":
            if expected:
                self._array_contains(number, rule, actual, out, subs)
            return
        if kind == "each_value" and rule.sub_rules is not None:
            if not cascaded and expected:
                each = self._each.get(number)
                if each is None:
                    each = self._each[number] = _IndexedChildren(
                        self.loc, expected, self.ctx.with_each_value(self.loc, rule.sub_rules))
                self._contents(each, actual, out, subs)
            return
        message = match_list_rule(rule, expected, actual, cascaded)
        if message is not None:
            out.append(BodyMismatch(self.path(subs), json_text(expected), json_text(actual),
                                    message))
        if expected:
            self._contents(self._children(), actual, out, subs)

    def _contents(self, children: _IndexedChildren, actual: list[Any], out: list[BodyMismatch],
                  subs: Subs) -> None:
        """With a rule on the list, every actual item is compared with the first expected one."""
        known = children.known
        for (child, fast, arg), value in zip(children.tests, actual, strict=False):
            # _match_child, inlined
            if (fast == _TYPES and type(value) in arg) or \
                    (fast == _REGEX and type(value) is str and arg(value) is not None) or \
                    (fast == _EQUAL and value == arg and type(value) is type(arg)):
                continue
            child.match(value, out, subs)
        if len(actual) > known:
            depth = len(self.loc)
            for index in range(known, len(actual)):
                child, shared = children.extra(index)
                _match_child(child, actual[index], out,
                             (*subs, (depth, str(index))) if shared else subs)
        for index in range(len(actual), known):
            if not children.ctx.defined((*self.loc, str(index))):
                expected = self.expected
                out.append(BodyMismatch(self.path(subs), json_text(expected), json_text(actual),
                                        f"Expected {json_text(expected[index])} ({index}) but "
                                        "was missing"))

    def _array_contains(self, number: int, rule: Rule, actual: list[Any],
                        out: list[BodyMismatch], subs: Subs) -> None:
        """Each variant (an expected item with its own rules) must match some actual item."""
        expected = self.expected
        variants = self._variants.get(number)
        if variants is None:
            pairs = [(v.index, self.ctx.with_rules(v.rules)) for v in rule.variants] or \
                [(i, self.ctx.with_rules(None)) for i in range(len(expected))]
            variants = self._variants[number] = [
                (index, json_plan(expected[index], vctx) if index < len(expected) else None)
                for index, vctx in pairs]
        for index, plan in variants:
            if plan is None:
                out.append(BodyMismatch(self.path(subs), for_mismatch(expected),
                                        for_mismatch(actual),
                                        f"ArrayContains: variant {index} is missing from the "
                                        f"expected list, which has {len(expected)} items"))
                continue
            if not any(not match_json(plan, item) for item in actual):
                example = expected[index]
                out.append(BodyMismatch(self.path(subs), json_text(example),
                                        for_mismatch(actual),
                                        f"Variant at index {index} ({json_text(example)}) was not "
                                        "found in the actual list"))


class _IndexedChildren:
    """The nodes for a list's actual items under one context: the expected ones, then those
    beyond the expected length (all compared with the first expected item)."""

    __slots__ = ("ctx", "expected", "items", "known", "loc", "named", "positions", "shared",
                 "tests")

    def __init__(self, loc: Loc, expected: list[Any], ctx: Context) -> None:
        self.loc = loc
        self.expected = expected
        self.ctx = ctx
        self.items = [_node((*loc, str(i)), value, ctx) for i, value in enumerate(expected)]
        self.tests = [(child, child.fast, child.arg) for child in self.items]
        """(node, fast test, its argument) per expected item."""
        self.known = len(expected)
        self.positions: _Positions | None = None
        self.named: dict[int, Node] = {}
        self.shared: Node | None = None

    def extra(self, index: int) -> tuple[Node, bool]:
        """The node for an item beyond the expected ones, and whether it is shared."""
        positions = self.positions
        if positions is None:
            positions = self.positions = _Positions(self.ctx, len(self.loc))
        if positions.named_index(index):
            node = self.named.get(index)
            if node is None:
                node = _node((*self.loc, str(index)), self.expected[0], self.ctx)
                if len(self.named) < _CACHE_LIMIT:
                    self.named[index] = node
            return node, False
        shared = self.shared
        if shared is None:
            stand_in = len(self.expected)
            while positions.named_index(stand_in):
                stand_in += 1
            shared = self.shared = _node((*self.loc, str(stand_in)), self.expected[0], self.ctx)
        return shared, True


# -- The quick yes -------------------------------------------------------------------------


def _by_matching(node: Node) -> Accepts:
    """The quick yes of a node with no faster test: run `match` and look for mismatches."""
    def accepts(actual: Any) -> bool:
        found: list[BodyMismatch] = []
        node.match(actual, found, _NO_SUBS)
        return not found
    return accepts


class _Tests:
    """The children of a map or list grouped by test, so a check loops without a call per
    scalar: the accepted types, a regex (any other actual than a string asks the child),
    an equal scalar, or the child's own quick yes. Selectors are keys or indexes."""

    __slots__ = ("equal", "nested", "regex", "types")

    def __init__(self, children: list[tuple[Any, Node]]) -> None:
        self.types: tuple[tuple[Any, frozenset[type]], ...] = tuple(
            (at, child.arg) for at, child in children if child.fast == _TYPES)
        self.regex: tuple[tuple[Any, Callable[[str], Any], Accepts], ...] = tuple(
            (at, child.arg, child.accepts()) for at, child in children if child.fast == _REGEX)
        self.equal: tuple[tuple[Any, Any, type], ...] = tuple(
            (at, child.arg, type(child.arg)) for at, child in children if child.fast == _EQUAL)
        self.nested: tuple[tuple[Any, Accepts], ...] = tuple(
            (at, child.accepts()) for at, child in children if child.fast == _GENERAL)

    def unpacked(self) -> _Groups:
        return self.types, self.regex, self.equal, self.nested


_Groups = tuple[tuple[tuple[Any, frozenset[type]], ...],
                tuple[tuple[Any, Callable[[str], Any], Accepts], ...],
                tuple[tuple[Any, Any, type], ...],
                tuple[tuple[Any, Accepts], ...]]


def _passes(actual: Any, groups: _Groups) -> bool:
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


def _sized_accepts(container: type[Any], size: int | None, groups: _Groups) -> Accepts:
    """A map or list whose selectors are all present (a missing key raises KeyError), each
    passing its tests, with exactly `size` entries: requests allow no unexpected keys, and a
    list under no rule has the example's length. `size` None: a map that may have unexpected
    keys (responses, messages). (The generated quick yes writes these tests out; this
    closure serves the nodes it calls instead.)"""
    def accepts(actual: Any) -> bool:
        if type(actual) is not container or (size is not None and len(actual) != size):
            return False
        try:
            return _passes(actual, groups)
        except KeyError:
            return False
    return accepts


def _items_accepts(children: _IndexedChildren, low: int, high: int) -> Accepts:
    """A list under one rule that compares items with the example (`type`, `min`/`max`, ...):
    the size, the items the example has, the missing ones, then those beyond it."""
    known = children.known
    # Items the example has may be missing only where a rule is defined (else `match` says so).
    low = max(low, _needed(children))
    shared = _shared_extra(children)
    accepted = _common_types([*children.items, shared] if shared is not None else [])
    if accepted is not None:
        return _typed_items_accepts(accepted, low, high)
    groups = _Tests(list(enumerate(children.items))).unpacked()
    tests = tuple(child.accepts() for child in children.items)
    extra = _extra_accepts(children, shared)

    def accepts(actual: Any) -> bool:
        if type(actual) is not list:
            return False
        size = len(actual)
        if size < low or size > high:
            return False
        if size >= known:
            if not _passes(actual, groups):
                return False
        else:
            for test, value in zip(tests, actual, strict=False):
                if not test(value):
                    return False
        return size <= known or extra(actual)
    return accepts


def _typed_items_accepts(accepted: frozenset[type], low: int, high: int) -> Accepts:
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


def _common_types(nodes: list[Node]) -> frozenset[type] | None:
    """The types all these nodes accept, when each is only a type test and they agree."""
    if not nodes or any(node.fast != _TYPES or node.arg != nodes[0].arg for node in nodes):
        return None
    accepted: frozenset[type] = nodes[0].arg
    return accepted


def _needed(children: _IndexedChildren) -> int:
    """How many of the example's items an actual list must have: past that length, every
    missing item's location has a rule."""
    needed = children.known
    ctx, loc = children.ctx, children.loc
    while needed and ctx.defined((*loc, str(needed - 1))):
        needed -= 1
    return needed


def _shared_extra(children: _IndexedChildren) -> Node | None:
    """The one node `match` uses for every item beyond the example, unless a rule path names
    one of those indexes (then each may have its own)."""
    known = children.known
    positions = _Positions(children.ctx, len(children.loc))
    if positions.unsure or any(index >= known for index in positions.numbered):
        return None
    node, shared = children.extra(known)
    return node if shared else None


def _extra_accepts(children: _IndexedChildren, shared: Node | None) -> Accepts:
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


# -- The quick yes of a whole plan, as one generated function -------------------------------

_SOURCE_LINES = 2000
"""At most about this many lines per generated function; past it, nodes call their closure."""
_SOURCE_INDENT = 40
_SOURCE_LOOPS = 12
"""Nested loops in one function (CPython allows 20 nested blocks)."""


def _whole(plan: Node) -> Accepts:
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
    if isinstance(node, _MapNode):
        if node.plain and source.room(indent, loops, len(node.expected)) and \
                len(node.loc) <= _QUICK_DEPTH:
            _emit_map(source, node, var, indent, loops)
            return
    elif isinstance(node, _ListNode):
        if source.room(indent, loops, len(node.expected)) and len(node.loc) <= _QUICK_DEPTH and \
                _emit_list(source, node, var, indent, loops):
            return
    else:
        fast, arg = node.fast, node.arg
        if fast == _TYPES:
            source.line(indent, f"if type({var}) not in {source.name(arg)}: return False")
            return
        if fast == _EQUAL:
            source.line(indent, f"if {var} != {source.name(arg)} or type({var}) is not "
                                f"{source.name(type(arg))}: return False")
            return
        if fast == _REGEX:
            source.line(indent, f"if type({var}) is str:")
            source.line(indent + 1, f"if {source.name(arg)}({var}) is None: return False")
            source.line(indent, f"elif not {source.name(_by_matching(node))}({var}): "
                                "return False")
            return
    source.line(indent, f"if not {source.name(node.accepts())}({var}): return False")


def _emit_map(source: _Source, node: _MapNode, var: str, indent: int, loops: int) -> None:
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


def _emit_list(source: _Source, node: _ListNode, var: str, indent: int, loops: int) -> bool:
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
    low = max(bounds[0], _needed(children)) if children is not None else bounds[0]
    source.line(indent, f"if {size} < {low}: return False")
    if bounds[1] < sys.maxsize:
        source.line(indent, f"if {size} > {bounds[1]}: return False")
    if children is None:
        return True
    shared = _shared_extra(children)
    accepted = _common_types([*children.items, shared] if shared is not None else [])
    item = source.local()
    if accepted is not None:
        source.line(indent, f"for {item} in {var}:")
        source.line(indent + 1, f"if type({item}) not in {source.name(accepted)}: return False")
        return True
    _emit_items(source, children.items, var, present=low, indent=indent, loops=loops, size=size)
    known = children.known
    if shared is None:
        each = source.name(_extra_accepts(children, None))
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
