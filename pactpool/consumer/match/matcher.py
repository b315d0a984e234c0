"""Matcher classes: an example value plus the rule a real value must pass instead of equality.

The classes keep pact-python's names, constructors and JSON methods, so code that builds or
inspects matchers directly still works. `pactpool.consumer._split` turns any mix of them into
the example body, the matching rules and the generators of a pact.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from json import JSONEncoder
from typing import Any, Generic, TypeVar

import orjson

from pactpool.consumer.generate.generator import AbstractGenerator
from pactpool.consumer.types import UNSET, Matchable, MatcherType, Unset
from pactpool.errors import PactDefinitionError

__all__ = [
    "AbstractGenerator",
    "AbstractMatcher",
    "AndMatcher",
    "ArrayContainsMatcher",
    "EachKeyMatcher",
    "EachValueMatcher",
    "GenericMatcher",
    "IntegrationJSONEncoder",
    "MatchingRuleJSONEncoder",
]

_T_co = TypeVar("_T_co", covariant=True)
_T = TypeVar("_T")

PactParts = tuple[dict[str, Any], "AbstractGenerator | None"]
"""What `_split` reads from a matcher of this module: its integration JSON (without generator
fields, with the example under "value") and its generator, kept apart so neither's fields
leak into the other (pact-python merges them, so `like(1, generator=int(min=2))` gains `min`)."""


class AbstractMatcher(ABC, Generic[_T_co]):
    """A value with a matching rule; subclass it (two JSON methods) for a custom matcher."""

    @abstractmethod
    def to_integration_json(self) -> dict[str, Any]:
        """The matcher in pact_ffi's integration JSON (`{"pact:matcher:type": ...}`)."""

    @abstractmethod
    def to_matching_rule(self) -> dict[str, Any]:
        """The matcher as a matching rule object (`{"match": ...}`)."""

    def has_value(self) -> bool:
        """Whether the matcher was given an example (else one is generated)."""
        return not isinstance(getattr(self, "value", UNSET), Unset)

    def __and__(self, other: object) -> AndMatcher[Any]:
        if not isinstance(other, AbstractMatcher):
            return NotImplemented
        left = self._matchers if isinstance(self, AndMatcher) else (self,)
        right = other._matchers if isinstance(other, AndMatcher) else (other,)
        return AndMatcher(*left, *right)


class _PactMatcher(AbstractMatcher[_T_co]):
    """Base of this module's matchers: they hand `_split` their parts directly."""

    @abstractmethod
    def _pact_parts(self) -> PactParts:
        """The integration JSON with the example filled in, and the generator, apart."""


def _fields(extra: Mapping[str, Any] | None, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    if extra is not None and not isinstance(extra, Mapping):
        raise TypeError(f"extra_fields must be a mapping, not {type(extra).__name__}")
    merged = {**(extra or {}), **kwargs}
    return {k: v for k, v in merged.items() if v is not None}


class GenericMatcher(_PactMatcher[_T_co]):
    """Any single rule: its name, an example, an optional generator and the rule's fields."""

    def __init__(
        self,
        type: MatcherType,
        /,
        value: _T_co | Unset = UNSET,
        generator: AbstractGenerator | None = None,
        extra_fields: Mapping[str, Any] | None = None,
        **kwargs: Matchable,
    ) -> None:
        if not isinstance(type, str) or not type:
            raise TypeError("GenericMatcher: type must be a non-empty str naming the rule")
        if generator is not None and not isinstance(generator, AbstractGenerator):
            raise TypeError(f"GenericMatcher: generator must be an AbstractGenerator, not "
                            f"{builtin_type_name(generator)}")
        self.type = type
        self.value: _T_co | Unset = value
        self.generator = generator
        self._extra_fields: dict[str, Any] = _fields(extra_fields, kwargs)
        # The example written to the pact; a generated one when no value was given.
        self._example: Any = value

    def to_integration_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"pact:matcher:type": self.type}
        if not isinstance(self.value, Unset):
            data["value"] = self.value
        if self.generator is not None:
            data.update(self.generator.to_integration_json())
        data.update(self._extra_fields)
        return data

    def to_matching_rule(self) -> dict[str, Any]:
        data: dict[str, Any] = {"match": self.type}
        if not isinstance(self.value, Unset):
            data["value"] = self.value
        data.update(self._extra_fields)
        return data

    def _pact_parts(self) -> PactParts:
        data: dict[str, Any] = {"pact:matcher:type": self.type, **self._extra_fields}
        if not isinstance(self._example, Unset):
            data["value"] = self._example
        return data, self.generator

    def __repr__(self) -> str:
        shown = "" if isinstance(self.value, Unset) else f", {self.value!r}"
        extra = "".join(f", {k}={v!r}" for k, v in self._extra_fields.items())
        gen = "" if self.generator is None else f", generator={self.generator!r}"
        return f"GenericMatcher({self.type!r}{shown}{gen}{extra})"


