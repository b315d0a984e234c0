"""The Rust reference (`pact_ffi`, through pact-python-ffi's cffi module) behind a small facade.

Only `tools/bench.py` uses this. pact_ffi 0.5 has no call that takes a pact's JSON text and
starts a mock server from it (the old `pactffi_create_mock_server(json, addr, tls)` is gone
from 0.5's exported symbols), so a pact file is replayed into a pact *handle* with the
builder calls (`pactffi_new_pact`, `pactffi_new_interaction`, `pactffi_with_request`,
`pactffi_with_query_parameter_v2`, `pactffi_with_header_v2`, `pactffi_with_body`,
`pactffi_with_matching_rules`, `pactffi_response_status`), and mock servers are created
from that prebuilt handle with `pactffi_create_mock_server_for_transport`.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

ffi: Any = None
lib: Any = None
with contextlib.suppress(ImportError):  # pact-python-ffi's compiled cffi module
    from pact_ffi.ffi import ffi, lib

REQUEST, RESPONSE = 0, 1  # enum InteractionPart
SPEC = {"1": 1, "1.1": 2, "2": 3, "3": 4, "4": 5}  # enum PactSpecification (0 = Unknown)


def available() -> bool:
    return lib is not None


def version() -> str:
    """pact_ffi's own version string (the Rust library), and the Python package's."""
    try:
        import pact_ffi

        python_version = getattr(pact_ffi, "__version__", "?")
    except ImportError:
        python_version = "?"
    rust_version = ffi.string(lib.pactffi_version()).decode() if available() else "?"
    return f"pact_ffi {rust_version} (pact-python-ffi {python_version})"


def _c(text: str) -> bytes:
    return text.encode()


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise RuntimeError(f"pact_ffi refused {what}")


def _spec_of(pact: dict[str, Any]) -> int:
    version_text = str(pact.get("metadata", {}).get("pactSpecification", {}).get("version", "3"))
    major = version_text.split(".", maxsplit=1)[0]
    return SPEC.get(major, 4)


def _content_type(headers: dict[str, Any]) -> str:
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value if isinstance(value, str) else str(value[0])
    return "application/json"


def _headers(interaction: int, part: int, headers: dict[str, Any]) -> None:
    for name, value in headers.items():
        values = [value] if isinstance(value, str) else list(value)
        for index, item in enumerate(values):
            _check(lib.pactffi_with_header_v2(interaction, part, _c(name), index, _c(item)),
                   f"header {name}")


def _body(interaction: int, part: int, message: dict[str, Any]) -> None:
    if "body" not in message:
        return
    body = message["body"]
    headers = message.get("headers", {})
    text = body if isinstance(body, str) else json.dumps(body)
    _check(lib.pactffi_with_body(interaction, part, _c(_content_type(headers)), _c(text)), "body")


def handle_from_pact(pact: dict[str, Any]) -> int:
    """Replay a V2/V3 pact (already parsed) into a new pact handle; returns the handle."""
    handle = lib.pactffi_new_pact(_c(pact["consumer"]["name"]), _c(pact["provider"]["name"]))
    _check(lib.pactffi_with_specification(handle, _spec_of(pact)), "the spec version")
    for item in pact["interactions"]:
        interaction = lib.pactffi_new_interaction(handle, _c(item["description"]))
        states = item.get("providerStates") or (
            [{"name": item["providerState"]}] if item.get("providerState") else [])
        for state in states:
            _check(lib.pactffi_given(interaction, _c(state["name"])), "a provider state")
        request, response = item["request"], item["response"]
        _check(lib.pactffi_with_request(interaction, _c(request.get("method", "GET")),
                                        _c(request.get("path", "/"))), "the request")
        query = request.get("query", {})
        if isinstance(query, str):
            raise ValueError("bench fixtures use V3 query maps")
        for name, values in query.items():
            for index, value in enumerate([values] if isinstance(values, str) else values):
                _check(lib.pactffi_with_query_parameter_v2(interaction, _c(name), index,
                                                            _c(value)), f"query {name}")
        _headers(interaction, REQUEST, request.get("headers", {}))
        _body(interaction, REQUEST, request)
        if request.get("matchingRules"):
            _check(lib.pactffi_with_matching_rules(
                interaction, REQUEST, _c(json.dumps(request["matchingRules"]))), "request rules")
        _check(lib.pactffi_response_status(interaction, int(response.get("status", 200))),
               "the status")
        _headers(interaction, RESPONSE, response.get("headers", {}))
        _body(interaction, RESPONSE, response)
    return int(handle)


def free_handle(handle: int) -> None:
    lib.pactffi_free_pact_handle(handle)


def create(handle: int, host: str = "127.0.0.1", port: int = 0) -> int:
    """A mock server for the handle's pact; returns its port."""
    result = int(lib.pactffi_create_mock_server_for_transport(handle, _c(host), port, b"http",
                                                              ffi.NULL))
    if result <= 0:
        raise RuntimeError(f"pactffi_create_mock_server_for_transport failed: {result}")
    return result


def matched(port: int) -> bool:
    return bool(lib.pactffi_mock_server_matched(port))


def mismatches(port: int) -> str | None:
    """The JSON text (owned by the mock server, copied here; never freed by the caller)."""
    pointer = lib.pactffi_mock_server_mismatches(port)
    if pointer == ffi.NULL:
        return None
    return str(ffi.string(pointer).decode())


def cleanup(port: int) -> bool:
    return bool(lib.pactffi_cleanup_mock_server(port))


def write_pact(port: int, directory: str, overwrite: bool = True) -> int:
    return int(lib.pactffi_write_pact_file(port, _c(directory), overwrite))
