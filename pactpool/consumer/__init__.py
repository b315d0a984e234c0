"""pactpool's consumer DSL: pact-python 4's API, served by pactpool's mock server processes.

A pact-python 4 consumer suite moves over by its imports:

    from pactpool.consumer import Pact, match, generate

`Pact`, the interactions, matchers, generators, `xml` and the errors behave as pact-python's;
what differs (no plugins, no native library, no `Verifier`) is in docs/consumer.md.
Submodules load on first use, so importing this package is cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pactpool.consumer import generate, match, xml
    from pactpool.consumer.pact import Pact

__all__ = ["Pact", "generate", "match", "xml"]

_LAZY = {"Pact": ("pactpool.consumer.pact", "Pact"),
         "match": ("pactpool.consumer.match", None),
         "generate": ("pactpool.consumer.generate", None),
         "xml": ("pactpool.consumer.xml", None)}


def __getattr__(name: str) -> Any:
    if name == "Verifier":
        raise AttributeError(
            "pactpool.consumer has no Verifier: pactpool serves consumer tests only; verify "
            "the pacts it writes with pact-python's own `pact.Verifier`")
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
