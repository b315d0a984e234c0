"""Matching rules compiled at load: regexes and paths compiled once, rules grouped by category.

V2 pacts keep rules in one flat object keyed by prefixed paths (`$.body.a`, `$.headers.X`,
`$.query.q`, `$.path`); V3 and V4 group them by category with `{"matchers": [...], "combine"}`.
Both compile to the same `MatchingRules`. A rule this matcher cannot apply is refused at load,
never silently ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pactpool_worker.errors import InvalidPactError
from pactpool_worker.pact.jsonpath import PathSyntaxError, RulePath, field_path, parse_path

RuleKind = Literal[
    "equality", "regex", "type", "min_type", "max_type", "minmax_type",
    "include", "integer", "decimal", "number", "boolean", "null",
]

TYPE_KINDS = frozenset({"type", "min_type", "max_type", "minmax_type"})

# Rules the reference knows but pactpool does not apply yet: refused at load, by name.
_NOT_YET = frozenset({
    "date", "time", "timestamp", "datetime", "contentType", "content-type", "values",
    "arrayContains", "statusCode", "notEmpty", "semver", "eachKey", "eachValue",
    "each-key", "each-value", "equalsIgnoreOrder", "minEqualsIgnoreOrder",
    "maxEqualsIgnoreOrder", "minMaxEqualsIgnoreOrder",
})

_SIMPLE = {"equality": "equality", "integer": "integer", "decimal": "decimal",
           "number": "number", "boolean": "boolean", "null": "null"}

_CATEGORIES = ("body", "header", "query", "path", "status", "metadata", "content")


@dataclass(frozen=True, slots=True)
class Rule:
    """One matcher, e.g. `{"match": "regex", "regex": "\\d+"}`, with its regex compiled."""

    kind: RuleKind
    regex: re.Pattern[str] | None = None
    min: int | None = None
    max: int | None = None
    value: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def name(self) -> str:
        """The rule name as the reference's Debug output spells it (for messages)."""
        return {
            "equality": "Equality",
            "regex": f"Regex({self.regex.pattern if self.regex else ''!r})",
            "type": "Type", "min_type": f"MinType({self.min})", "max_type": f"MaxType({self.max})",
            "minmax_type": f"MinMaxType({self.min}, {self.max})",
            "include": f"Include({self.value!r})",
            "integer": "Integer", "decimal": "Decimal", "number": "Number",
            "boolean": "Boolean", "null": "Null",
        }[self.kind]


@dataclass(frozen=True, slots=True)
class RuleList:
    """The rules at one path, combined with AND (all must pass) or OR (one must pass)."""

    rules: tuple[Rule, ...]
    combine: Literal["AND", "OR"] = "AND"

    def has_type_rule(self) -> bool:
        return any(r.kind in TYPE_KINDS for r in self.rules)


@dataclass(slots=True)
class RuleCategory:
    """The rules of one category (`body`, `header`, ...) with a per-location lookup cache."""

    name: str
    entries: tuple[tuple[RulePath, RuleList], ...]
    _cache: dict[tuple[str, ...], tuple[RuleList, bool] | None] = field(
        default_factory=dict, repr=False, compare=False)

    def best(self, path: tuple[str, ...]) -> tuple[RuleList, bool] | None:
        """The most specific rule list covering `path` and whether it is inherited (cascaded).

        Highest weight wins; ties go to the longer rule path, then to the later rule (as the
        reference's `max_by` does).
        """
        cached = self._cache.get(path, False)
        if cached is not False:
            return cached  # type: ignore[return-value]
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


@dataclass(slots=True)
class MatchingRules:
    """All rule categories of one request or response, plus the JSON they were loaded from."""

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


# ---------------------------------------------------------------------------------------------
# Loading


