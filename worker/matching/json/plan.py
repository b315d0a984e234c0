"""JSON bodies, the match plan: walk expected and actual together, applying the most specific
rule at each place.

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
real index or key is substituted into the path only when a mismatch is reported. Diff
texts are formatted only when there is a mismatch.

Most requests match, so each node also has a quick yes (`quick_yes`), and `match_json` first
asks the plan's whole quick yes (`codegen`): when it says no, `match` walks the document and
reports the mismatches, so every mismatch text still comes from one place.
"""

from __future__ import annotations

import sys
from typing import Any

from pactpool_worker.matching.display import (
    for_mismatch,
    json_equal,
    json_text,
    json_to_string,
    shown,
)
from pactpool_worker.matching.json.quick_yes import Tests, by_matching, items_accepts, sized_accepts
from pactpool_worker.matching.json.vocabulary import (
    EQUAL,
    GENERAL,
    NO_SUBS,
    QUICK_DEPTH,
    REGEX,
    TYPES,
    Accepts,
    Positions,
    Subs,
)
from pactpool_worker.matching.mismatches import BodyDiff
from pactpool_worker.matching.rule_context import Context, Loc
from pactpool_worker.matching.value_rules import (
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
ABSENT: Any = object()
CACHE_LIMIT = 64
"""Per node, at most this many nodes for individually named actual keys or indexes."""

NONE_TYPE = type(None)
SCALAR_TYPES = frozenset({str, int, float, bool, NONE_TYPE})
SAME_TYPES: dict[type, frozenset[type]] = {
    str: frozenset({str}), bool: frozenset({bool}), int: frozenset({int, float}),
    float: frozenset({int, float}), NONE_TYPE: frozenset({NONE_TYPE})}
KIND_TYPES: dict[str, frozenset[type]] = {
    "integer": frozenset({int}), "decimal": frozenset({float}),
    "number": frozenset({int, float}), "null": frozenset({NONE_TYPE})}
MAP_SILENT = frozenset({"type", "regex", "values", "each_key", "each_value", "array_contains"})
"""Rule kinds `match_map_rule` always accepts."""
LIST_LOUD = SIZED_KINDS | {"equality", "not_empty", "null", "status_code"}
"""Rule kinds `match_list_rule` may refuse (sizes only when not cascaded)."""


def compare_json(expected: Any, actual: Any, ctx: Context) -> list[BodyDiff]:
    """All differences between two parsed JSON documents."""
    return match_json(json_plan(expected, ctx), actual)


def json_plan(expected: Any, ctx: Context) -> Node:
    """The compiled form of an expected document under `ctx` (reusable for every request)."""
    return _node(ROOT, expected, ctx)


def match_json(plan: Node, actual: Any) -> list[BodyDiff]:
    """All differences between the planned expected document and a parsed actual one."""
    try:
        whole = plan.whole
        if whole is None:  # once a plan; a late import, as codegen reads the plan's classes
            from pactpool_worker.matching.json.codegen import whole_accepts

            whole = whole_accepts(plan)
        if whole(actual):
            return []
    except RecursionError:
        pass  # too deep for the quick yes on top of this stack: `match` decides, as before
    out: list[BodyDiff] = []
    plan.match(actual, out, NO_SUBS)
    return out


def _node(loc: Loc, expected: Any, ctx: Context) -> Node:
    if isinstance(expected, dict):
        return MapNode(loc, expected, ctx)
    if isinstance(expected, list):
        return ListNode(loc, expected, ctx)
    return ValueNode(loc, expected, ctx)


def _substituted(loc: Loc, subs: Subs) -> Loc:
    fragments = list(loc)
    for position, fragment in subs:
        fragments[position] = fragment
    return tuple(fragments)


def _type_mismatch(path: str, expected: Any, actual: Any) -> BodyDiff:
    return BodyDiff(path, json_to_string(expected), json_to_string(actual),
                        f"Type mismatch: Expected {shown(actual)} to be the same type as "
                        f"{shown(expected)}")


def _combine_results(rule_list: RuleList, results: list[list[BodyDiff]],
                     out: list[BodyDiff]) -> None:
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
        self.fast = GENERAL
        self.arg: Any = None
        """What the fast test needs: the accepted types (`TYPES`), the regex's `fullmatch`
        (`REGEX`) or the expected scalar (`EQUAL`)."""
        self._path: str | None = None
        self.quick: Accepts | None = None
        """The compiled quick yes, once `accepts` has built it."""
        self.whole: Accepts | None = None
        """For a plan's root: its quick yes as one generated function (`whole_accepts`)."""

    def accepts(self) -> Accepts:
        """A test that says True only when `match` would find no mismatch (False: ask it)."""
        quick = self.quick
        if quick is None:
            # Deeper than QUICK_DEPTH, `match` answers: compiling costs more stack per level
            # than matching, and a document that deep is no common request.
            quick = self.quick = self._compile_accepts() if len(self.loc) <= QUICK_DEPTH \
                else by_matching(self)
        return quick

    def _compile_accepts(self) -> Accepts:
        return by_matching(self)

    def path(self, subs: Subs) -> str:
        if subs:
            return format_path(_substituted(self.loc, subs))
        path = self._path
        if path is None:
            path = self._path = format_path(self.loc)
        return path

    def match(self, actual: Any, out: list[BodyDiff], subs: Subs) -> None:
        raise NotImplementedError


def _match_child(child: Node, actual: Any, out: list[BodyDiff], subs: Subs) -> None:
    """A child, accepted without a call when its fast test says so (kept in step with the
    inlined copies in the loops below)."""
    fast, arg = child.fast, child.arg
    if (fast == TYPES and type(actual) in arg) or \
            (fast == REGEX and type(actual) is str and arg(actual) is not None) or \
            (fast == EQUAL and actual == arg and type(actual) is type(arg)):
        return
    child.match(actual, out, subs)


class ValueNode(Node):
    __slots__ = ()

    def __init__(self, loc: Loc, expected: Any, ctx: Context) -> None:
        Node.__init__(self, loc, expected, ctx)
        best = self.best
        etype = type(expected)
        if best is None:
            if etype in SCALAR_TYPES:
                self.fast, self.arg = EQUAL, expected
            return
        rules = best[0].rules
        if len(rules) != 1:
            return
        rule = rules[0]
        kind = rule.kind
        if kind in TYPE_KINDS:
            same = SAME_TYPES.get(etype)
            if same is not None:
                self.fast, self.arg = TYPES, same
        elif kind == "regex":
            if rule.regex is not None:
                self.fast, self.arg = REGEX, rule.regex.fullmatch
        elif kind in KIND_TYPES:
            self.fast, self.arg = TYPES, KIND_TYPES[kind]
        elif kind in ("equality", "values") and etype in SCALAR_TYPES:
            self.fast, self.arg = EQUAL, expected

    def _compile_accepts(self) -> Accepts:
        fast, arg = self.fast, self.arg
        if fast == TYPES:
            return lambda actual: type(actual) in arg
        if fast == EQUAL:
            etype = type(arg)
            return lambda actual: actual == arg and type(actual) is etype
        if fast == REGEX:
            slow = by_matching(self)
            return lambda actual: arg(actual) is not None if type(actual) is str else slow(actual)
        return by_matching(self)

    def match(self, actual: Any, out: list[BodyDiff], subs: Subs) -> None:
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
            out.extend(BodyDiff(path, e, a, m) for m in messages)


class MapNode(Node):
    __slots__ = ("_entries", "_values", "key_set", "plain")

    def __init__(self, loc: Loc, expected: dict[str, Any], ctx: Context) -> None:
        Node.__init__(self, loc, expected, ctx)
        self.key_set = frozenset(expected)
        best = self.best
        plain = best is None
        if best is not None and len(best[0].rules) == 1:
            kind = best[0].rules[0].kind
            if best[1]:
                plain = kind in MAP_SILENT or kind in SIZED_KINDS
            else:
                plain = kind in ("type", "regex", "array_contains")
        self.plain = plain
        """Matched as with no rule: the keys, then each expected entry."""
        self._entries: list[tuple[str, Node, int, Any]] | None = None
        """(key, node, fast test, its argument) per expected entry."""
        self._values: dict[int, KeyedChildren] = {}

    def match(self, actual: Any, out: list[BodyDiff], subs: Subs) -> None:
        expected: dict[str, Any] = self.expected
        if not isinstance(actual, dict):
            out.append(_type_mismatch(self.path(subs), expected, actual))
            return
        ctx = self.ctx
        if not expected and actual and not ctx.allow_unexpected:
            out.append(BodyDiff(self.path(subs), json_text(expected), json_text(actual),
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
        results: list[list[BodyDiff]] = []
        for number, rule in enumerate(rule_list.rules):
            found: list[BodyDiff] = []
            if not cascaded and rule.kind in VALUES_KINDS:
                self._match_values(number, rule, actual, found, subs)
            else:
                message = match_map_rule(rule, expected, actual, cascaded)
                if message is not None:
                    found.append(BodyDiff(self.path(subs), json_text(expected),
                                              json_text(actual), message))
                self._match_keys(actual, None if cascaded else rule_list, found, subs)
                self._match_entries(actual, found, subs)
            results.append(found)
        _combine_results(rule_list, results, out)

    def _compile_accepts(self) -> Accepts:
        if not self.plain:
            return by_matching(self)
        entries = self._entries
        if entries is None:
            entries = self._build_entries()
        groups = Tests([(key, child) for key, child, _, _ in entries]).unpacked()
        if self.ctx.allow_unexpected:
            return sized_accepts(dict, None, groups)
        return sized_accepts(dict, len(entries), groups)

    def _match_entries(self, actual: dict[str, Any], out: list[BodyDiff],
                       subs: Subs) -> None:
        entries = self._entries
        if entries is None:
            entries = self._build_entries()
        get = actual.get
        for key, child, fast, arg in entries:
            value = get(key, ABSENT)
            # _match_child, inlined (an absent value fails every fast test)
            if (fast == TYPES and type(value) in arg) or \
                    (fast == REGEX and type(value) is str and arg(value) is not None) or \
                    (fast == EQUAL and value == arg and type(value) is type(arg)):
                continue
            if value is not ABSENT:
                child.match(value, out, subs)

    def _build_entries(self) -> list[tuple[str, Node, int, Any]]:
        children = [(key, _node((*self.loc, key), value, self.ctx))
                    for key, value in self.expected.items()]
        entries = self._entries = [(key, child, child.fast, child.arg) for key, child in children]
        return entries

    def _match_keys(self, actual: dict[str, Any], direct: RuleList | None,
                    out: list[BodyDiff], subs: Subs) -> None:
        """The key sets (unless a direct values/eachKey rule frees them), then any eachKey rules."""
        expected = self.expected
        if direct is None or not direct.kinds() & KEY_FREE_KINDS:
            expected_keys = sorted(expected)
            actual_keys = sorted(actual)
            if self.ctx.allow_unexpected:
                missing = [k for k in expected_keys if k not in actual]
                if missing:
                    out.append(BodyDiff(self.path(subs), json_text(expected_keys),
                                            json_text(actual_keys),
                                            "Actual map is missing the following keys: "
                                            f"{', '.join(missing)}"))
            elif expected_keys != actual_keys:
                out.append(BodyDiff(self.path(subs), json_text(expected_keys),
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
                            out.append(BodyDiff(path, "", key, message))

    def _match_values(self, number: int, rule: Rule, actual: dict[str, Any],
                      out: list[BodyDiff], subs: Subs) -> None:
        """`values`/`eachValue`: each actual entry against its namesake, else the first example."""
        expected = self.expected
        if not expected:
            return
        children = self._values.get(number)
        if children is None:
            ctx = self.ctx.with_each_value(self.loc, rule.sub_rules) \
                if rule.kind == "each_value" and rule.sub_rules is not None else self.ctx
            children = self._values[number] = KeyedChildren(self.loc, expected, ctx)
        depth = len(self.loc)
        for key, value in actual.items():
            child, shared = children.child(key)
            _match_child(child, value, out, (*subs, (depth, key)) if shared else subs)


class KeyedChildren:
    """The nodes for actual entries of a map under `values`/`eachValue`, by key."""

    __slots__ = ("ctx", "expected", "first", "loc", "named", "positions", "shared")

    def __init__(self, loc: Loc, expected: dict[str, Any], ctx: Context) -> None:
        self.loc = loc
        self.expected = expected
        self.first = next(iter(expected.values()))
        self.ctx = ctx
        self.positions = Positions(ctx, len(loc))
        self.named: dict[str, Node] = {}
        self.shared: dict[bool, Node] = {}

    def child(self, key: str) -> tuple[Node, bool]:
        """The node for `key`, and whether it is shared (its path needs the key put in)."""
        node = self.named.get(key)
        if node is not None:
            return node, False
        if key in self.expected or self.positions.named_key(key):
            node = _node((*self.loc, key), self.expected.get(key, self.first), self.ctx)
            if len(self.named) < CACHE_LIMIT + len(self.expected):
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


class ListNode(Node):
    __slots__ = ("_each", "_items", "_variants", "silent", "single")

    def __init__(self, loc: Loc, expected: list[Any], ctx: Context) -> None:
        Node.__init__(self, loc, expected, ctx)
        best = self.best
        rule = best[0].rules[0] if best is not None and len(best[0].rules) == 1 else None
        self.single = rule is not None and rule.kind not in ("array_contains", "each_value")
        """One rule that compares the items with the example (`_list_rule`, inlined)."""
        self.silent = rule is not None and (
            rule.kind not in LIST_LOUD or (best is not None and best[1] and
                                            rule.kind in SIZED_KINDS))
        """... and `match_list_rule` always accepts under it."""
        self._items: IndexedChildren | None = None
        self._each: dict[int, IndexedChildren] = {}
        self._variants: dict[int, list[tuple[int, Node | None]]] = {}

    def _children(self) -> IndexedChildren:
        items = self._items
        if items is None:
            items = self._items = IndexedChildren(self.loc, self.expected, self.ctx)
        return items

    def _compile_accepts(self) -> Accepts:
        if self.best is None:
            items = self._children().items
            return sized_accepts(list, len(items), Tests(list(enumerate(items))).unpacked())
        bounds = self.quick_bounds()
        if bounds is None:
            return by_matching(self)
        low, high = bounds
        if not self.expected:
            return lambda actual: type(actual) is list and low <= len(actual) <= high
        return items_accepts(self._items or self._children(), low, high)

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

    def match(self, actual: Any, out: list[BodyDiff], subs: Subs) -> None:
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
                        out.append(BodyDiff(self.path(subs), json_text(expected),
                                                json_text(actual), message))
                if expected:
                    self._contents(self._items or self._children(), actual, out, subs)
                return
            if len(rules) == 1:
                self._list_rule(0, rules[0], actual, out, subs, cascaded=cascaded)
                return
            results: list[list[BodyDiff]] = []
            for number, rule in enumerate(rules):
                found: list[BodyDiff] = []
                self._list_rule(number, rule, actual, found, subs, cascaded=cascaded)
                results.append(found)
            _combine_results(rule_list, results, out)
            return
        if not expected and actual:
            out.append(BodyDiff(self.path(subs), json_text(expected), json_text(actual),
                                    f"Expected an empty List but received {json_text(actual)}"))
            return
        items = self._children().items
        size = len(actual)
        for index, child in enumerate(items):
            if index < size:
                _match_child(child, actual[index], out, subs)
            elif not self.ctx.defined((*self.loc, str(index))):
                out.append(BodyDiff(self.path(subs), json_text(expected), json_text(actual),
                                        f"Expected {json_to_string(child.expected)} but was "
                                        "missing"))
        if len(expected) != size:
            out.append(BodyDiff(self.path(subs), json_text(expected), json_text(actual),
                                    f"Expected a List with {len(expected)} elements but received "
                                    f"{size} elements"))

    def _list_rule(self, number: int, rule: Rule, actual: list[Any], out: list[BodyDiff],
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
                    each = self._each[number] = IndexedChildren(
                        self.loc, expected, self.ctx.with_each_value(self.loc, rule.sub_rules))
                self._contents(each, actual, out, subs)
            return
        message = match_list_rule(rule, expected, actual, cascaded)
        if message is not None:
            out.append(BodyDiff(self.path(subs), json_text(expected), json_text(actual),
                                    message))
        if expected:
            self._contents(self._children(), actual, out, subs)

    def _contents(self, children: IndexedChildren, actual: list[Any], out: list[BodyDiff],
                  subs: Subs) -> None:
        """With a rule on the list, every actual item is compared with the first expected one."""
        known = children.known
        for (child, fast, arg), value in zip(children.tests, actual, strict=False):
            # _match_child, inlined
            if (fast == TYPES and type(value) in arg) or \
                    (fast == REGEX and type(value) is str and arg(value) is not None) or \
                    (fast == EQUAL and value == arg and type(value) is type(arg)):
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
                out.append(BodyDiff(self.path(subs), json_text(expected), json_text(actual),
                                        f"Expected {json_text(expected[index])} ({index}) but "
                                        "was missing"))

    def _array_contains(self, number: int, rule: Rule, actual: list[Any],
                        out: list[BodyDiff], subs: Subs) -> None:
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
                out.append(BodyDiff(self.path(subs), for_mismatch(expected),
                                        for_mismatch(actual),
                                        f"ArrayContains: variant {index} is missing from the "
                                        f"expected list, which has {len(expected)} items"))
                continue
            if not any(not match_json(plan, item) for item in actual):
                example = expected[index]
                out.append(BodyDiff(self.path(subs), json_text(example),
                                        for_mismatch(actual),
                                        f"Variant at index {index} ({json_text(example)}) was not "
                                        "found in the actual list"))


class IndexedChildren:
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
        self.positions: Positions | None = None
        self.named: dict[int, Node] = {}
        self.shared: Node | None = None

    def extra(self, index: int) -> tuple[Node, bool]:
        """The node for an item beyond the expected ones, and whether it is shared."""
        positions = self.positions
        if positions is None:
            positions = self.positions = Positions(self.ctx, len(self.loc))
        if positions.named_index(index):
            node = self.named.get(index)
            if node is None:
                node = _node((*self.loc, str(index)), self.expected[0], self.ctx)
                if len(self.named) < CACHE_LIMIT:
                    self.named[index] = node
            return node, False
        shared = self.shared
        if shared is None:
            stand_in = len(self.expected)
            while positions.named_index(stand_in):
                stand_in += 1
            shared = self.shared = _node((*self.loc, str(stand_in)), self.expected[0], self.ctx)
        return shared, True


