"""Each request case of every spec version (V1 to V4) through a live mock server, byte for byte.

The case's `expected` becomes a one-interaction pact of the case's spec version (V4:
`interactions` with `"type": "Synchronous/HTTP"`); its `actual` is sent over a raw socket
exactly as the case states it: the method as spelt, the raw path and query string, each
header value on its own line, the body's bytes (a V4 typed body as its `content` decoded per
`encoded`, with its `contentType` as the Content-Type header when the case gives none). No
HTTP client is involved, since one would normalise what the case says. `mock_server_matched`
must equal the case's `match`.

A request HTTP cannot carry (the five cases with an empty path) is skipped with that reason:
listed by name, never counted as passed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spec_cases
from matching.case_adapter import (
    SPEC_VERSIONS,
    NotExpressible,
    WireRequest,
    case_pact,
    send,
    wire_request,
)

import pactpool

REASON = spec_cases.missing_reason()
if REASON:
    pytest.skip(REASON, allow_module_level=True)

CASES = [(version, path) for version in SPEC_VERSIONS
         for path in spec_cases.case_files(version, "request")]


@pytest.mark.parametrize(("version", "path"), CASES,
                         ids=[spec_cases.case_id(p) for _, p in CASES])
def test_request_case_through_a_live_server(version: str, path: Path) -> None:
    case = spec_cases.load_case(path)
    try:
        request: WireRequest = wire_request(case["actual"], version)
    except NotExpressible as exc:
        pytest.skip(f"not expressible over HTTP: {exc}")
    with pactpool.MockServer(case_pact(case, version)) as server:
        send(server.port, request)
        matched = server.matched
        assert matched == case["match"], (
            f"{case['comment']}: matched={matched}\nsent {request}\n"
            f"{pactpool.mock_server_mismatches(server.port)}")
