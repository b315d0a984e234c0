"""Each request case of every spec version (V1 to V4) through a live mock server, over real HTTP.

The case's `expected` becomes a one-interaction pact of the case's spec version (V4:
`interactions` with `"type": "Synchronous/HTTP"`); its `actual` is sent as an HTTP request
(a V4 typed body as its `content` decoded per `encoded`, with its `contentType` as the
Content-Type header when the case gives none); `mock_server_matched` must equal the case's
`match`. A path of "" cannot be sent by any HTTP client, so those cases go over a raw socket
with an empty request target (see `case_adapter.send`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import spec_cases
from matching.case_adapter import SPEC_VERSIONS, case_pact, send, wire_request

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
    with pactpool.MockServer(case_pact(case, version)) as server:
        send(server.url, server.port, wire_request(case["actual"]))
        matched = server.matched
        assert matched == case["match"], (
            f"{case['comment']}: matched={matched}\n{pactpool.mock_server_mismatches(server.port)}")
