"""Generator classes: a named generator plus its fields, in the two JSON forms Pact uses.

A generator tells the mock server (and the verifier) to produce a fresh value where the
example stands. Every generator built here is also compiled once by pactpool's own worker
code, so a definition the mock server could not serve fails at the call, not at serve time.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

import orjson

from pactpool.consumer.types import GeneratorType
from pactpool.errors import PactDefinitionError

__all__ = ["AbstractGenerator", "GenericGenerator"]

# Examples drawn for matchers given no value are reproducible: fixed seed, fixed clock.
_EXAMPLE_SEED = 20240720
_EXAMPLE_NOW = datetime(2024, 7, 20, 14, 30, 0, tzinfo=timezone.utc)


class AbstractGenerator(ABC):
    """A value the provider side produces fresh; subclass it for a custom generator."""

    @abstractmethod
    def to_integration_json(self) -> dict[str, Any]:
        """The generator as pact_ffi's integration JSON (`{"pact:generator:type": ...}`)."""

    @abstractmethod
    def to_generator_json(self) -> dict[str, Any]:
        """The generator as a pact file writes it (`{"type": "RandomInt", "min": 0}`)."""


class GenericGenerator(AbstractGenerator):
    """Any generator: its type name and the fields that type takes."""

    def __init__(
        self,
        type: GeneratorType,
        /,
        extra_fields: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(type, str) or not type:
            raise TypeError("GenericGenerator: type must be a non-empty str naming the generator")
        if extra_fields is not None and not isinstance(extra_fields, Mapping):
            raise TypeError("GenericGenerator: extra_fields must be a mapping")
        self.type = type
        fields = {**(extra_fields or {}), **kwargs}
        self._extra_fields: dict[str, Any] = {k: v for k, v in fields.items() if v is not None}

    def to_integration_json(self) -> dict[str, Any]:
        return {"pact:generator:type": self.type, **self._extra_fields}

    def to_generator_json(self) -> dict[str, Any]:
        return {"type": self.type, **self._extra_fields}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GenericGenerator):
            return NotImplemented
        return self.to_generator_json() == other.to_generator_json()

    def __hash__(self) -> int:
        return hash(orjson.dumps(self.to_generator_json(), option=orjson.OPT_SORT_KEYS))

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self._extra_fields.items())
        return f"GenericGenerator({self.type!r}{', ' if fields else ''}{fields})"


def generator_json(generator: AbstractGenerator) -> dict[str, Any]:
    """The pact-file JSON of any generator, checked to be a JSON object with a `type`."""
    if not isinstance(generator, AbstractGenerator):
        raise TypeError(f"generator must be an AbstractGenerator, not {type(generator).__name__}")
    data = generator.to_generator_json()
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise PactDefinitionError(f"{type(generator).__name__}.to_generator_json() must return a "
                                  "JSON object with a 'type' string")
    return data


def verify_generator(generator: AbstractGenerator, label: str) -> None:
    """Raise `PactDefinitionError` (naming `label`) if pactpool could not serve `generator`."""
    key = orjson.dumps(generator_json(generator), option=orjson.OPT_SORT_KEYS)
    problem = _load_problem(key)
    if problem is not None:
        raise PactDefinitionError(f"{label}: {problem}")


def example_from(generator: AbstractGenerator, hint: Any = None) -> Any:
    """A reproducible example the generator could produce; `hint` is the JSON type wanted.

    Matchers given no example use this, so the pact still holds a value that passes the rule
    (pact-python writes `null` there, which fails most rules).
    """
    key = orjson.dumps(generator_json(generator), option=orjson.OPT_SORT_KEYS)
    return _drawn(key, orjson.dumps(hint))


@lru_cache(maxsize=512)
def _load_problem(key: bytes) -> str | None:
    from pactpool_worker.generators.definitions import compile_generator
    from pactpool_worker.generators.generator_context import GeneratorContext

    try:
        compile_generator(orjson.loads(key), GeneratorContext.fixed(_EXAMPLE_SEED))
    except ValueError as exc:
        return str(exc)
    return None


@lru_cache(maxsize=512)
def _drawn(key: bytes, hint_key: bytes) -> Any:
    from pactpool_worker.generators.definitions import Constant, compile_generator
    from pactpool_worker.generators.generator_context import GeneratorContext

    definition = orjson.loads(key)
    context = GeneratorContext.fixed(_EXAMPLE_SEED, _EXAMPLE_NOW, None)
    try:
        binding = compile_generator(definition, context).bind(orjson.loads(hint_key))
    except ValueError as exc:
        raise PactDefinitionError(f"generator {definition.get('type')!r}: {exc}") from None
    if binding is None:
        return orjson.loads(hint_key)
    if isinstance(binding, Constant):
        return binding.value
    return binding()
