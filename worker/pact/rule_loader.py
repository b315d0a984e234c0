"""Compiling `matchingRules` JSON into `MatchingRules`; every refusal names its JSON path.

V2 pacts keep rules in one flat object keyed by prefixed paths (`$.body.a`, `$.headers.X`,
`$.query.q`, `$.path`); V3 and V4 group them by category with `{"matchers": [...], "combine"}`.
Both compile to the same model. Regexes, date formats, status classes and paths are compiled
here, once; a rule that cannot work (bad regex, bad format, impossible bounds, a path that
can never exist, an unknown name) is refused at load, never discovered per request.
"""

from __future__ import annotations

import re
from typing import Any

from pactpool_worker.errors import PactLoadError
from pactpool_worker.pact.datetime_format import DEFAULT_FORMATS, compile_date_format
from pactpool_worker.pact.http_status import StatusSpecError, parse_status
from pactpool_worker.pact.java_pattern import DateFormatError
from pactpool_worker.pact.jsonpath import PathSyntaxError, RulePath, field_path, parse_path
from pactpool_worker.pact.linear_regex import RegexCompileError, RuleRegex
from pactpool_worker.pact.load_notes import regexes_are_lenient, warn
from pactpool_worker.pact.rules import (
    MatchingRules,
    Rule,
    RuleCategory,
    RuleKind,
    RuleList,
    Variant,
)

CATEGORIES = ("body", "header", "query", "path", "status", "metadata", "content")

_SIMPLE: dict[str, RuleKind] = {
    "equality": "equality", "integer": "integer", "decimal": "decimal", "real": "decimal",
    "number": "number", "boolean": "boolean", "null": "null", "values": "values",
    "notEmpty": "not_empty", "semver": "semver",
}
_DATES: dict[str, RuleKind] = {"date": "date", "time": "time", "timestamp": "timestamp",
                               "datetime": "timestamp"}
_JVM_ONLY = frozenset({"equalsIgnoreOrder", "minEqualsIgnoreOrder", "maxEqualsIgnoreOrder",
                       "minMaxEqualsIgnoreOrder"})
_KNOWN = sorted({*_SIMPLE, *_DATES, "regex", "type", "min", "max", "include", "contentType",
                 "arrayContains", "eachKey", "eachValue", "statusCode"})

Entries = dict[str, list[tuple[RulePath, RuleList]]]


_IGNORED = "ignored"


class _NeverEvaluated(Exception):
    """A rule a mock server never evaluates that Python cannot compile: left out, warned about."""


