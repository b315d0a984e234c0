"""The official spec cases as pactpool inputs: pure-matcher results, pacts and wire requests.

Shared by `tests/matching/test_spec_cases.py` (pure matcher), the live test in
`tests/control/` and `tools/conformance.py`, so all three read a case the same way. Live
requests are sent as each case states them, over a raw socket (see `send`).
"""

from __future__ import annotations

import base64
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import orjson

from pactpool_worker.matching import Diff, match_message, match_request, match_response
from pactpool_worker.pact import load_message, load_request, load_response

SPEC_VERSIONS = {"v1": "1.0.0", "v1.1": "1.1.0", "v2": "2.0.0", "v3": "3.0.0", "v4": "4.0"}
KINDS = ("request", "response", "message")


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
    """A case's `actual` request as the bytes it states: method, target, header lines, body."""

    method: str
    target: bytes
    headers: list[tuple[str, str]]
    """One (name, value) per header line; a header the case lists twice is sent twice."""
    body: bytes | None
    """None: the case gives no body, so no Content-Length is sent either."""


class NotExpressible(Exception):
    """The case states a request no HTTP/1.1 message can carry (e.g. an empty path)."""


def wire_request(actual: dict[str, Any], version: str) -> WireRequest:
    """The case's request exactly as stated: its method's spelling, its raw path and query
    string, every header value on a line of its own, its body's bytes.

    Raises NotExpressible for a request HTTP cannot carry; the callers list those by name.
    """
    path = actual.get("path", "/")
    if not path.startswith("/") and not path.startswith("*"):
        raise NotExpressible(f"path {path!r}: an HTTP request target is never empty and "
                             "starts with '/'")
    headers = [(name, _unfolded(value)) for name, values in (actual.get("headers") or {}).items()
               for value in (values if isinstance(values, list) else [values])]
    headers = [(name, value if isinstance(value, str) else str(value)) for name, value in headers]
    body, body_type = _wire_body(actual, version == "v4")
    if body_type and not any(k.lower() == "content-type" for k, _ in headers):
        # A V4 body names its type; on the wire only a Content-Type header can say it.
        headers.append(("Content-Type", body_type))
    query = _query_string(actual.get("query"))
    target = path + (f"?{query}" if query else "")
    return WireRequest(actual.get("method", "GET"), target.encode(), headers, body)


def _unfolded(value: Any) -> Any:
    """A header value with line breaks, as it arrives: HTTP/1.1 has no line breaks in values
    (RFC 9112 section 5.2: obsolete line folding is replaced by a space), so send that."""
    return re.sub(r"\r?\n[ \t]*", " ", value) if isinstance(value, str) else value


def _query_string(query: Any) -> str:
    """V1/V2 queries are raw strings (sent as written); V3/V4 ones are maps of value lists,
    which have no spelling of their own: each value percent-encoded, in the case's order."""
    if not query:
        return ""
    if isinstance(query, str):
        return query
    return "&".join(quote(name, safe="") if value is None else
                    f"{quote(name, safe='')}={quote(value, safe='')}"
                    for name, values in query.items()
                    for value in (values if isinstance(values, list) else [values]))


def _wire_body(actual: dict[str, Any], v4: bool) -> tuple[bytes | None, str | None]:
    """The body bytes; for a V4 typed body its `content` decoded per `encoded`, and its type
    (in V4 `{"content": ""}` and `{"content": null}` are empty bodies: no bytes)."""
    if "body" not in actual:
        return None, None
    body = actual["body"]
    if isinstance(body, dict) and "content" in body and (v4 or "contentType" in body or
                                                          "encoded" in body):
        content, encoded = body["content"], body.get("encoded", False)
        if content is None:
            data = b""
        elif encoded in ("base64", True):
            data = base64.b64decode(content)
        elif isinstance(content, str):
            data = content.encode()
        else:
            data = orjson.dumps(content)
        return data, body.get("contentType")
    if isinstance(body, str):
        return body.encode(), None
    return orjson.dumps(body), None


def send(port: int, request: WireRequest) -> int:
    """Send it byte for byte over a raw socket (an HTTP client would normalise the method,
    join repeated headers or add its own) and return the response's status code.

    Only a Host header is added when the case has none (HTTP/1.1 requires one; the matcher
    ignores headers a pact does not name), and a Content-Length when there is a body.
    """
    lines = [request.method.encode() + b" " + request.target + b" HTTP/1.1"]
    if not any(k.lower() == "host" for k, _ in request.headers):
        lines.append(f"Host: 127.0.0.1:{port}".encode())
    lines += [f"{k}: {v}".encode() for k, v in request.headers]
    if request.body is not None:
        lines.append(f"Content-Length: {len(request.body)}".encode())
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + (request.body or b""))
        return _read_status(raw)


def _read_status(raw: socket.socket) -> int:
    """Read the response head (the server records a request before it answers it)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = raw.recv(65536)
        if not chunk:
            break
        data += chunk
    status_line = data.split(b"\r\n", 1)[0].split()
    return int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
