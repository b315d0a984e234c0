"""Generators (Pact V3/V4): fill response values per request, compiled once at load.

`compile_response_generators` turns a response's `generators` into fixed values and
per-request callables; `GeneratorContext` carries the randomness, clock and server URL they
draw on. The rest of the package is the parts: random values, regex strings, date formats
and expressions, JSON body paths.
"""

from pactpool_worker.generators.definitions import (
    Constant,
    Generator,
    GeneratorDefinitionError,
    compile_generator,
)
from pactpool_worker.generators.generator_context import GeneratorContext, base_url
from pactpool_worker.generators.response import ResponseGenerators, compile_response_generators

__all__ = [
    "Constant",
    "Generator",
    "GeneratorContext",
    "GeneratorDefinitionError",
    "ResponseGenerators",
    "base_url",
    "compile_generator",
    "compile_response_generators",
]
