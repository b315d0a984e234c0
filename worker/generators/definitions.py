"""One generator definition from a pact (`{"type": "RandomInt", "min": 1}`), compiled once.

`compile_generator` validates the fields and prepares everything that does not change between
requests (bounds, regex trees, date formats and expressions, the MockServerURL text). `bind`
then fixes the value's JSON type against the example it replaces and returns what a request
calls: a `Producer`, a `Constant` (the same value every time, folded into the prebuilt
response), or None (consumer mode keeps the example: ProviderState, ArrayContains).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pactpool_worker.generators.date_expression import (
    DateExpressionError,
    DateTimeExpression,
    Kind,
    compile_expression,
)
from pactpool_worker.generators.date_format import DateFormatError, DateWriter, compile_format
from pactpool_worker.generators.generator_context import GeneratorContext
from pactpool_worker.generators.randoms import (
    UUID_FORMATS,
    random_decimal,
    random_hexadecimal,
    random_string,
    random_uuid,
)
from pactpool_worker.generators.regex import RegexGeneratorError, compile_regex

Producer = Callable[[], Any]

DEFAULT_FORMATS = {
    "Date": "yyyy-MM-dd",
    "Time": "HH:mm:ss",
    "DateTime": "yyyy-MM-dd'T'HH:mm:ss.SSSZ",  # the reference's %Y-%m-%dT%H:%M:%S.%3f%z
}
MAX_COUNT = 65535  # digits and sizes are u16 in the reference
INT64 = (-(2**63), 2**63 - 1)  # what a JSON body can carry through orjson


class GeneratorDefinitionError(ValueError):
    """A generator that cannot be served: unknown type, bad field, impossible bounds."""


@dataclass(frozen=True, slots=True)
class Constant:
    """A generated value that is the same for every request (MockServerURL)."""

    value: Any


Binding = Producer | Constant | None


class Generator:
    """A compiled generator; `bind(example)` says what to produce in the example's place."""

    __slots__ = ()

    def bind(self, example: Any) -> Binding:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class RandomInt(Generator):
    low: int
    high: int
    context: GeneratorContext

    def bind(self, example: Any) -> Binding:
        randint, low, high = self.context.rng.randint, self.low, self.high
        if isinstance(example, str):  # a string example stays a string, as in the reference
            return lambda: str(randint(low, high))
        return lambda: randint(low, high)


@dataclass(frozen=True, slots=True)
class RandomDecimal(Generator):
    digits: int
    context: GeneratorContext

    def bind(self, example: Any) -> Binding:
        rng, digits = self.context.rng, self.digits
        if isinstance(example, (int, float)) and not isinstance(example, bool):
            return lambda: float(random_decimal(rng, digits))
        return lambda: random_decimal(rng, digits)


@dataclass(frozen=True, slots=True)
class RandomText(Generator):
    """RandomHexadecimal and RandomString: `count` characters, always a string."""

    count: int
    hexadecimal: bool
    context: GeneratorContext

    def bind(self, example: Any) -> Binding:
        rng, count = self.context.rng, self.count
        draw = random_hexadecimal if self.hexadecimal else random_string
        return lambda: draw(rng, count)


@dataclass(frozen=True, slots=True)
class Regex(Generator):
    draw: Callable[[random.Random], str]
    context: GeneratorContext

    def bind(self, example: Any) -> Binding:
        draw, rng = self.draw, self.context.rng
        return lambda: draw(rng)


@dataclass(frozen=True, slots=True)
class Uuid(Generator):
    style: str
    context: GeneratorContext

    def bind(self, example: Any) -> Binding:
        rng, style = self.context.rng, self.style
        return lambda: random_uuid(rng, style)


@dataclass(frozen=True, slots=True)
class RandomBoolean(Generator):
    context: GeneratorContext

    def bind(self, example: Any) -> Binding:
        rng = self.context.rng
        return lambda: rng.random() < 0.5


@dataclass(frozen=True, slots=True)
class DateTimeValue(Generator):
    """Date, Time and DateTime: the clock, moved by the expression, written in the format."""

    expression: DateTimeExpression | None
    date_format: DateWriter
    context: GeneratorContext

    def bind(self, example: Any) -> Binding:
        clock, write = self.context.clock, self.date_format.format
        expression = self.expression
        if expression is None:
            return lambda: write(clock())
        apply = expression.apply
        return lambda: write(apply(clock()))


@dataclass(frozen=True, slots=True)
class Fixed(Generator):
    """MockServerURL in consumer mode: computed once, since the server's URL never changes."""

    value: str

    def bind(self, example: Any) -> Binding:
        return Constant(self.value)


@dataclass(frozen=True, slots=True)
class KeepExample(Generator):
    """ProviderState (and ArrayContains) in consumer mode: the example is served as written."""

    kind_name: str

    def bind(self, example: Any) -> Binding:
        return None