class ArrayContainsMatcher(_PactMatcher[Sequence[_T_co]]):
    """An array holding, somewhere and in any order, an item like each variant."""

    def __init__(self, variants: Sequence[_T_co | AbstractMatcher[_T_co]]) -> None:
        if isinstance(variants, (str, bytes)) or not isinstance(variants, Sequence):
            raise TypeError("array_containing: variants must be a list of values or matchers, "
                            f"not {builtin_type_name(variants)}")
        self.variants = list(variants)

    def to_integration_json(self) -> dict[str, Any]:
        return {"pact:matcher:type": "arrayContains", "variants": self.variants}

    def to_matching_rule(self) -> dict[str, Any]:
        return {"match": "arrayContains", "variants": self.variants}

    def _pact_parts(self) -> PactParts:
        return self.to_integration_json(), None


class _MapMatcher(_PactMatcher[_T_co]):
    """eachKey and eachValue: rules applied to every key, or every value, of a map."""

    _kind = ""

    def __init__(self, value: Mapping[Any, Any],
                 rules: list[AbstractMatcher[Any]] | None = None) -> None:
        label = "each_key_matches" if self._kind == "eachKey" else "each_value_matches"
        if not isinstance(value, Mapping):
            raise TypeError(f"{label}: value must be a dict, not {builtin_type_name(value)}")
        if isinstance(rules, AbstractMatcher):
            rules = [rules]
        if not rules or not all(isinstance(r, AbstractMatcher) for r in rules):
            raise TypeError(f"{label}: rules must be a matcher or a non-empty list of matchers")
        self.value = value
        self.rules = list(rules)

    def to_integration_json(self) -> dict[str, Any]:
        return {"pact:matcher:type": self._kind, "value": self.value,
                "rules": [r.to_integration_json() for r in self.rules]}

    def to_matching_rule(self) -> dict[str, Any]:
        return {"match": self._kind, "value": self.value,
                "rules": [r.to_matching_rule() for r in self.rules]}

    def _pact_parts(self) -> PactParts:
        return {"pact:matcher:type": self._kind, "value": self.value, "rules": self.rules}, None


class EachKeyMatcher(_MapMatcher[Mapping[_T, Matchable]]):
    """A map whose every key passes the rules (the values are matched as usual)."""

    _kind = "eachKey"


class EachValueMatcher(_MapMatcher[Mapping[Matchable, _T_co]]):
    """A map, any keys, whose every value passes the rules."""

    _kind = "eachValue"


class AndMatcher(_PactMatcher[_T_co]):
    """Several rules that must all pass; the example is the first one given."""

    def __init__(self, *matchers: AbstractMatcher[Any], value: _T_co | Unset = UNSET) -> None:
        if not matchers or not all(isinstance(m, AbstractMatcher) for m in matchers):
            raise TypeError("AndMatcher: give one or more matchers")
        self._matchers = matchers
        self.value: _T_co | Unset = value
        if isinstance(value, Unset):
            for matcher in matchers:
                if matcher.has_value():
                    self.value = matcher.value  # type: ignore[attr-defined]
                    break
        self._example: Any = self.value
        if isinstance(self._example, Unset):
            for matcher in matchers:
                example = getattr(matcher, "_example", UNSET)
                if not isinstance(example, Unset):
                    self._example = example
                    break
        verify(self, "AndMatcher")

    def to_integration_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "pact:matcher:type": [m.to_integration_json() for m in self._matchers]}
        if not isinstance(self.value, Unset):
            data["value"] = self.value
        return data

    def to_matching_rule(self) -> dict[str, Any]:
        return {"combine": "AND", "matchers": [m.to_matching_rule() for m in self._matchers]}

    def _pact_parts(self) -> PactParts:
        parts: list[dict[str, Any]] = []
        generator: AbstractGenerator | None = None
        for matcher in self._matchers:
            if isinstance(matcher, _PactMatcher):
                data, gen = matcher._pact_parts()
                generator = generator or gen
            else:
                data = matcher.to_integration_json()
            parts.append({k: v for k, v in data.items() if k != "value"})
        data = {"pact:matcher:type": parts}
        if not isinstance(self._example, Unset):
            data["value"] = self._example
        return data, generator

    def __repr__(self) -> str:
        return " & ".join(repr(m) for m in self._matchers)


