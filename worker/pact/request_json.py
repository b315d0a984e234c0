"""Between the wire and the model: the actual request as parsed, and a request's V3 JSON."""

from __future__ import annotations

import base64
from typing import Any

import orjson

from pactpool_worker.pact.body_bytes import body_from_bytes
from pactpool_worker.pact.content_type import parse_content_type
from pactpool_worker.pact.model import BodyState, Request
from pactpool_worker.pact.parts import (
    MULTI_VALUE_HEADERS,
    parse_query_string,
    split_header_value,
)


def request_from_http(method: str, path: str, query_string: str, headers: list[tuple[str, str]],
                      body: bytes) -> Request:
    """The actual request: raw path, decoded query, lower-cased headers, body as received."""
    header_map: dict[str, list[str]] = {}
    for name, value in headers:
        lname = name.lower()
        if lname in MULTI_VALUE_HEADERS:
            values = split_header_value(lname, value)
        else:
            values = [value.strip()]
        known = header_map.get(lname)
        if known is None:
            header_map[lname] = values
        else:
            known.extend(values)
    content_type = header_map.get("content-type")
    return Request(method.upper(), path,
                   parse_query_string(query_string) if query_string else None,
                   header_map or None,
                   body_from_bytes(body, ", ".join(content_type) if content_type else None),
                   raw_query=query_string or None)


def request_to_json(req: Request) -> dict[str, Any]:
    """The request as the reference writes it: V3 query map, joined headers, decoded body."""
    out: dict[str, Any] = {"method": req.method, "path": req.path}
    if req.query is not None:
        out["query"] = {k: list(req.query[k]) for k in sorted(req.query)}
    if req.headers is not None:
        out["headers"] = {k: ", ".join(v) for k, v in req.headers.items()}
    body = req.body
    if body.state is BodyState.EMPTY:
        out["body"] = ""
    elif body.state is BodyState.NULL:
        out["body"] = None
    elif body.state is BodyState.PRESENT:
        out["body"] = body_json(body.content, body.content_type)
    if req.matching_rules is not None:
        out["matchingRules"] = req.matching_rules.to_json()
    if req.generators is not None:
        out["generators"] = req.generators
    return out


def body_json(content: bytes, content_type: str | None) -> Any:
    """Parsed JSON for JSON content, a UTF-8 string for text, base64 for other bytes."""
    parsed = parse_content_type(content_type)
    if parsed is not None and parsed.is_json():
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(content).decode("ascii")
