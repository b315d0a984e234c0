"""Test helper: does the Rust library (pact_ffi, through pact-python) read a pact we wrote?

`pactffi_parse_pact_json` gives NULL for a pact it cannot read; each interaction must also
convert to the kind its `type` names. Used by tests/consumer on every pact they write.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_KIND = {"Synchronous/HTTP": "pact_interaction_as_synchronous_http",
         "Asynchronous/Messages": "pact_interaction_as_asynchronous_message",
         "Synchronous/Messages": "pact_interaction_as_synchronous_message"}


_KEEP: list[Any] = []


def ffi_parses(document: dict[str, Any] | str | Path) -> int:
    """Parse with pact_ffi; returns the interaction count, raises AssertionError if refused."""
    import pact_ffi
    from pact_ffi import ffi, lib

    if isinstance(document, Path):
        text = document.read_text()
    elif isinstance(document, dict):
        text = json.dumps(document)
    else:
        text = document
    pointer = lib.pactffi_parse_pact_json(text.encode())
    assert pointer != ffi.NULL, f"pact_ffi cannot parse the pact:\n{text[:2000]}"
    model = pact_ffi.Pact(pointer)
    parsed = json.loads(text)
    items = parsed.get("interactions", parsed.get("messages", []))
    found: list[Any] = []
    got: list[str] = []
    for interaction in pact_ffi.pact_model_interaction_iterator(model):
        # an interaction is only valid until the iterator moves on: convert it now
        got.append(_converted_kind(interaction))
        found.append(interaction)
        if len(found) > len(items):  # bounded: never trust an iterator to end
            break
    assert len(found) == len(items), (len(found), len(items))
    # Freeing the model and its interactions at return deadlocks inside pact_ffi 0.5.12
    # (seen here): keep them alive for the rest of the test run instead.
    _KEEP.append((model, found))
    wanted = sorted(_kind(item, parsed) for item in items)
    got.sort()
    assert wanted == got, f"pact_ffi reads the interactions as {got}, not {wanted}"
    return len(found)


def _kind(item: dict[str, Any], parsed: dict[str, Any]) -> str:
    if "type" in item:
        return str(item["type"])
    return "Asynchronous/Messages" if "messages" in parsed else "Synchronous/HTTP"


def _converted_kind(interaction: Any) -> str:
    import pact_ffi

    for kind, function in _KIND.items():
        try:
            if getattr(pact_ffi, function)(interaction) is not None:
                return kind
        except Exception:  # pact_ffi raises for the wrong kind
            continue
    return "unreadable"
