"""Matchers, named as pact-python's `pact.match`: use them as `match.int(...)`.

The functions shadow builtins (`int`, `str`, `type`, ...) on purpose, to keep pact-python's
spelling; import the module, not the functions. Every matcher checks its example against its
own rule at the call (with pactpool's matching code), so a contract that contradicts itself
fails where it is written: `match.regex("abc", regex=r"\\d+")` raises `PactDefinitionError`.
A matcher given no example gets a generator and a reproducible example drawn from it.
"""

from __future__ import annotations

import builtins
import datetime as dt
import warnings
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, TypeVar, cast

from pactpool.consumer import generate
from pactpool.consumer._dates import strftime_to_java
from pactpool.consumer.generate.generator import (
    AbstractGenerator,
    GenericGenerator,
    example_from,
    verify_generator,
)
from pactpool.consumer.match.matcher import (
    AbstractMatcher,
    AndMatcher,
    ArrayContainsMatcher,
    EachKeyMatcher,
    EachValueMatcher,
    GenericMatcher,
    verify,
)
from pactpool.consumer.types import UNSET, Matchable, Unset
from pactpool.errors import PactDefinitionError

__all__ = [
    "AbstractMatcher",
    "AndMatcher",
    "GenericMatcher",
    "array_containing",
    "bool",
    "boolean",
    "date",
    "datetime",
    "decimal",
    "each_key_matches",
    "each_like",
    "each_value_matches",
    "float",
    "includes",
    "int",
    "integer",
    "like",
    "none",
    "null",
    "number",
    "regex",
    "str",
    "string",
    "time",
    "timestamp",
    "type",
    "uuid",
]

_T = TypeVar("_T")
_NumberT = TypeVar("_NumberT", builtins.int, builtins.float, Decimal)
UuidFormat = Literal["simple", "lowercase", "uppercase", "urn"]

_HEX_LOWER = r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"
_HEX_UPPER = r"[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}"
_UUID_PATTERNS: dict[builtins.str, builtins.str] = {
    "simple": r"^[0-9a-fA-F]{32}$",
    "lowercase": rf"^{_HEX_LOWER}$",
    "uppercase": rf"^{_HEX_UPPER}$",
    "urn": rf"^urn:uuid:{_HEX_LOWER}$",
}
_ANY_CASE_UUID = rf"^({_HEX_LOWER}|{_HEX_UPPER})$"


def _built(label: builtins.str, matcher: GenericMatcher[_T], hint: Any = None,
           ) -> GenericMatcher[_T]:
    """Give a value-less matcher its drawn example, then check the example passes the rule."""
    if isinstance(matcher._example, Unset) and matcher.generator is not None:
        matcher._example = example_from(matcher.generator, hint)
    verify(matcher, label)
    return matcher


def _is_unset(value: object) -> builtins.bool:
    return isinstance(value, Unset)


def _require(label: builtins.str, name: builtins.str, value: object, kinds: Any,
             what: builtins.str) -> None:
    if not isinstance(value, kinds) or (isinstance(value, builtins.bool)
                                        and builtins.bool not in _tuple(kinds)):
        raise TypeError(f"{label}: {name} must be {what}, not {builtins.type(value).__name__}")


