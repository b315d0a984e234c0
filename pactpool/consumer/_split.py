"""Split a value full of matchers into what a pact stores: example, rules, generators.

This follows pact_ffi's reading of integration JSON (`process_object`/`process_matcher`), so a
body built here yields the same paths and rules pact-python's FFI would write: a matcher's
rules sit at its path, items of an array example under `[*]`, keys of a `values`/`eachValue`
example under `.*`, and rules are written in pact-reference's V3/V4 form. Foreign matchers
(any `AbstractMatcher` subclass) and raw integration-JSON dicts go through the same reading.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import orjson

from pactpool.consumer.generate.generator import AbstractGenerator, example_from, generator_json
from pactpool.consumer.match.matcher import (
    AbstractMatcher,
    AndMatcher,
    ArrayContainsMatcher,
    EachKeyMatcher,
    EachValueMatcher,
    GenericMatcher,
    _PactMatcher,
)
from pactpool.consumer.types import Unset
from pactpool.errors import PactDefinitionError

__all__ = ["Split", "split", "split_xml"]


@dataclass(frozen=True)
class Split:
    """A body taken apart: a plain JSON example (or XML text), rules and generators by path."""

    example: Any
    rules: dict[str, dict[str, Any]]
    generators: dict[str, dict[str, Any]]


def split(value: object, root: str = "$") -> Split:
    """Take `value` (plain JSON, matchers and generators, nested freely) apart at `root`."""
    walk = _Walk()
    example = walk.value(value, root, False)
    return Split(example, walk.rules, walk.generators)


def split_xml(root: Any) -> Split:
    """Take an XML body apart: `xml.element(...)`, `xml.body(...)` or their dict form.

    The example is the XML document text; rules and generators sit at the XML paths pact_ffi
    uses (`$.user.id.#text`, `$.user['@id']`, a repeated element's `$.items.item`).
    """
    from pactpool.consumer.xml import XmlElement

    if isinstance(root, XmlElement):
        node: Any = root.to_serializable_dict()
    elif isinstance(root, Mapping):
        node = root.get("root", root)
    else:
        raise TypeError(f"split_xml: expected an XmlElement or its dict form, not "
                        f"{type(root).__name__}")
    walk = _Walk()
    parts: list[str] = []
    walk.xml_node(node, "$", parts, None)
    return Split('<?xml version="1.0" encoding="UTF-8"?>' + "".join(parts), walk.rules,
                 walk.generators)


# ---- paths ----------------------------------------------------------------------------------

_IDENT = re.compile(r"[_A-Za-z][_A-Za-z0-9]*\Z")


@lru_cache(maxsize=4096)
def _is_identifier(key: str) -> bool:
    return _IDENT.match(key) is not None


def field_path(path: str, key: str) -> str:
    """`path.key`, or `path['key']` when the key is not an identifier (as pact-reference)."""
    if _is_identifier(key):
        return f"{path}.{key}"
    return "{}['{}']".format(path, key.replace("\\", "\\\\").replace("'", "\\'"))


# ---- rule and generator JSON ----------------------------------------------------------------

_PLAIN_RULES = {"equality": "equality", "number": "number", "integer": "integer",
                "decimal": "decimal", "real": "decimal", "boolean": "boolean", "null": "null",
                "values": "values", "notEmpty": "notEmpty", "not-empty": "notEmpty",
                "semver": "semver"}
_DATE_RULES = {"date": "date", "time": "time", "timestamp": "datetime", "datetime": "datetime"}
_VALUES_RULES = frozenset({"values", "eachValue"})
_EACH_RULES = frozenset({"eachKey", "eachValue"})
_SCALARS = frozenset({str, int, bool, type(None)})
_OWN_MATCHERS = frozenset({GenericMatcher, AndMatcher, ArrayContainsMatcher, EachKeyMatcher,
                           EachValueMatcher})
_GENERATOR_FIELDS: dict[str, tuple[str, ...]] = {
    "RandomInt": ("min", "max"), "RandomDecimal": ("digits",), "RandomHexadecimal": ("digits",),
    "RandomString": ("size",), "Regex": ("regex",), "Uuid": ("format",),
    "Date": ("format", "expression"), "Time": ("format", "expression"),
    "DateTime": ("format", "expression"), "RandomBoolean": (),
    "ProviderState": ("expression", "dataType"), "MockServerURL": ("regex", "example"),
}
_EXAMPLE_HINTS: dict[str, Any] = {"RandomInt": 0, "RandomDecimal": 0.0, "RandomBoolean": False}


def _matcher_parts(matcher: AbstractMatcher[Any]) -> tuple[dict[str, Any], Any]:
    """A matcher's integration JSON and its generator (an object, a JSON dict, or None)."""
    if isinstance(matcher, _PactMatcher):
        return matcher._pact_parts()
    data = matcher.to_integration_json()
    if not isinstance(data, dict) or "pact:matcher:type" not in data:
        raise PactDefinitionError(f"{type(matcher).__name__}.to_integration_json() must return a "
                                  "dict with a 'pact:matcher:type'")
    return data, _generator_in(data)


def _generator_in(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The generator an integration-JSON object names, its fields read from the same object."""
    kind = data.get("pact:generator:type")
    if kind is None:
        return None
    fields = _GENERATOR_FIELDS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        raise PactDefinitionError(f"unknown generator type {kind!r} (known: "
                                  f"{', '.join(_GENERATOR_FIELDS)})")
    return {"type": kind, **{f: data[f] for f in fields if data.get(f) is not None}}


def rule_objects(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The single-rule objects an integration-JSON matcher holds (several for an AND list)."""
    kind = data.get("pact:matcher:type", data.get("match"))
    if isinstance(kind, list):
        out: list[Mapping[str, Any]] = []
        for item in kind:
            out.extend(rule_objects(_as_rule_source(item)))
        return out
    return [data]


def _as_rule_source(item: Any) -> Mapping[str, Any]:
    if isinstance(item, AbstractMatcher):
        return _matcher_parts(item)[0]
    if isinstance(item, Mapping):
        return item
    raise PactDefinitionError(f"a matching rule must be a matcher or a JSON object, not {item!r}")


def rule_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """One rule in pact-reference's V3/V4 file form, from integration JSON or `{"match": ...}`."""
    kind = data.get("pact:matcher:type", data.get("match"))
    if not isinstance(kind, str):
        raise PactDefinitionError(f"a matching rule needs a name, got {kind!r}")
    if kind in _PLAIN_RULES:
        return {"match": _PLAIN_RULES[kind]}
    if kind == "regex":
        pattern = data.get("regex")
        if not isinstance(pattern, str):
            raise PactDefinitionError("a regex rule needs a 'regex' string")
        return {"match": "regex", "regex": pattern}
    if kind in ("type", "min", "max"):
        rule: dict[str, Any] = {"match": "type"}
        for bound in ("min", "max"):
            if data.get(bound) is not None:
                rule[bound] = data[bound]
        return rule
    if kind in _DATE_RULES:
        rule = {"match": _DATE_RULES[kind]}
        pattern = data.get("format", data.get(kind))
        if pattern is not None:
            rule["format"] = pattern
        return rule
    if kind in ("include", "contentType", "content-type"):
        text = data.get("value")
        return {"match": "include" if kind == "include" else "contentType",
                "value": text if isinstance(text, str) else _json_to_string(text)}
    if kind in ("statusCode", "status-code"):
        return {"match": "statusCode", "status": data.get("status", "success")}
    if kind in ("eachKey", "each-key", "eachValue", "each-value"):
        name = "eachKey" if kind in ("eachKey", "each-key") else "eachValue"
        rules = data.get("rules")
        if not isinstance(rules, list) or not rules:
            raise PactDefinitionError(f"an {name} rule needs a non-empty list of rules")
        subs = [rule_json(obj) for item in rules for obj in rule_objects(_as_rule_source(item))]
        return {"match": name, "rules": subs}
    raise PactDefinitionError(f"unknown matching rule {kind!r}")


def _json_to_string(value: Any) -> str:
    """A JSON value as text, as pact-reference's `json_to_string` (strings unquoted)."""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


# ---- the walk -------------------------------------------------------------------------------


class _Walk:
    """Collects rules and generators while rebuilding the plain example."""

    __slots__ = ("generators", "rules")

    def __init__(self) -> None:
        self.rules: dict[str, dict[str, Any]] = {}
        self.generators: dict[str, dict[str, Any]] = {}

    def add_rule(self, path: str, rule: dict[str, Any]) -> None:
        entry = self.rules.setdefault(path, {"combine": "AND", "matchers": []})
        if rule not in entry["matchers"]:
            entry["matchers"].append(rule)

    def value(self, value: Any, path: str, keys_as_star: bool) -> Any:
        cls = type(value)
        if cls in _SCALARS:  # exact types first: the ABC checks below cost more
            return value
        if cls is float:
            return _finite(value, path)
        if cls in _OWN_MATCHERS:
            data, generator = value._pact_parts()
            return self.matcher(data, generator, path)
        if cls is dict and "pact:matcher:type" not in value and "pact:generator:type" not in value:
            return self.mapping(value, path, keys_as_star)
        if value is None or isinstance(value, (str, bool, int)):
            return value
        if isinstance(value, float):
            return _finite(value, path)
        if isinstance(value, AbstractMatcher):
            data, generator = _matcher_parts(value)
            return self.matcher(data, generator, path)
        if isinstance(value, AbstractGenerator):
            return self.generator(value, path)
        if isinstance(value, Mapping):
            if "pact:matcher:type" in value:
                return self.matcher(value, _generator_in(value), path)
            if "pact:generator:type" in value:
                return self.generator(_generator_in(value), path)
            return self.mapping(value, path, keys_as_star)
        if isinstance(value, (list, tuple)):
            return [self.value(item, f"{path}[{i}]", False) for i, item in enumerate(value)]
        return _plain(value, path)

    def mapping(self, value: Mapping[Any, Any], path: str, keys_as_star: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = _key(key, path)
            if name.startswith("pact:"):
                continue
            out[name] = self.value(item, f"{path}.*" if keys_as_star else field_path(path, name),
                                   False)
        return out

    def generator(self, generator: Any, path: str) -> Any:
        data = generator_json(generator) if isinstance(generator, AbstractGenerator) \
            else generator
        if data is None:
            return None
        self.generators[path] = data
        return _draw(data)

    def matcher(self, data: Mapping[str, Any], generator: Any, path: str) -> Any:
        kind = data.get("pact:matcher:type")
        if kind in ("arrayContains", "array-contains"):
            example = self.array_contains(data, path)
        else:
            rules = [rule_json(obj) for obj in rule_objects(data)]
            for rule in rules:
                self.add_rule(path, rule)
            values_rule = any(r["match"] in _VALUES_RULES for r in rules)
            if "value" in data and not isinstance(data["value"], Unset):
                example = self.matched_value(data["value"], path, values_rule)
            else:
                example = None  # filled from the generator below, if there is one
            for rule in rules:
                if rule["match"] in _EACH_RULES:  # pact-reference keeps the example as text
                    rule["value"] = orjson.dumps(example).decode()
        if generator is not None:
            drawn = self.generator(generator, path)
            if "value" not in data or isinstance(data.get("value"), Unset):
                example = drawn
        return example

    def matched_value(self, value: Any, path: str, values_rule: bool) -> Any:
        cls = type(value)
        if cls in _SCALARS or cls in _OWN_MATCHERS:
            return self.value(value, path, False)
        if isinstance(value, AbstractMatcher | AbstractGenerator):
            return self.value(value, path, False)
        if isinstance(value, Mapping) and "pact:matcher:type" not in value:
            return self.mapping(value, path, values_rule)
        if isinstance(value, (list, tuple)):
            return [self.value(item, f"{path}[*]", False) for item in value]
        return self.value(value, path, False)

    def array_contains(self, data: Mapping[str, Any], path: str) -> list[Any]:
        variants = data.get("variants")
        if not isinstance(variants, (list, tuple)):
            raise PactDefinitionError("arrayContains needs a list of variants")
        examples: list[Any] = []
        entries: list[dict[str, Any]] = []
        for index, variant in enumerate(variants):
            inner = _Walk()
            examples.append(inner.value(variant, "$", False))
            entry: dict[str, Any] = {"index": index, "rules": inner.rules}
            if inner.generators:
                entry["generators"] = inner.generators
            entries.append(entry)
        self.add_rule(path, {"match": "arrayContains", "variants": entries})
        return examples

    # ---- XML ----

    def xml_node(self, node: Any, path: str, out: list[str], parent: str | None) -> None:
        if not isinstance(node, Mapping):
            raise PactDefinitionError(f"an XML child must be an element or text, not {node!r}")
        if "pact:matcher:type" in node:
            element = node.get("value")
            if not isinstance(element, Mapping) or "name" not in element:
                raise PactDefinitionError("a repeated XML element needs its element as 'value'")
            name = str(element["name"])
            for rule in (rule_json(obj) for obj in rule_objects(node)):
                self.add_rule(f"{path}.{name}", rule)
            generator = _generator_in(node)
            if generator is not None:
                self.generators[f"{path}.{name}"] = generator
            copies = node.get("examples", 1) if parent is not None else 1
            text = self.xml_element(element, path)
            out.extend([text] * (copies if isinstance(copies, int) and copies > 0 else 1))
        elif "name" in node:
            out.append(self.xml_element(node, path))
        elif "content" in node or "matcher" in node:
            out.append(escape(self.xml_text(node, path)))
        else:
            raise PactDefinitionError(f"an XML node needs a name, content or matcher: {node!r}")

    def xml_element(self, element: Mapping[str, Any], path: str) -> str:
        name = str(element["name"])
        here = f"{path}.{name}"
        attrs = element.get("attributes") or {}
        shown = "".join(f" {key}={quoteattr(self.xml_attribute(value, here, str(key)))}"
                        for key, value in attrs.items())
        inner: list[str] = []
        for child in element.get("children") or []:
            self.xml_node(child, here, inner, name)
        if not inner:
            return f"<{name}{shown}/>"
        return f"<{name}{shown}>{''.join(inner)}</{name}>"

    def xml_attribute(self, value: Any, path: str, key: str) -> str:
        where = f"{path}['@{key}']"
        if isinstance(value, AbstractMatcher) or (isinstance(value, Mapping)
                                                  and "pact:matcher:type" in value):
            return _json_to_string(self.value(value, where, False))
        return _json_to_string(_plain(value, where))

    def xml_text(self, node: Mapping[str, Any], path: str) -> str:
        where = f"{path}.#text"
        matcher = node.get("matcher")
        if matcher is None:
            return _json_to_string(_plain(node.get("content"), where))
        example = self.value(matcher, where, False)
        content = node.get("content", example)
        if isinstance(content, (AbstractMatcher, AbstractGenerator)):
            content = example
        return _json_to_string(_plain(content, where))


def _key(key: Any, path: str) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, (int, float)) and not isinstance(key, bool):
        return str(key)
    raise TypeError(f"JSON object keys must be strings: {key!r} at {path}")


def _finite(value: float, path: str) -> float:
    if value - value != 0.0:  # NaN and the infinities (JSON has none of them)
        raise PactDefinitionError(f"{value} at {path} is not a JSON number (JSON has no NaN or "
                                  "infinity); use a finite number, or a string")
    return value


def _plain(value: Any, path: str) -> Any:
    """A scalar as JSON: Decimal as a number, dates as ISO text; anything else is refused."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return _finite(value, path)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise PactDefinitionError(f"{value} at {path} is not a JSON number")
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent \
            == 0 else float(value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, Unset):
        return None
    raise TypeError(f"{type(value).__name__} is not a JSON value (at {path}); use dict, list, "
                    "str, int, float, bool, None or a matcher")


def _draw(data: dict[str, Any]) -> Any:
    from pactpool.consumer.generate.generator import GenericGenerator

    kind = data["type"]
    generator = GenericGenerator(kind, {k: v for k, v in data.items() if k != "type"})
    return example_from(generator, _EXAMPLE_HINTS.get(kind))
