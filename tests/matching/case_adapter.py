"""The official spec cases as pactpool inputs: pure-matcher results, pacts and wire requests.

Shared by `tests/matching/test_spec_cases.py` (pure matcher), the live test in
`tests/controller/` and `tools/conformance.py`, so all three read a case the same way.
"""

from __future__ import annotations

import base64
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from pactpool_worker.matching import Diff, match_message, match_request, match_response
from pactpool_worker.pact import load_message, load_request, load_response

SPEC_VERSIONS = {"v1": "1.0.0", "v1.1": "1.1.0", "v2": "2.0.0", "v3": "3.0.0", "v4": "4.0"}
KINDS = ("request", "response", "message")
_CLIENT_DEFAULTS = ("accept", "accept-encoding", "connection", "user-agent")


def pure_mismatches(case: dict[str, Any], version: str, kind: str) -> list[Diff]:
    """Everything the pure matcher finds between the case's expected and actual."""
    spec = SPEC_VERSIONS[version]
    if kind == "request":
        expected, actual = load_request(case["expected"], spec), load_request(case["actual"], spec)
        result = match_request(expected, actual)
        found: list[Diff] = [*([result.method_mismatch] if result.method_mismatch else []),
                                 *result.path_mismatches, *result.mismatches]
        assert result.all_matched == (not found)
        return found
    if kind == "response":
        return match_response(load_response(case["expected"], spec),
                              load_response(case["actual"], spec))
    return match_message(load_message(case["expected"], spec, "$.expected"),
                         load_message(case["actual"], spec, "$.actual"))


def describe(case: dict[str, Any], mismatches: list[Diff]) -> str:
    listed = "\n".join(f"  {m.to_json()}" for m in mismatches) or "  (none)"
    return f"{case['comment']!r}: expected match={case['match']}, mismatches:\n{listed}"


def case_pact(case: dict[str, Any], version: str) -> dict[str, Any]:
    """A request case's `expected` as a one-interaction pact of the case's spec version."""
    spec = SPEC_VERSIONS[version]
    interaction: dict[str, Any] = {"description": case["comment"], "request": case["expected"],
                                   "response": {"status": 200}}
    if spec.startswith("4"):
        interaction = {"type": "Synchronous/HTTP", **interaction}
    return {"consumer": {"name": "spec"}, "provider": {"name": "case"},
            "interactions": [interaction],
            "metadata": {"pactSpecification": {"version": spec}}}


@dataclass(frozen=True, slots=True)
class WireRequest:
    """A case's `actual` request as the bytes and headers an HTTP client sends."""

    method: str
    target: bytes
    headers: list[tuple[str, str]]
    body: bytes | None


def wire_request(actual: dict[str, Any]) -> WireRequest:
    headers = [(k, _unfolded(", ".join(v) if isinstance(v, list) else str(v)))
               for k, v in (actual.get("headers") or {}).items()]
    body, body_type = _wire_body(actual)
    if body_type and not any(k.lower() == "content-type" for k, _ in headers):
        # A V4 body names its type; on the wire only a Content-Type header can say it.
        headers.append(("Content-Type", body_type))
    query = _query_string(actual.get("query"))
    target = actual.get("path", "/") + (f"?{query}" if query else "")
    return WireRequest(actual.get("method", "GET"), target.encode(), headers, body)


def _unfolded(value: str) -> str:
    """A header value with line breaks, as it arrives: HTTP/1.1 has no line breaks in values
    (RFC 9112 section 5.2: obsolete line folding is replaced by a space), so send that."""
    return re.sub(r"\r?\n[ \t]*", " ", value)


def _query_string(query: Any) -> str:
    """V1/V2 queries are raw strings (sent as written); V3/V4 ones are maps of value lists."""
    if not query:
        return ""
    if isinstance(query, str):
        return query
    return "&".join(f"{quote(name, safe='')}={quote(value, safe='')}"
                    for name, values in query.items()
                    for value in (values if isinstance(values, list) else [values]))


def _wire_body(actual: dict[str, Any]) -> tuple[bytes | None, str | None]:
    """The body bytes; for a V4 typed body its `content` decoded per `encoded`, and its type."""
    if "body" not in actual:
        return None, None
    body = actual["body"]
    if isinstance(body, dict) and "content" in body and ("contentType" in body or
                                                          "encoded" in body):
        content, encoded = body["content"], body.get("encoded", False)
        if encoded in ("base64", True):
            data = base64.b64decode(content)
        elif isinstance(content, str):
            data = content.encode()
        else:
            data = orjson.dumps(content)
        return data, body.get("contentType")
    if isinstance(body, str):
        return body.encode(), None
    return orjson.dumps(body), None


def send(base_url: str, port: int, request: WireRequest) -> None:
    """Send it for real: httpx for ordinary targets, a raw socket for what no client sends."""
    if not request.target.startswith(b"/"):
        _send_raw(port, request)
        return
    client = _client()
    built = client.build_request(request.method, base_url + "/", headers=request.headers,
                                 content=request.body, extensions={"target": request.target})
    given = {k.lower() for k, _ in request.headers}
    for name in _CLIENT_DEFAULTS:  # only the case's own headers, as far as HTTP allows
        if name not in given and name in built.headers:
            del built.headers[name]
    client.send(built)


_CLIENTS: list[httpx.Client] = []


def _client() -> httpx.Client:
    """One client for every case: making one costs more than a mock server does."""
    if not _CLIENTS:
        _CLIENTS.append(httpx.Client(verify=False, timeout=10))
    return _CLIENTS[0]


def _send_raw(port: int, request: WireRequest) -> None:
    """An empty request target (a case with `"path": ""`): no HTTP client will produce one."""
    lines = [f"{request.method} ".encode() + request.target + b" HTTP/1.1", b"Host: 127.0.0.1"]
    lines += [f"{k}: {v}".encode() for k, v in request.headers]
    lines.append(f"Content-Length: {len(request.body or b'')}".encode())
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        raw.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + (request.body or b""))
        raw.recv(65536)
