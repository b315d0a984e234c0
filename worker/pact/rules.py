"""Matching rules as compiled at load: regexes, date formats and paths are never parsed per request.

`Rule` is one matcher, `RuleList` the matchers at one path with their AND/OR, `RuleCategory`
the rules of one part (`body`, `header`, `query`, `path`, `status`, `metadata`) with the
per-location lookup, and `MatchingRules` all categories of a request, response or message.
`rule_loader` builds them from pact JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from pactpool_worker.pact.datetime_format import DateFormat
from pactpool_worker.pact.http_status import StatusClass
from pactpool_worker.pact.jsonpath import RulePath, Token
from pactpool_worker.pact.linear_regex import RuleRegex

RuleKind = Literal[
    "equality", "regex", "type", "min_type", "max_type", "minmax_type",
    "include", "integer", "decimal", "number", "boolean", "null",
    "date", "time", "timestamp", "content_type", "values",
    "array_contains", "each_key", "each_value", "not_empty", "semver", "status_code",
]

TYPE_KINDS = frozenset({"type", "min_type", "max_type", "minmax_type"})
SIZED_KINDS = frozenset({"min_type", "max_type", "minmax_type"})
VALUES_KINDS = frozenset({"values", "each_value"})
"""Rules that match a map's values whatever their keys."""
KEY_FREE_KINDS = frozenset({"values", "each_value", "each_key"})
"""Rules under which a map's key set is not compared with the expected one."""
NON_CASCADING = frozenset({"values", "each_key", "each_value", "array_contains"})
"""Rules about a collection itself: inherited by its children, they say nothing."""

_DATE_NAMES = {"date": "Date", "time": "Time", "timestamp": "Timestamp"}
_PLAIN_NAMES = {"equality": "Equality", "type": "Type", "integer": "Integer",
                "decimal": "Decimal", "number": "Number", "boolean": "Boolean", "null": "Null",
                "values": "Values", "not_empty": "NotEmpty", "semver": "Semver"}


@dataclass(frozen=True, slots=True, eq=False)
class Variant:
    """One `arrayContains` variant: the expected item at `index` and rules rooted at that item."""

    index: int
    rules: RuleCategory
    generators: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Rule:
    """One matcher, e.g. `{"match": "regex", "regex": "\\d+"}`, with everything compiled."""

    kind: RuleKind
    regex: RuleRegex | None = None
    min: int | None = None
    max: int | None = None
    value: str = ""
    """`include`'s substring or `contentType`'s media type."""
    date_format: DateFormat | None = None
    status: StatusClass | None = None
    variants: tuple[Variant, ...] = ()
    sub_rules: RuleList | None = None
    """The rules of `eachKey` and `eachValue`."""
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The rule as the reference's Debug output spells it (for messages)."""
        kind = self.kind
        if kind in _PLAIN_NAMES:
            return _PLAIN_NAMES[kind]
        if kind == "regex":
            return f"Regex({_debug(self.regex.pattern if self.regex else '')})"
        if kind == "min_type":
            return f"MinType({self.min})"
        if kind == "max_type":
            return f"MaxType({self.max})"
        if kind == "minmax_type":
            return f"MinMaxType({self.min}, {self.max})"
        if kind == "include":
            return f"Include({_debug(self.value)})"
        if kind == "content_type":
            return f"ContentType({_debug(self.value)})"
        if kind in _DATE_NAMES:
            pattern = self.date_format.pattern if self.date_format else ""
            return f"{_DATE_NAMES[kind]}({_debug(pattern)})"
        if kind == "status_code":
            return f"StatusCode({self.status})"
        if kind == "array_contains":
            return f"ArrayContains({len(self.variants)} variant(s))"
        label = "EachKey" if kind == "each_key" else "EachValue"
        count = len(self.sub_rules.rules) if self.sub_rules else 0
        return f"{label}({count} rule(s))"

    @property
    def can_cascade(self) -> bool:
        return self.kind not in NON_CASCADING


def _debug(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True, slots=True, eq=False)
class RuleList:
    """The rules at one path, combined with AND (all must pass) or OR (one must pass)."""

    rules: tuple[Rule, ...]
    combine: Literal["AND", "OR"] = "AND"

    def has_type_rule(self) -> bool:
        return any(r.kind in TYPE_KINDS for r in self.rules)

    def kinds(self) -> frozenset[str]:
        return frozenset(r.kind for r in self.rules)


_NO_MATCH: Any = object()


