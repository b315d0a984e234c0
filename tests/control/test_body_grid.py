"""Every body kind x spec version x body state, as a request to match and as a response to
serve, through real servers (one per spec version, every cell an interaction on its own path).

Kinds: JSON, XML, text, form, multipart (a file part), binary. States: `present` (the pact's
usual spelling), `empty` (`""`, V4 `{"content": ""}`), `null`, `absent` (no body key) and
`base64` (a V1-V3 body kept as base64, decoded for non-text types and left alone for text
types; V4 `"encoded": "base64"`). Also the live checks for the method's case, rules on an
empty body, a JSON string body and sorted JSON in mismatch texts.
"""

from __future__ import annotations

import base64
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from support import simple_pact

import pactpool

BOUNDARY = "XyZ"
MULTIPART = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
             f"filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n"
             f"\r\n--{BOUNDARY}--\r\n").encode("latin-1")
KINDS: dict[str, tuple[str, bytes]] = {
    "json": ("application/json", b'{"a":1}'),
    "xml": ("application/xml", b"<a>1</a>"),
    "text": ("text/plain", b"hello"),
    "form": ("application/x-www-form-urlencoded", b"a=1&b=2"),
    "multipart": (f"multipart/form-data; boundary={BOUNDARY}", MULTIPART),
    "binary": ("application/octet-stream", b"\x00\x01\x02\xff"),
}
BINARY_KINDS = ("multipart", "binary")
VERSIONS = {"V1": "1.0.0", "V2": "2.0.0", "V3": "3.0.0", "V4": "4.0"}
STATES = ("present", "empty", "null", "absent", "base64")
Cell = tuple[str, str, str, str]  # version, kind, state, side


def applies(version: str, kind: str, state: str) -> bool:
    """V1 has JSON and text bodies only; a non-text body can only be written as base64."""
    if version == "V1" and kind not in ("json", "text"):
        return False
    if version != "V4" and kind == "xml" and state == "base64":
        return False  # base64 text is not an XML document
    return not (kind in BINARY_KINDS and state == "present")  # bytes are written as base64


CELLS = [(v, k, s, side) for v in VERSIONS for k in KINDS for s in STATES
         for side in ("request", "response") if applies(v, k, s)]


def pact_body(version: str, kind: str, state: str) -> dict[str, Any]:
    """The `body` entry of the cell (with its Content-Type header), as a pact writes it."""
    content_type, data = KINDS[kind]
    headers = {"Content-Type": content_type}
    if state == "absent":
        return {"headers": headers}
    if version == "V4":
        typed: dict[str, Any] = {"contentType": content_type}
        if state == "present":
            typed["content"] = {"a": 1} if kind == "json" else data.decode("latin-1")
        elif state == "base64":
            typed.update(encoded="base64", content=base64.b64encode(data).decode())
        else:
            typed["content"] = "" if state == "empty" else None
        return {"headers": headers, "body": typed}
    if state in ("empty", "null"):
        return {"headers": headers, "body": "" if state == "empty" else None}
    if state == "base64":  # decoded for a non-text type; text types keep the string as it is
        return {"headers": headers, "body": base64.b64encode(data).decode()}
    return {"headers": headers, "body": {"a": 1} if kind == "json" else data.decode()}


def wire_body(version: str, kind: str, state: str) -> bytes:
    """The bytes a request must carry and a response serves for the cell."""
    data = KINDS[kind][1]
    if state in ("empty", "null", "absent"):
        return b""
    if state == "base64" and version != "V4" and kind not in BINARY_KINDS:
        text = base64.b64encode(data)  # a text type: the string is the body
        return b'"' + text + b'"' if kind == "json" else text  # JSON: a JSON string
    return data


def cell_path(cell: Cell) -> str:
    return "/" + "/".join(cell)


def grid_pact(version: str) -> dict[str, Any]:
    interactions = []
    for cell in CELLS:
        if cell[0] != version:
            continue
        _, kind, state, side = cell
        part = pact_body(version, kind, state)
        request: dict[str, Any] = {"method": "POST", "path": cell_path(cell)}
        response: dict[str, Any] = {"status": 200}
        (request if side == "request" else response).update(part)
        item: dict[str, Any] = {"description": " ".join(cell), "request": request,
                                "response": response}
        if version == "V4":
            item["type"] = "Synchronous/HTTP"
        interactions.append(item)
    return simple_pact(*interactions, version=VERSIONS[version])


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, pactpool.MockServer]]:
    started = {version: pactpool.MockServer(grid_pact(version)) for version in VERSIONS}
    try:
        yield started
    finally:
        for server in started.values():
            server.close()


