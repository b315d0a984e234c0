"""Each v1, v1.1 and v2 request case through a live mock server, over real HTTP.

The case's `expected` becomes a one-interaction pact; its `actual` is sent as an HTTP
request; `mock_server_matched` must equal the case's `match`.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import spec_cases

import pactpool

VERSIONS = {"v1": "1.0.0", "v1.1": "1.1.0", "v2": "2.0.0"}
REASON = spec_cases.missing_reason()
if REASON:
    pytest.skip(REASON, allow_module_level=True)

CASES = [(version, path) for version in VERSIONS
         for path in spec_cases.case_files(version, "request")]


def wire_body(actual: dict[str, Any]) -> bytes | None:
    """The bytes an HTTP client sends for the case's body."""
    if "body" not in actual:
        return None
    body = actual["body"]
    if isinstance(body, str):
        return body.encode()
    return orjson.dumps(body)


def target(actual: dict[str, Any]) -> bytes:
    query = actual.get("query") or ""
    return (actual.get("path", "/") + (f"?{query}" if query else "")).encode()


def send_raw(port: int, method: str, raw_target: bytes, headers: dict[str, str],
             body: bytes | None) -> None:
    """For the one request form no HTTP client will produce: an empty request target."""
    lines = [f"{method} ".encode() + raw_target + b" HTTP/1.1", b"Host: 127.0.0.1"]
    lines += [f"{k}: {v}".encode() for k, v in headers.items()]
    lines.append(f"Content-Length: {len(body or b'')}".encode())
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + (body or b""))
        raw.recv(65536)


@pytest.mark.parametrize(("version", "path"), CASES,
                         ids=[spec_cases.case_id(p) for _, p in CASES])
def test_request_case_through_a_live_server(version: str, path: Path) -> None:
    case = spec_cases.load_case(path)
    pact = {
        "consumer": {"name": "spec"}, "provider": {"name": "case"},
        "interactions": [{"description": case["comment"], "request": case["expected"],
                          "response": {"status": 200}}],
        "metadata": {"pactSpecification": {"version": VERSIONS[version]}},
    }
    actual = case["actual"]
    method = actual.get("method", "GET")
    headers = {k: v for k, v in (actual.get("headers") or {}).items()}
    body = wire_body(actual)
    with pactpool.MockServer(pact) as server:
        raw_target = target(actual)
        if raw_target.startswith(b"/"):
            with httpx.Client(base_url=server.url) as client:
                request = client.build_request(method, "/", headers=headers, content=body,
                                               extensions={"target": raw_target})
                client.send(request)
        else:
            send_raw(server.port, method, raw_target, headers, body)
        matched = server.matched
        assert matched == case["match"], (
            f"{case['comment']}: matched={matched}\n{pactpool.mock_server_mismatches(server.port)}")