def compile_rules(raw: Any, spec_version: str, json_path: str) -> MatchingRules | None:
    """Compile the `matchingRules` object of a request or response; None when absent or empty."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidPactError("'matchingRules' must be a JSON object; remove it or fix its shape",
                               json_path)
    if not raw:
        return None
    flat = spec_version.startswith(("1", "2")) or any(str(k).startswith("$") for k in raw)
    entries: dict[str, list[tuple[RulePath, RuleList]]] = {}
    if flat:
        _compile_v2(raw, json_path, entries)
    else:
        _compile_v3(raw, json_path, entries)
    categories = {name: RuleCategory(name, tuple(items)) for name, items in entries.items()}
    rules = MatchingRules(categories)
    return None if rules.is_empty() else rules


def _compile_v2(raw: dict[str, Any], json_path: str, out: dict[str, list[tuple[RulePath, RuleList]]]
                ) -> None:
    for key, definition in raw.items():
        where = f"{json_path}.{key}"
        if not isinstance(definition, dict):
            raise InvalidPactError(f"matching rule '{key}' must be a JSON object like "
                                   "{\"match\": \"type\"}", where)
        category, rule_path = _v2_location(key, where)
        rule = compile_rule(definition, where)
        out.setdefault(category, []).append((rule_path, RuleList((rule,))))


def _v2_location(key: str, where: str) -> tuple[str, RulePath]:
    """Split a V2 key like `$.body.a[0]` into its category and the path inside it."""
    if key == "$.path":
        return "path", RulePath("$", ())
    if key == "$.status":
        return "status", RulePath("$", ())
    for prefix, category in (("$.body", "body"), ("$.headers.", "header"), ("$.header.", "header"),
                             ("$.query.", "query")):
        if key.startswith(prefix):
            rest = key[len(prefix):]
            if category == "body":
                if rest and rest[0] not in ".[":
                    break
                return "body", _parse(f"${rest}", where)
            return category, _name_path(category, rest, where)
    raise InvalidPactError(f"matching rule path '{key}' must start with $.body, $.headers., "
                           "$.query. or be $.path", where)


def _name_path(category: str, name: str, where: str) -> RulePath:
    """Header and query rules: `$.name`, optionally followed by an index (`name[0]`)."""
    if category == "header":
        name = name.lower()
    m = re.fullmatch(r"(.+?)\[(\d+|\*)\]", name)
    if m:
        base = field_path(m.group(1))
        token = ("index", m.group(2)) if m.group(2) != "*" else ("star_index", "*")
        return RulePath(f"{base.expr}[{m.group(2)}]", (*base.tokens, token))  # type: ignore[arg-type]
    if not name:
        raise InvalidPactError(f"matching rule for {category} needs a name", where)
    return field_path(name)


def _parse(expr: str, where: str) -> RulePath:
    try:
        return parse_path(expr)
    except PathSyntaxError as exc:
        raise InvalidPactError(f"matching rule path is not valid: {exc}", where) from None


def _compile_v3(raw: dict[str, Any], json_path: str,
                out: dict[str, list[tuple[RulePath, RuleList]]]) -> None:
    for category, content in raw.items():
        where = f"{json_path}.{category}"
        if category not in _CATEGORIES:
            raise InvalidPactError(f"unknown matching rule category '{category}' (expected one of "
                                   f"{', '.join(_CATEGORIES)})", where)
        if not isinstance(content, dict):
            raise InvalidPactError(f"matching rules for '{category}' must be a JSON object", where)
        items = out.setdefault("header" if category == "header" else category, [])
        if category in ("path", "status"):
            if "matchers" in content:
                items.append((RulePath("$", ()), compile_rule_list(content, where)))
                continue
            # Some writers key the path rule by "" or "$".
            for key, definition in content.items():
                items.append((RulePath("$", ()), compile_rule_list(definition, f"{where}.{key}")))
            continue
        for key, definition in content.items():
            kwhere = f"{where}.{key}"
            if category in ("body", "content"):
                rule_path = _parse(key if key.startswith("$") else f"$.{key}", kwhere)
            elif key.startswith("$"):
                rule_path = _parse(key.lower() if category == "header" else key, kwhere)
            else:
                rule_path = _name_path(category, key, kwhere)
            items.append((rule_path, compile_rule_list(definition, kwhere)))


def compile_rule_list(definition: Any, where: str) -> RuleList:
    """`{"matchers": [...], "combine": "AND"}` into a RuleList."""
    if not isinstance(definition, dict):
        raise InvalidPactError("a matching rule entry must be a JSON object with 'matchers'", where)
    matchers = definition.get("matchers")
    if not isinstance(matchers, list) or not matchers:
        raise InvalidPactError("'matchers' must be a non-empty list of rules", f"{where}.matchers")
    combine = definition.get("combine", "AND")
    if combine not in ("AND", "OR"):
        raise InvalidPactError(f"'combine' must be \"AND\" or \"OR\", not {combine!r}",
                               f"{where}.combine")
    rules = tuple(compile_rule(m, f"{where}.matchers[{i}]") for i, m in enumerate(matchers))
    return RuleList(rules, combine)


def compile_rule(definition: Any, where: str) -> Rule:
    """One matcher object into a Rule; unknown or unsupported rules raise InvalidPactError."""
    if not isinstance(definition, dict):
        raise InvalidPactError("a matching rule must be a JSON object like {\"match\": \"type\"}",
                               where)
    match = definition.get("match")
    raw = dict(definition)
    if match is None:
        if "regex" in definition:
            match = "regex"
        elif "min" in definition or "max" in definition:
            match = "type"
        else:
            raise InvalidPactError("matching rule has no 'match' (add \"match\": \"type\", "
                                   "\"regex\", ...)", where)
    if not isinstance(match, str):
        raise InvalidPactError("'match' must be a string naming the rule", f"{where}.match")
    if match == "regex":
        pattern = definition.get("regex")
        if not isinstance(pattern, str):
            raise InvalidPactError("a regex rule needs a 'regex' string", f"{where}.regex")
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise InvalidPactError(f"regular expression '{pattern}' does not compile: {exc}",
                                   f"{where}.regex") from None
        return Rule("regex", regex=compiled, raw=raw)
    if match in ("type", "min", "max"):
        lo = _bound(definition, "min", where)
        hi = _bound(definition, "max", where)
        if lo is not None and hi is not None:
            return Rule("minmax_type", min=lo, max=hi, raw=raw)
        if lo is not None:
            return Rule("min_type", min=lo, raw=raw)
        if hi is not None:
            return Rule("max_type", max=hi, raw=raw)
        return Rule("type", raw=raw)
    if match == "include":
        value = definition.get("value")
        if not isinstance(value, str):
            raise InvalidPactError("an include rule needs a 'value' string", f"{where}.value")
        return Rule("include", value=value, raw=raw)
    if match in _SIMPLE:
        return Rule(_SIMPLE[match], raw=raw)  # type: ignore[arg-type]
    if match in _NOT_YET:
        raise InvalidPactError(f"matching rule '{match}' is not supported yet; use regex or type "
                               "rules for now", f"{where}.match")
    raise InvalidPactError(f"unknown matching rule '{match}'", f"{where}.match")


def _bound(definition: dict[str, Any], key: str, where: str) -> int | None:
    value = definition.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidPactError(f"'{key}' must be a non-negative integer, not {value!r}",
                               f"{where}.{key}")
    return value