@dataclass(slots=True, eq=False)
class RuleCategory:
    """The rules of one category (`body`, `header`, ...) with per-location lookup caches.

    Views derived from it (XML paths without indexes, rules re-rooted at a multipart part,
    `eachValue` rules added under a collection) are built on first use and kept, so a pact's
    requests share them.
    """

    name: str
    entries: tuple[tuple[RulePath, RuleList], ...]
    _cache: dict[tuple[str, ...], tuple[RuleList, bool] | None] = field(
        default_factory=dict, repr=False)
    _views: dict[Any, RuleCategory] = field(default_factory=dict, repr=False)

    def best(self, path: tuple[str, ...]) -> tuple[RuleList, bool] | None:
        """The most specific rule list covering `path` and whether it is inherited (cascaded).

        Highest weight wins; ties go to the longer rule path, then to the later rule (as the
        reference's `max_by` does).
        """
        cached = self._cache.get(path, _NO_MATCH)
        if cached is not _NO_MATCH:
            return cached  # type: ignore[no-any-return]
        best: tuple[int, int] = (0, 0)
        found: tuple[RuleList, bool] | None = None
        for rule_path, rule_list in self.entries:
            w = rule_path.weight(path)
            if w > 0 and (w, len(rule_path)) >= best:
                best = (w, len(rule_path))
                found = (rule_list, len(rule_path) != len(path))
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[path] = found
        return found

    def defined(self, path: tuple[str, ...]) -> bool:
        """True when any rule applies at `path`, directly or inherited from a parent."""
        return self.best(path) is not None

    def type_rule_defined(self, path: tuple[str, ...]) -> bool:
        """True when any rule covering `path` is a type rule (`type`, `min`, `max`)."""
        return any(rl.has_type_rule() for rp, rl in self.entries if rp.weight(path) > 0)

    def exact(self) -> RuleList | None:
        """For the `path` and `status` categories: their one rule list, if any."""
        return self.entries[0][1] if self.entries else None

    def without_indexes(self) -> RuleCategory:
        """For XML bodies: `[0]` and `[*]` dropped from rule paths (elements carry no index)."""
        return self._view(("xml",), lambda: tuple(
            (RulePath(rp.expr, tuple(t for t in rp.tokens if t[0] not in ("index", "star_index"))),
             rl) for rp, rl in self.entries))

    def rerooted(self, prefix: tuple[str, ...]) -> RuleCategory:
        """The rules under `prefix` (e.g. `("$", "file")`) with that prefix made the new root."""
        def build() -> tuple[tuple[RulePath, RuleList], ...]:
            out = []
            for rp, rl in self.entries:
                if len(rp.tokens) >= len(prefix) and \
                        RulePath(rp.expr, rp.tokens[:len(prefix)]).weight(prefix) > 0:
                    out.append((RulePath(rp.expr, (("root", "$"), *rp.tokens[len(prefix):])), rl))
            return tuple(out)
        return self._view(("root", prefix), build)

    def with_each_value(self, loc: tuple[str, ...], rule_list: RuleList) -> RuleCategory:
        """These rules plus `rule_list` on every child of `loc` (an `eachValue` in force)."""
        tokens: list[Token] = [("root", "$")]
        tokens.extend(("field", fragment) for fragment in loc[1:])
        tokens.append(("star", "*"))
        path = RulePath(".".join(loc) + ".*", tuple(tokens))
        return self._view(("each", loc, id(rule_list)),
                          lambda: (*self.entries, (path, rule_list)))

    def _view(self, key: Any, build: Any) -> RuleCategory:
        view = self._views.get(key)
        if view is None:
            if len(self._views) > 256:
                self._views.clear()
            view = RuleCategory(self.name, build())
            self._views[key] = view
        return view


def empty_category(name: str) -> RuleCategory:
    return RuleCategory(name, ())


@dataclass(slots=True, eq=False)
class MatchingRules:
    """All rule categories of one request, response or message."""

    categories: dict[str, RuleCategory]

    def category(self, name: str) -> RuleCategory | None:
        return self.categories.get(name)

    def is_empty(self) -> bool:
        return not any(c.entries for c in self.categories.values())

    def to_json(self) -> dict[str, Any]:
        """The V3 JSON form (`{category: {path: {"matchers": [...], "combine": ...}}}`)."""
        out: dict[str, Any] = {}
        for name, cat in self.categories.items():
            if not cat.entries:
                continue
            if name in ("path", "status"):
                rl = cat.entries[0][1]
                out[name] = _rule_list_json(rl)
            else:
                out[name] = {_json_key(name, rp): _rule_list_json(rl) for rp, rl in cat.entries}
        return out


def _json_key(category: str, rp: RulePath) -> str:
    if category in ("header", "query", "metadata") and len(rp.tokens) == 2:
        return rp.tokens[1][1]
    return rp.expr


def _rule_list_json(rl: RuleList) -> dict[str, Any]:
    return {"matchers": [dict(r.raw) for r in rl.rules], "combine": rl.combine}


def rule_regexes(rules: MatchingRules | None) -> Iterator[RuleRegex]:
    """Every regex of these rules, the nested ones (eachKey, eachValue, arrayContains
    variants) included: what a server can learn at load about the engines it will run."""
    if rules is None:
        return
    pending: list[RuleCategory] = list(rules.categories.values())
    lists: list[RuleList] = []
    while pending or lists:
        if pending:
            lists += [rule_list for _, rule_list in pending.pop().entries]
            continue
        for rule in lists.pop().rules:
            if rule.regex is not None:
                yield rule.regex
            if rule.sub_rules is not None:
                lists.append(rule.sub_rules)
            pending += [variant.rules for variant in rule.variants]