class MatchingRuleJSONEncoder(JSONEncoder):
    """`json.dumps(..., cls=MatchingRuleJSONEncoder)`: matchers as `{"combine", "matchers"}`."""

    def default(self, o: Any) -> Any:
        if isinstance(o, AndMatcher):
            return o.to_matching_rule()
        if isinstance(o, AbstractMatcher):
            return {"combine": "AND", "matchers": [o.to_matching_rule()]}
        return super().default(o)


class IntegrationJSONEncoder(JSONEncoder):
    """`json.dumps(..., cls=IntegrationJSONEncoder)`: matchers and generators as pact_ffi reads."""

    def default(self, o: Any) -> Any:
        if isinstance(o, (AbstractMatcher, AbstractGenerator)):
            return o.to_integration_json()
        return super().default(o)


def builtin_type_name(value: object) -> str:
    """The type name shown in a TypeError."""
    return type(value).__name__


# ---- the check every matcher makes of its own example ---------------------------------------


def verify(matcher: AbstractMatcher[Any], label: str) -> None:
    """Raise `PactDefinitionError` (naming `label`) if the example fails the matcher's rules.

    The rules are compiled by pactpool's own loader and run by its own matcher, so the check
    agrees with what the mock server will do; compiled rules are cached.
    """
    from pactpool.consumer import _split  # _split imports this module

    example = getattr(matcher, "_example", UNSET)
    if isinstance(matcher, GenericMatcher) and (example is None or isinstance(
            example, (str, int, float))):
        # The common case, a scalar example: no walk needed.
        data, _ = matcher._pact_parts()
        rules = [_split.rule_json(obj) for obj in _split.rule_objects(data)]
    else:
        result = _split.split(matcher)
        entry = result.rules.get("$")
        if entry is None:
            return
        rules, example = entry["matchers"], result.example
    for rule in rules:
        problem = _problem(rule, example) or _each_problem(rule, example)
        if problem is not None:
            raise PactDefinitionError(f"{label}: {problem}")


def _each_problem(rule: dict[str, Any], example: Any) -> str | None:
    """eachKey/eachValue: their sub-rules run on every key or value (the body matcher does
    this while walking a map, so the whole-value check alone would not)."""
    kind = rule["match"]
    if kind not in ("eachKey", "eachValue") or not isinstance(example, (dict, list)):
        return None
    if kind == "eachKey":
        items: list[Any] = list(example) if isinstance(example, dict) else []
    else:
        items = list(example.values()) if isinstance(example, dict) else example
    for item in items:
        for sub in rule["rules"]:
            problem = _problem(sub, item)
            if problem is not None:
                return f"{'key' if kind == 'eachKey' else 'value'} {_shown(item)}: {problem}"
    return None


def _problem(rule: dict[str, Any], example: Any) -> str | None:
    """The server's own verdict on the example (imported on first use: the worker's matching
    code is not needed until a matcher is made)."""
    from pactpool_worker.matching.example_check import check_example

    try:
        mismatch = check_example(rule, example)
    except ValueError as exc:
        return f"the rule {orjson.dumps(rule).decode()} cannot be used: " \
               f"{getattr(exc, 'reason', exc)}"
    if mismatch is None:
        return None
    return f"the example {_shown(example)} does not match its own rule: {mismatch}"


def _shown(example: Any) -> str:
    text = repr(example)
    return text if len(text) <= 200 else text[:197] + "..."
