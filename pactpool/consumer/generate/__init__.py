"""Generators, named as pact-python's `pact.generate`: use them as `generate.int(...)`.

The functions shadow builtins (`int`, `str`, `bool`, ...) on purpose, to keep pact-python's
spelling; import the module, not the functions. Each checks its arguments at the call and
returns a `GenericGenerator` written the way pact-reference writes it in a pact file.
"""

from __future__ import annotations

import builtins
from typing import Literal

from pactpool.consumer._dates import strftime_to_java
from pactpool.consumer.generate.generator import (
    AbstractGenerator,
    GenericGenerator,
    verify_generator,
)
from pactpool.errors import PactDefinitionError

__all__ = [
    "AbstractGenerator",
    "GenericGenerator",
    "bool",
    "boolean",
    "date",
    "datetime",
    "decimal",
    "float",
    "hex",
    "hexadecimal",
    "int",
    "integer",
    "mock_server_url",
    "provider_state",
    "regex",
    "str",
    "string",
    "time",
    "timestamp",
    "uuid",
]

UuidFormat = Literal["simple", "lowercase", "uppercase", "urn"]
# pact-python's format names, and the names pact-reference reads in a Uuid generator.
UUID_FORMATS: dict[builtins.str, builtins.str] = {
    "simple": "simple",
    "lowercase": "lower-case-hyphenated",
    "uppercase": "upper-case-hyphenated",
    "urn": "URN",
}


def _made(label: builtins.str, generator: GenericGenerator) -> GenericGenerator:
    verify_generator(generator, label)
    return generator


def _whole(label: builtins.str, name: builtins.str, value: object) -> builtins.int | None:
    if value is None:
        return None
    if isinstance(value, builtins.bool) or not isinstance(value, builtins.int):
        raise TypeError(f"{label}: {name} must be an int or None, not {type(value).__name__}")
    return value


def _text(label: builtins.str, name: builtins.str, value: object) -> builtins.str | None:
    if value is None:
        return None
    if not isinstance(value, builtins.str):
        raise TypeError(f"{label}: {name} must be a str or None, not {type(value).__name__}")
    return value


def int(*, min: builtins.int | None = None, max: builtins.int | None = None) -> AbstractGenerator:
    """A random integer from `min` to `max` (the reference's defaults: 0 and 10)."""
    low, high = _whole("generate.int", "min", min), _whole("generate.int", "max", max)
    # A single bound past the other's default would make an empty range: widen it instead.
    if low is not None and high is None and low > 10:
        high = low + 10
    if high is not None and low is None and high < 0:
        low = high - 10
    return _made("generate.int", GenericGenerator("RandomInt", min=low, max=high))


def integer(*, min: builtins.int | None = None,
            max: builtins.int | None = None) -> AbstractGenerator:
    """Alias of `generate.int`."""
    return int(min=min, max=max)


def float(precision: builtins.int | None = None) -> AbstractGenerator:
    """A random decimal number with `precision` digits in all (not after the point)."""
    digits = _whole("generate.float", "precision", precision)
    return _made("generate.float", GenericGenerator("RandomDecimal", digits=digits))


def decimal(precision: builtins.int | None = None) -> AbstractGenerator:
    """Alias of `generate.float`."""
    return float(precision)


def hex(digits: builtins.int | None = None) -> AbstractGenerator:
    """A random hexadecimal string of `digits` digits."""
    count = _whole("generate.hex", "digits", digits)
    return _made("generate.hex", GenericGenerator("RandomHexadecimal", digits=count))


def hexadecimal(digits: builtins.int | None = None) -> AbstractGenerator:
    """Alias of `generate.hex`."""
    return hex(digits)


def str(size: builtins.int | None = None) -> AbstractGenerator:
    """A random alphanumeric string of `size` characters."""
    count = _whole("generate.str", "size", size)
    return _made("generate.str", GenericGenerator("RandomString", size=count))


def string(size: builtins.int | None = None) -> AbstractGenerator:
    """Alias of `generate.str`."""
    return str(size)


def regex(regex: builtins.str) -> AbstractGenerator:
    """A random string matching `regex`."""
    if not isinstance(regex, builtins.str):
        raise TypeError(f"generate.regex: regex must be a str, not {type(regex).__name__}")
    return _made("generate.regex", GenericGenerator("Regex", regex=regex))


def uuid(format: UuidFormat = "lowercase") -> AbstractGenerator:
    """A random UUID written as `format` says: simple, lowercase, uppercase or urn."""
    style = UUID_FORMATS.get(format) if isinstance(format, builtins.str) else None
    if style is None:
        raise PactDefinitionError(
            f"generate.uuid: format must be one of {', '.join(UUID_FORMATS)}, not {format!r}")
    return _made("generate.uuid", GenericGenerator("Uuid", format=style))


def _pattern(label: builtins.str, format: object, disable_conversion: object) -> builtins.str:
    if not isinstance(format, builtins.str):
        raise TypeError(f"{label}: format must be a str, not {type(format).__name__}")
    if not isinstance(disable_conversion, builtins.bool):
        raise TypeError(f"{label}: disable_conversion must be a bool")
    return format if disable_conversion else strftime_to_java(format)


def date(format: builtins.str = "%Y-%m-%d", *,
         disable_conversion: builtins.bool = False) -> AbstractGenerator:
    """Today's date in `format` (strftime; a Java pattern if `disable_conversion`)."""
    pattern = _pattern("generate.date", format, disable_conversion)
    return _made("generate.date", GenericGenerator("Date", format=pattern))


def time(format: builtins.str = "%H:%M:%S", *,
         disable_conversion: builtins.bool = False) -> AbstractGenerator:
    """The current time in `format` (strftime; a Java pattern if `disable_conversion`)."""
    pattern = _pattern("generate.time", format, disable_conversion)
    return _made("generate.time", GenericGenerator("Time", format=pattern))


def datetime(format: builtins.str, *,
             disable_conversion: builtins.bool = False) -> AbstractGenerator:
    """The current date and time in `format` (strftime; Java if `disable_conversion`)."""
    pattern = _pattern("generate.datetime", format, disable_conversion)
    return _made("generate.datetime", GenericGenerator("DateTime", format=pattern))


def timestamp(format: builtins.str, *,
              disable_conversion: builtins.bool = False) -> AbstractGenerator:
    """Alias of `generate.datetime`."""
    return datetime(format, disable_conversion=disable_conversion)


def bool() -> AbstractGenerator:
    """A random boolean."""
    return GenericGenerator("RandomBoolean")


def boolean() -> AbstractGenerator:
    """Alias of `generate.bool`."""
    return bool()


def provider_state(expression: builtins.str | None = None) -> AbstractGenerator:
    """A value the provider's state handler supplies, e.g. `"${userId}"`."""
    text = _text("generate.provider_state", "expression", expression)
    return GenericGenerator("ProviderState", expression=text)


def mock_server_url(regex: builtins.str | None = None,
                    example: builtins.str | None = None) -> AbstractGenerator:
    """A URL pointing at the mock server: `example` with the part `regex` matches replaced.

    Both are required by pact-reference (a MockServerURL missing either is dropped there),
    so pactpool requires them at the call.
    """
    pattern = _text("generate.mock_server_url", "regex", regex)
    sample = _text("generate.mock_server_url", "example", example)
    return _made("generate.mock_server_url",
                 GenericGenerator("MockServerURL", regex=pattern, example=sample))