@pytest.mark.parametrize("cell", CELLS, ids=["-".join(cell) for cell in CELLS])
def test_body_cell(servers: dict[str, pactpool.MockServer], cell: Cell) -> None:
    version, kind, state, side = cell
    server = servers[version]
    expected = wire_body(version, kind, state)
    if side == "request":
        sent = KINDS[kind][1] if state == "absent" else expected  # absent: any body will do
        headers = {"Content-Type": KINDS[kind][0]}
        response = httpx.post(server.url + cell_path(cell), content=sent, headers=headers)
        assert response.status_code == 200, response.text
        if state in ("empty", "null"):
            wrong = httpx.post(server.url + cell_path(cell), content=b"x",
                               headers={"Content-Type": KINDS[kind][0]})
            assert wrong.status_code == 500
            records = [m.raw for m in server.mismatches() if m.type == "request-mismatch"]
            assert "Expected empty body" in str(records[-1])
    else:
        response = httpx.post(server.url + cell_path(cell))
        assert response.status_code == 200
        assert response.content == expected


# --- a JSON string body (V2) ---------------------------------------------------------------

def test_a_v2_string_body_that_is_json_text_is_json(serve: Any) -> None:
    body = '"This is a string"'
    pact = simple_pact({"description": "s", "request": {"method": "POST", "path": "/s",
                                                         "body": body},
                        "response": {"status": 200, "body": body}})
    server = serve(pact)
    ok = httpx.post(server.url + "/s", content=body,
                    headers={"Content-Type": "application/json"})
    assert ok.status_code == 200 and ok.json() == "This is a string"
    assert server.matched


# --- rules on an empty body ----------------------------------------------------------------

@pytest.mark.parametrize(("rule", "message"), [
    ({"match": "notEmpty"}, "Expected [] (0 bytes) to not be empty"),
    ({"match": "type", "min": 1}, "Expected [] (size 0) to have minimum size of 1"),
])
def test_rules_at_the_root_judge_an_empty_body(serve: Any, rule: dict[str, Any],
                                               message: str) -> None:
    pact = simple_pact({
        "type": "Synchronous/HTTP", "description": "r",
        "request": {"method": "POST", "path": "/r",
                    "body": {"contentType": "application/json", "content": [1]},
                    "matchingRules": {"body": {"$": {"matchers": [rule]}}}},
        "response": {"status": 200}}, version="4.0")
    server = serve(pact)
    response = httpx.post(server.url + "/r", headers={"Content-Type": "application/json"})
    assert response.status_code == 500
    [entry] = server.mismatches()[0].raw["mismatches"]
    assert (entry["path"], entry["mismatch"]) == ("$", message)


# --- JSON in mismatch texts ------------------------------------------------------------------

def test_json_in_mismatch_texts_has_sorted_keys(serve: Any) -> None:
    pact = simple_pact({"description": "j", "request": {
        "method": "POST", "path": "/j", "headers": {"Content-Type": "application/json"},
        "body": {"x": {"b": 1, "a": 2}}}, "response": {"status": 200}})
    server = serve(pact)
    httpx.post(server.url + "/j", json={"x": [1]})
    [entry] = server.mismatches()[0].raw["mismatches"]
    assert entry["mismatch"] == \
        'Type mismatch: Expected [1] (Array) to be the same type as {"a":2,"b":1} (Object)'


# --- the method's case -----------------------------------------------------------------------

def raw_exchange(port: int, data: bytes, answers: int) -> list[str]:
    """Status lines of `answers` responses to `data` (a raw socket: clients normalise methods)."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    lines = [line for line in received.decode("latin-1").split("\r\n")
             if line.startswith("HTTP/1.1 ")]
    assert len(lines) == answers, received
    return lines


@pytest.mark.parametrize("version", list(VERSIONS.values()))
def test_methods_match_case_insensitively_on_the_wire(serve: Any, version: str) -> None:
    pact = simple_pact(
        {"description": "p", "request": {"method": "POST", "path": "/p"},
         "response": {"status": 201}},
        {"description": "q", "request": {"method": "purge-cache", "path": "/q"},
         "response": {"status": 202}}, version=version)
    server = serve(pact)
    head = b" HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    # llhttp takes the first; it refuses `post` mid-pipeline and h11 parses from there on.
    lines = raw_exchange(server.port, b"POST /p" + head + b"post /p" + head +
                         b"PURGE-CACHE /q" + head + b"Post /p" + head, 4)
    assert lines == ["HTTP/1.1 201 Created", "HTTP/1.1 201 Created",
                     "HTTP/1.1 202 Accepted", "HTTP/1.1 201 Created"]
    assert server.matched


def test_a_request_line_that_is_not_a_token_is_still_a_400(serve: Any) -> None:
    server = serve(simple_pact())
    [line] = raw_exchange(server.port, b"p@st / HTTP/1.1\r\nHost: x\r\n\r\n", 1)
    assert line == "HTTP/1.1 400 Bad Request"