def compile_generator(definition: Any, context: GeneratorContext) -> Generator:
    """Validate one definition and compile it; raise GeneratorDefinitionError if unusable."""
    if not isinstance(definition, dict):
        raise GeneratorDefinitionError("a generator must be a JSON object with a 'type'")
    kind = definition.get("type")
    if not isinstance(kind, str) or not kind:
        raise GeneratorDefinitionError("a generator needs a 'type' string such as \"RandomInt\"")
    build = _BUILDERS.get(kind)
    if build is None:
        raise GeneratorDefinitionError(
            f"unknown generator type '{kind}' (pactpool knows {', '.join(sorted(_BUILDERS))})")
    return build(definition, context)


def _count(definition: dict[str, Any], name: str, default: int, minimum: int = 0) -> int:
    value = _integer(definition, name, default)
    if not minimum <= value <= MAX_COUNT:
        raise GeneratorDefinitionError(
            f"{definition['type']} '{name}' must be from {minimum} to {MAX_COUNT}, not {value}")
    return value


def _integer(definition: dict[str, Any], name: str, default: int) -> int:
    value = definition.get(name, default)
    whole_text = isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value)
    if whole_text or (isinstance(value, float) and value.is_integer()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise GeneratorDefinitionError(
            f"{definition['type']} '{name}' must be a whole number, not {value!r}")
    return value


def _text(definition: dict[str, Any], name: str, required: bool = True) -> str | None:
    value = definition.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise GeneratorDefinitionError(
            f"{definition['type']} needs a '{name}' string" if value is None else
            f"{definition['type']} '{name}' must be a string, not {value!r}")
    return value


def _random_int(definition: dict[str, Any], context: GeneratorContext) -> Generator:
    low, high = _integer(definition, "min", 0), _integer(definition, "max", 10)
    if low > high:
        raise GeneratorDefinitionError(f"RandomInt min {low} is greater than max {high}")
    if low < INT64[0] or high > INT64[1]:
        raise GeneratorDefinitionError("RandomInt bounds must fit in a signed 64-bit integer")
    return RandomInt(low, high, context)


def _random_decimal(definition: dict[str, Any], context: GeneratorContext) -> Generator:
    return RandomDecimal(_count(definition, "digits", 10, minimum=1), context)


def _random_hexadecimal(definition: dict[str, Any], context: GeneratorContext) -> Generator:
    return RandomText(_count(definition, "digits", 10), True, context)


def _random_string(definition: dict[str, Any], context: GeneratorContext) -> Generator:
    return RandomText(_count(definition, "size", 10), False, context)


def _regex(definition: dict[str, Any], context: GeneratorContext) -> Generator:
    source = _text(definition, "regex")
    assert source is not None
    try:
        return Regex(compile_regex(source).draw, context)
    except RegexGeneratorError as exc:
        raise GeneratorDefinitionError(f"Regex: {exc}") from None


def _uuid(definition: dict[str, Any], context: GeneratorContext) -> Generator:
    style = _text(definition, "format", required=False) or "lower-case-hyphenated"
    if style not in UUID_FORMATS:
        raise GeneratorDefinitionError(
            f"Uuid format '{style}' is not one of {', '.join(UUID_FORMATS)}")
    return Uuid(style, context)


def _random_boolean(definition: dict[str, Any], context: GeneratorContext) -> Generator:
    return RandomBoolean(context)


def _date_time(kind: Kind, name: str) -> Callable[[dict[str, Any], GeneratorContext],
                                                  Generator]:
    def build(definition: dict[str, Any], context: GeneratorContext) -> Generator:
        pattern = _text(definition, "format", required=False) or DEFAULT_FORMATS[name]
        source = _text(definition, "expression", required=False)
        try:
            date_format = compile_format(pattern)
            expression = compile_expression(source, kind) if source and source.strip() else None
        except (DateFormatError, DateExpressionError) as exc:
            raise GeneratorDefinitionError(f"{name}: {exc}") from None
        return DateTimeValue(expression, date_format, context)
    return build


def _mock_server_url(definition: dict[str, Any], context: GeneratorContext) -> Generator:
    example = _text(definition, "example")
    source = _text(definition, "regex")
    assert example is not None and source is not None
    try:
        pattern = re.compile(source)
    except re.error as exc:
        raise GeneratorDefinitionError(
            f"MockServerURL regex '{source}' is not a valid regular expression: {exc}") from None
    url = context.mock_server_url
    if url is None:  # no server (a pure test of the rules): keep the example
        return Fixed(example)
    # As the reference: the match becomes the server URL followed by the first group's text.
    return Fixed(pattern.sub(lambda m: url + ((m.group(1) or "") if pattern.groups else ""),
                             example, count=1))


def _keep_example(definition: dict[str, Any], context: GeneratorContext) -> Generator:
    return KeepExample(str(definition["type"]))


_BUILDERS: dict[str, Callable[[dict[str, Any], GeneratorContext], Generator]] = {
    "RandomInt": _random_int,
    "RandomDecimal": _random_decimal,
    "RandomHexadecimal": _random_hexadecimal,
    "RandomString": _random_string,
    "Regex": _regex,
    "Uuid": _uuid,
    "Date": _date_time("date", "Date"),
    "Time": _date_time("time", "Time"),
    "DateTime": _date_time("date", "DateTime"),
    "RandomBoolean": _random_boolean,
    "MockServerURL": _mock_server_url,
    "ProviderState": _keep_example,
    "ArrayContains": _keep_example,
}