def _tuple(kinds: Any) -> tuple[Any, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _optional_int(label: builtins.str, name: builtins.str, value: object) -> None:
    if value is not None:
        _require(label, name, value, builtins.int, "an int or None")


def _generator_arg(label: builtins.str, generator: object) -> None:
    if generator is not None and not isinstance(generator, AbstractGenerator):
        raise TypeError(f"{label}: generator must be a generate.* generator or None, not "
                        f"{builtins.type(generator).__name__}")


# ---- numbers --------------------------------------------------------------------------------


def int(value: builtins.int | Unset = UNSET, /, *, min: builtins.int | None = None,
        max: builtins.int | None = None) -> AbstractMatcher[builtins.int]:
    """Any integer; with no example, one drawn from `min`..`max` (which only bound the draw)."""
    _optional_int("match.int", "min", min)
    _optional_int("match.int", "max", max)
    if _is_unset(value):
        return _built("match.int", GenericMatcher("integer", generator=generate.int(
            min=min, max=max)), 0)
    _require("match.int", "value", value, builtins.int, "an int")
    return _built("match.int", GenericMatcher("integer", value))


def integer(value: builtins.int | Unset = UNSET, /, *, min: builtins.int | None = None,
            max: builtins.int | None = None) -> AbstractMatcher[builtins.int]:
    """Alias of `match.int`."""
    return int(value, min=min, max=max)


def float(value: _NumberT | Unset = UNSET, /, *,
          precision: builtins.int | None = None) -> AbstractMatcher[_NumberT]:
    """Any number with a fractional part (rule `decimal`); an int example is written as float.

    The reference's `decimal` rule refuses `10`, so `match.float(10)` writes `10.0`.
    """
    _optional_int("match.float", "precision", precision)
    if _is_unset(value):
        return _built("match.float", GenericMatcher("decimal", generator=generate.float(
            precision)), 0.0)
    _require("match.float", "value", value, (builtins.int, builtins.float, Decimal), "a number")
    return _built("match.float", GenericMatcher("decimal", builtins.float(value)))  # type: ignore[arg-type]


def decimal(value: _NumberT | Unset = UNSET, /, *,
            precision: builtins.int | None = None) -> AbstractMatcher[_NumberT]:
    """Alias of `match.float`."""
    return float(value, precision=precision)


def number(value: builtins.int | builtins.float | Decimal | Unset = UNSET, /, *,
           min: builtins.int | None = None, max: builtins.int | None = None,
           precision: builtins.int | None = None) -> AbstractMatcher[Any]:
    """Any number, integer or not. With no example, give `min`/`max` or `precision`."""
    _optional_int("match.number", "min", min)
    _optional_int("match.number", "max", max)
    _optional_int("match.number", "precision", precision)
    if _is_unset(value):
        if min is not None or max is not None:
            return _built("match.number", GenericMatcher("number", generator=generate.int(
                min=min, max=max)), 0)
        if precision is not None:
            return _built("match.number", GenericMatcher("number", generator=generate.float(
                precision)), 0.0)
        raise PactDefinitionError("match.number: At least one of min, max, or precision must "
                                  "be provided (there is no example).")
    _require("match.number", "value", value, (builtins.int, builtins.float, Decimal), "a number")
    if isinstance(value, builtins.int) and precision is not None:
        warnings.warn("match.number: precision is ignored for an int example", stacklevel=2)
    if not isinstance(value, builtins.int) and (min is not None or max is not None):
        warnings.warn("match.number: min and max are ignored for a non-int example",
                      stacklevel=2)
    return _built("match.number", GenericMatcher("number", value))


# ---- strings --------------------------------------------------------------------------------


def str(value: builtins.str | Unset = UNSET, /, *, size: builtins.int | None = None,
        generator: AbstractGenerator | None = None) -> AbstractMatcher[builtins.str]:
    """Any string. With no example, `"string"` is written and `generator` (or a random string
    of `size`) produces the value served."""
    _optional_int("match.str", "size", size)
    _generator_arg("match.str", generator)
    if _is_unset(value):
        if size is not None and generator is not None:
            warnings.warn("match.str: size is ignored when a generator is given", stacklevel=2)
        return _built("match.str", GenericMatcher(
            "type", value="string", generator=generator or generate.str(size)))
    _require("match.str", "value", value, builtins.str, "a str")
    if size is not None or generator is not None:
        warnings.warn("match.str: size and generator are ignored when a value is given",
                      stacklevel=2)
    return _built("match.str", GenericMatcher("type", value))


def string(value: builtins.str | Unset = UNSET, /, *, size: builtins.int | None = None,
           generator: AbstractGenerator | None = None) -> AbstractMatcher[builtins.str]:
    """Alias of `match.str`."""
    return str(value, size=size, generator=generator)


def regex(value: builtins.str | Unset = UNSET, /, *,
          regex: builtins.str | None = None) -> AbstractMatcher[builtins.str]:
    """A string matching `regex` in full; with no example, one is generated from the regex."""
    if regex is None:
        raise PactDefinitionError("match.regex: A regex pattern must be provided (regex=...).")
    _require("match.regex", "regex", regex, builtins.str, "a str")
    if _is_unset(value):
        return _built("match.regex", GenericMatcher(
            "regex", generator=generate.regex(regex), regex=regex))
    _require("match.regex", "value", value, builtins.str, "a str")
    return _built("match.regex", GenericMatcher("regex", value, regex=regex))


def uuid(value: builtins.str | Unset = UNSET, /, *,
         format: UuidFormat | None = None) -> AbstractMatcher[builtins.str]:
    """A UUID string: `simple` (32 hex digits), `lowercase`, `uppercase` or `urn`; any case
    with hyphens when no format is given."""
    if format is not None and format not in _UUID_PATTERNS:
        raise PactDefinitionError(
            f"match.uuid: format must be one of {', '.join(_UUID_PATTERNS)}, not {format!r}")
    pattern = _UUID_PATTERNS[format] if format else _ANY_CASE_UUID
    if _is_unset(value):
        return _built("match.uuid", GenericMatcher(
            "regex", generator=generate.uuid(format or "lowercase"), regex=pattern))
    _require("match.uuid", "value", value, builtins.str, "a str")
    return _built("match.uuid", GenericMatcher("regex", value, regex=pattern))


def includes(value: builtins.str, /, *,
             generator: AbstractGenerator | None = None) -> AbstractMatcher[builtins.str]:
    """A string containing `value`."""
    _require("match.includes", "value", value, builtins.str, "a str")
    _generator_arg("match.includes", generator)
    return _built("match.includes", GenericMatcher("include", value, generator=generator))


# ---- booleans and null ----------------------------------------------------------------------


def bool(value: builtins.bool | Unset = UNSET, /) -> AbstractMatcher[builtins.bool]:
    """Any boolean."""
    if _is_unset(value):
        return _built("match.bool", GenericMatcher("boolean", generator=generate.bool()), False)
    _require("match.bool", "value", value, builtins.bool, "a bool")
    return _built("match.bool", GenericMatcher("boolean", value))


def boolean(value: builtins.bool | Unset = UNSET, /) -> AbstractMatcher[builtins.bool]:
    """Alias of `match.bool`."""
    return bool(value)


def none() -> AbstractMatcher[None]:
    """A JSON null."""
    matcher: GenericMatcher[None] = GenericMatcher("null")
    matcher._example = None
    return matcher


def null() -> AbstractMatcher[None]:
    """Alias of `match.none`."""
    return none()


# ---- dates and times ------------------------------------------------------------------------


def _dated(label: builtins.str, value: Any, format: builtins.str | None,
           disable_conversion: builtins.bool, *, kinds: tuple[builtins.str, builtins.str],
           defaults: tuple[builtins.str, builtins.str],
           objects: tuple[builtins.type, ...]) -> AbstractMatcher[builtins.str]:
    """A date/time/datetime matcher: `kinds` = (rule, generator), `defaults` = (strftime,
    Java) formats, `objects` = the Python types formatted with strftime."""
    rule, generator_kind = kinds
    python_default, java_default = defaults
    if format is not None:
        _require(label, "format", format, builtins.str, "a str or None")
    _require(label, "disable_conversion", disable_conversion, builtins.bool, "a bool")
    if disable_conversion:
        if not _is_unset(value) and not isinstance(value, builtins.str):
            raise TypeError(f"{label}: with disable_conversion=True the value must be a str "
                            "(Python cannot write a Java pattern)")
        pattern = format or java_default
    else:
        python_format = format or python_default
        if isinstance(value, objects):
            value = cast(Any, value).strftime(python_format)
        pattern = strftime_to_java(python_format)
    if _is_unset(value):
        generator = GenericGenerator(generator_kind, format=pattern)
        verify_generator(generator, label)
        return _built(label, GenericMatcher(rule, generator=generator, format=pattern))
    _require(label, "value", value, (builtins.str, *objects),
             "a str or " + " or ".join(f"datetime.{t.__name__}" for t in objects))
    return _built(label, GenericMatcher(rule, value, format=pattern))


def date(value: dt.date | builtins.str | Unset = UNSET, /, format: builtins.str | None = None,
         *, disable_conversion: builtins.bool = False) -> AbstractMatcher[builtins.str]:
    """A date string in `format` (strftime, default `%Y-%m-%d`); a `date` is formatted."""
    return _dated("match.date", value, format, disable_conversion, kinds=("date", "Date"),
                  defaults=("%Y-%m-%d", "yyyy-MM-dd"), objects=(dt.date,))


def time(value: dt.time | builtins.str | Unset = UNSET, /, format: builtins.str | None = None,
         *, disable_conversion: builtins.bool = False) -> AbstractMatcher[builtins.str]:
    """A time string in `format` (strftime, default `%H:%M:%S`); a `time` is formatted."""
    return _dated("match.time", value, format, disable_conversion, kinds=("time", "Time"),
                  defaults=("%H:%M:%S", "HH:mm:ss"), objects=(dt.time,))


def datetime(value: dt.datetime | builtins.str | Unset = UNSET, /,
             format: builtins.str | None = None, *,
             disable_conversion: builtins.bool = False) -> AbstractMatcher[builtins.str]:
    """A date-time string in `format` (strftime, default `%Y-%m-%dT%H:%M:%S%z`).

    A naive `datetime` given with no format is written without an offset (the default's `%z`
    would print nothing and the example would fail its own rule).
    """
    python_default = "%Y-%m-%dT%H:%M:%S%z"
    if format is None and isinstance(value, dt.datetime) and value.utcoffset() is None:
        python_default = "%Y-%m-%dT%H:%M:%S"
    return _dated("match.datetime", value, format, disable_conversion,
                  kinds=("timestamp", "DateTime"),
                  defaults=(python_default, "yyyy-MM-dd'T'HH:mm:ssZ"), objects=(dt.datetime,))


def timestamp(value: dt.datetime | builtins.str | Unset = UNSET, /,
              format: builtins.str | None = None, *,
              disable_conversion: builtins.bool = False) -> AbstractMatcher[builtins.str]:
    """Alias of `match.datetime`."""
    return datetime(value, format, disable_conversion=disable_conversion)


# ---- structure ------------------------------------------------------------------------------


def type(value: _T, /, *, min: builtins.int | None = None, max: builtins.int | None = None,
         generator: AbstractGenerator | None = None) -> AbstractMatcher[_T]:
    """Any value of the example's JSON type; `min`/`max` bound an array's or object's size."""
    _optional_int("match.type", "min", min)
    _optional_int("match.type", "max", max)
    _generator_arg("match.type", generator)
    if _is_unset(value):
        if generator is None:
            raise PactDefinitionError("match.type: A generator must be provided when value is "
                                      "not set.")
        return _built("match.type", GenericMatcher("type", min=min, max=max, generator=generator))
    return _built("match.type", GenericMatcher("type", value, min=min, max=max,
                                               generator=generator))


def like(value: _T, /, *, min: builtins.int | None = None, max: builtins.int | None = None,
         generator: AbstractGenerator | None = None) -> AbstractMatcher[_T]:
    """Alias of `match.type`."""
    return type(value, min=min, max=max, generator=generator)


def each_like(value: _T, /, *, min: builtins.int | None = None,
              max: builtins.int | None = None) -> AbstractMatcher[Sequence[_T]]:
    """An array of `min` (default 1) or more items, each like `value` (which may hold matchers).

    The example holds `value` `min` times (once if `min` is 0), so it passes its own rule.
    """
    _optional_int("match.each_like", "min", min)
    _optional_int("match.each_like", "max", max)
    low = 1 if min is None else min
    if low < 0:
        raise PactDefinitionError(f"match.each_like: min must be 0 or more, not {low}")
    return _built("match.each_like",
                  GenericMatcher("type", [value] * builtins.max(low, 1), min=low, max=max))


def array_containing(variants: Sequence[_T | AbstractMatcher[_T]], /,
                     ) -> AbstractMatcher[Sequence[_T]]:
    """An array that holds, in any order and among other items, one item like each variant."""
    matcher: ArrayContainsMatcher[_T] = ArrayContainsMatcher(variants)
    verify(matcher, "match.array_containing")
    return matcher


def each_key_matches(value: Mapping[_T, Any], /, *,
                     rules: AbstractMatcher[_T] | list[AbstractMatcher[_T]],
                     ) -> AbstractMatcher[Mapping[_T, Matchable]]:
    """A map whose every key passes `rules` (one matcher or a list)."""
    matcher: EachKeyMatcher[_T] = EachKeyMatcher(value, _rule_list(rules))
    verify(matcher, "match.each_key_matches")
    return matcher


def each_value_matches(value: Mapping[Any, _T], /, *,
                       rules: AbstractMatcher[_T] | list[AbstractMatcher[_T]],
                       ) -> AbstractMatcher[Mapping[Matchable, _T]]:
    """A map whose every value passes `rules` (one matcher or a list), whatever the keys."""
    matcher: EachValueMatcher[_T] = EachValueMatcher(value, _rule_list(rules))
    verify(matcher, "match.each_value_matches")
    return matcher


def _rule_list(rules: Any) -> list[AbstractMatcher[Any]]:
    if isinstance(rules, AbstractMatcher):
        return [rules]
    if not isinstance(rules, list) or not rules or \
            not all(isinstance(rule, AbstractMatcher) for rule in rules):
        raise TypeError(f"rules must be a matcher or a non-empty list of matchers, not "
                        f"{rules!r}"[:200])
    return rules