def compile_rules(raw: Any, spec_version: str, json_path: str) -> MatchingRules | None:
    """Compile the `matchingRules` object of a request, response or message (None: no rules)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise PactLoadError("'matchingRules' must be a JSON object; remove it or fix its shape",
                               json_path)
    if not raw:
        return None
    v2 = spec_version.startswith(("1", "2"))
    flat = any(str(k).startswith("$") for k in raw) or (
        v2 and not set(raw) <= {*CATEGORIES, "headers"})
    if not flat and v2:  # as the reference: the layout is read from the keys
        warn(json_path, "V3 rule categories in a V2 pact; read as V3 rules")
    entries: Entries = {}
    if flat:
        _compile_v2(raw, json_path, entries)
    else:
        for category, content in raw.items():
            _compile_category(category, content, f"{json_path}.{category}", entries)
    rules = MatchingRules({name: RuleCategory(name, tuple(items))
                           for name, items in entries.items()})
    return None if rules.is_empty() else rules


def _compile_v2(raw: dict[str, Any], json_path: str, out: Entries) -> None:
    for key, definition in raw.items():
        where = f"{json_path}.{key}"
        if not isinstance(definition, dict):
            raise PactLoadError(f"matching rule '{key}' must be a JSON object like "
                                   "{\"match\": \"type\"}", where)
        category, rule_path = _v2_location(key, where)
        if category == _IGNORED:
            continue
        try:
            rule = compile_rule(definition, where)
        except _NeverEvaluated:
            continue
        out.setdefault(category, []).append((rule_path, RuleList((rule,))))


def _v2_location(key: str, where: str) -> tuple[str, RulePath]:
    """Split a V2 key like `$.body.a[0]` into its category and the path inside it."""
    if key == "$.path":
        return "path", RulePath("$", ())
    if key == "$.status":
        return "status", RulePath("$", ())
    for prefix, category in (("$.headers[", "header"), ("$.header[", "header"),
                             ("$.query[", "query")):
        if key.startswith(prefix):  # `$.headers['X-Ver']`, as pact_ffi writes names like it
            tokens = _parse("$" + key[len(prefix) - 1:], where).tokens[1:]
            if tokens and tokens[0][0] == "field":
                return category, _name_path(category, tokens[0][1], where)
    for prefix, category in (("$.body", "body"), ("$.headers.", "header"), ("$.header.", "header"),
                             ("$.query.", "query")):
        if key.startswith(prefix):
            rest = key[len(prefix):]
            if category == "body":
                if rest and rest[0] not in ".[":
                    break
                return "body", _parse(f"${rest}", where)
            return category, _name_path(category, rest, where)
    # The reference files any other `$.name...` under a category of that name, and never
    # evaluates it: so do we (a category nothing reads).
    warn(where, f"matching rule path '{key}' is not under $.body, $.headers, $.query or $.path; "
                "ignored")
    return _IGNORED, RulePath("$", ())


def _compile_category(category: str, content: Any, where: str, out: Entries) -> None:
    if category == "headers":  # the reference reads it as `header`
        warn(where, "rule category 'headers' read as 'header'")
        category = "header"
    if category not in CATEGORIES and category.lower() in CATEGORIES:
        warn(where, f"rule category '{category}' read as '{category.lower()}'")
        category = category.lower()
    if category not in CATEGORIES and isinstance(content, dict):  # the reference keeps it unused
        warn(where, f"unknown matching rule category '{category}' (known: "
                    f"{', '.join(CATEGORIES)}); ignored")
        return
    if category not in CATEGORIES:
        raise PactLoadError(f"unknown matching rule category '{category}' (expected one of "
                               f"{', '.join(CATEGORIES)})", where)
    if not isinstance(content, dict):
        raise PactLoadError(f"matching rules for '{category}' must be a JSON object", where)
    name = "body" if category == "content" else category
    items = out.setdefault(name, [])
    if category in ("path", "status"):
        if "matchers" in content:
            items.append((RulePath("$", ()), compile_rule_list(content, where)))
            return
        # Some writers key the path rule by "" or "$".
        for key, definition in content.items():
            items.append((RulePath("$", ()), compile_rule_list(definition, f"{where}.{key}")))
        return
    for key, definition in content.items():
        kwhere = f"{where}.{key}"
        rule_list = compile_rule_list(definition, kwhere)
        if rule_list.rules:
            items.append((_category_path(category, key, kwhere), rule_list))


def _category_path(category: str, key: str, where: str) -> RulePath:
    if category in ("body", "content"):
        if not key:
            warn(where, "an empty rule path read as '$', the whole body")
            return RulePath("$", ())
        return _parse(key if key.startswith("$") else f"$.{key}", where)
    if key.startswith("$"):
        path = _parse(key.lower() if category == "header" else key, where)
        _check_name_path(category, path, where)
        return path
    return _name_path(category, key, where)


def _check_name_path(category: str, path: RulePath, where: str) -> None:
    """Header, query and metadata values are `name` or `name[i]`: nothing deeper exists."""
    kinds = [kind for kind, _ in path.tokens[1:]]
    if kinds and kinds[0] in ("field", "star") and \
            all(k in ("index", "star_index") for k in kinds[1:2]) and len(kinds) <= 2:
        return
    raise PactLoadError(f"'{path.expr}' can never match a {category} value: {category} rules "
                           "take a name, optionally with one index (`$.name` or `name[0]`)", where)


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
        raise PactLoadError(f"matching rule for {category} needs a name", where)
    return field_path(name)


def _parse(expr: str, where: str) -> RulePath:
    try:
        return parse_path(expr)
    except PathSyntaxError as exc:
        raise PactLoadError(f"matching rule path is not valid: {exc}", where) from None


def compile_rule_list(definition: Any, where: str) -> RuleList:
    """`{"matchers": [...], "combine": "AND"}` into a RuleList."""
    if not isinstance(definition, dict):
        raise PactLoadError("a matching rule entry must be a JSON object with 'matchers'", where)
    matchers = definition.get("matchers")
    if not isinstance(matchers, list) or not matchers:
        raise PactLoadError("'matchers' must be a non-empty list of rules", f"{where}.matchers")
    combine = definition.get("combine", "AND")
    if combine not in ("AND", "OR"):
        raise PactLoadError(f"'combine' must be \"AND\" or \"OR\", not {combine!r}",
                               f"{where}.combine")
    rules: list[Rule] = []
    for i, matcher in enumerate(matchers):
        try:
            rules.append(compile_rule(matcher, f"{where}.matchers[{i}]"))
        except _NeverEvaluated:
            continue  # an empty list is left out by the caller
    return RuleList(tuple(rules), combine)


def compile_rule(definition: Any, where: str) -> Rule:
    """One matcher object into a Rule; an unknown or unusable rule raises PactLoadError."""
    if not isinstance(definition, dict):
        raise PactLoadError("a matching rule must be a JSON object like {\"match\": \"type\"}",
                               where)
    match = definition.get("match")
    raw = dict(definition)
    if match is None:
        if "regex" in definition:
            match = "regex"
        elif "min" in definition or "max" in definition:
            match = "type"
        else:
            raise PactLoadError("matching rule has no 'match' (add \"match\": \"type\", "
                                   "\"regex\", ...)", where)
    if not isinstance(match, str):
        raise PactLoadError("'match' must be a string naming the rule", f"{where}.match")
    if match in _SIMPLE:
        return Rule(_SIMPLE[match], raw=raw)
    if match == "regex":
        return Rule("regex", regex=_regex(definition, where), raw=raw)
    if match in ("type", "min", "max"):
        return _type_rule(definition, raw, where)
    if match in _DATES:
        return _date_rule(_DATES[match], match, definition, raw, where)
    if match in ("include", "contentType"):
        value = definition.get("value")
        if not isinstance(value, str) or not value:
            raise PactLoadError(f"an {match} rule needs a non-empty 'value' string",
                                   f"{where}.value")
        return Rule("include" if match == "include" else "content_type", value=value, raw=raw)
    if match == "statusCode":
        try:
            status = parse_status(definition.get("status"))
        except StatusSpecError as exc:
            raise PactLoadError(f"statusCode rule: {exc}", f"{where}.status") from None
        return Rule("status_code", status=status, raw=raw)
    if match == "arrayContains":
        return Rule("array_contains", variants=_variants(definition, where), raw=raw)
    if match in ("eachKey", "eachValue"):
        return Rule("each_key" if match == "eachKey" else "each_value",
                    sub_rules=_sub_rules(definition, where), raw=raw)
    if match in _JVM_ONLY:
        raise PactLoadError(f"matching rule '{match}' is a Pact-JVM extension, not part of "
                               "the V3/V4 specification; use arrayContains or type rules",
                               f"{where}.match")
    raise PactLoadError(f"unknown matching rule '{match}' (known rules: "
                           f"{', '.join(_KNOWN)})", f"{where}.match")


def _regex(definition: dict[str, Any], where: str) -> RuleRegex:
    pattern = definition.get("regex")
    if not isinstance(pattern, str):
        raise PactLoadError("a regex rule needs a 'regex' string", f"{where}.regex")
    try:
        return RuleRegex(pattern)
    except RegexCompileError as exc:
        if regexes_are_lenient():
            warn(f"{where}.regex", f"regular expression '{pattern}' does not compile ({exc}); "
                                   "a mock server never evaluates this rule, so it is kept in "
                                   "the pact but not compiled")
            raise _NeverEvaluated from None
        raise PactLoadError(f"regular expression '{pattern}' does not compile: {exc}",
                               f"{where}.regex") from None


def _type_rule(definition: dict[str, Any], raw: dict[str, Any], where: str) -> Rule:
    lo = _bound(definition, "min", where)
    hi = _bound(definition, "max", where)
    if lo is not None and hi is not None:
        if lo > hi:
            raise PactLoadError(f"'min' ({lo}) is greater than 'max' ({hi}): no collection "
                                   "can ever match", where)
        return Rule("minmax_type", min=lo, max=hi, raw=raw)
    if lo is not None:
        return Rule("min_type", min=lo, raw=raw)
    if hi is not None:
        return Rule("max_type", max=hi, raw=raw)
    return Rule("type", raw=raw)


def _bound(definition: dict[str, Any], key: str, where: str) -> int | None:
    value = definition.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PactLoadError(f"'{key}' must be a non-negative integer, not {value!r}",
                               f"{where}.{key}")
    return value


def _date_rule(kind: RuleKind, match: str, definition: dict[str, Any], raw: dict[str, Any],
               where: str) -> Rule:
    key = "format" if "format" in definition else match
    pattern = definition.get(key)
    if pattern is None or pattern == "":
        pattern = DEFAULT_FORMATS[kind]
    if not isinstance(pattern, str):
        raise PactLoadError(f"a {match} rule's '{key}' must be a string", f"{where}.{key}")
    try:
        date_format = compile_date_format(pattern)
    except DateFormatError as exc:
        raise PactLoadError(f"date/time format cannot be parsed: {exc}",
                               f"{where}.{key}") from None
    return Rule(kind, date_format=date_format, raw=raw)


def _variants(definition: dict[str, Any], where: str) -> tuple[Variant, ...]:
    variants = definition.get("variants")
    if not isinstance(variants, list):
        raise PactLoadError("an arrayContains rule needs a 'variants' list",
                               f"{where}.variants")
    out: list[Variant] = []
    for i, variant in enumerate(variants):
        vwhere = f"{where}.variants[{i}]"
        if not isinstance(variant, dict):
            raise PactLoadError("an arrayContains variant must be a JSON object", vwhere)
        index = variant.get("index", i)
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise PactLoadError(f"variant 'index' must be a non-negative integer, not "
                                   f"{index!r}", f"{vwhere}.index")
        rules = variant.get("rules") or {}
        if not isinstance(rules, dict):
            raise PactLoadError("variant 'rules' must be an object of paths to matchers",
                                   f"{vwhere}.rules")
        entries: Entries = {}
        # Variant rules are body rules rooted at the item; some writers nest them under "body".
        body = rules.get("body") if set(rules) == {"body"} and isinstance(rules["body"], dict) \
            else rules
        _compile_category("body", body, f"{vwhere}.rules", entries)
        generators = variant.get("generators")
        if generators is not None and not isinstance(generators, dict):
            raise PactLoadError("variant 'generators' must be a JSON object",
                                   f"{vwhere}.generators")
        out.append(Variant(index, RuleCategory("body", tuple(entries.get("body", []))),
                           generators))
    return tuple(out)


def _sub_rules(definition: dict[str, Any], where: str) -> RuleList:
    rules = definition.get("rules")
    if not isinstance(rules, list) or not rules:
        raise PactLoadError(f"an {definition.get('match')} rule needs a non-empty 'rules' "
                               "list of matchers", f"{where}.rules")
    return RuleList(tuple(compile_rule(r, f"{where}.rules[{i}]") for i, r in enumerate(rules)))
