"""Bodies from pact JSON (bare V1-V3 values or V4 typed bodies) into wire bytes.

What the reference (pact_models `body_from_json`) does, and pactpool with it:

- V1-V3 keep a body whose `Content-Type` header is not text (an image, a PDF,
  `application/octet-stream`, multipart with a file) as a base64 string; the bytes are what a
  request must carry and what a response serves. The string is decoded when the header names
  such a type and the string is valid base64; otherwise it is the body's text. pactpool's
  notion of text is wider than the reference's (forms, JavaScript, YAML, GraphQL ... stay
  text even when their text happens to be valid base64).
- A V4 body is typed when it is an object with `content` (and nothing but `contentType`,
  `encoded`, `contentTypeHint` beside it); an empty or null `content` is an empty or null body,
  whatever its `contentType`.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson

from pactpool_worker.errors import PactLoadError
from pactpool_worker.pact.content_type import parse_content_type, sniff_content_type
from pactpool_worker.pact.model import Body, BodyState


def load_body(container: dict[str, Any], header_ct: str | None, spec_version: str,
              where: str, key: str = "body") -> Body:
    """The `body` (or a message's `contents`): MISSING if absent, NULL if null, else the bytes."""
    if key not in container:
        return Body(BodyState.MISSING, b"", header_ct)
    value = container[key]
    if value is None:
        return Body(BodyState.NULL, b"", header_ct)
    try:
        v4 = spec_version.startswith("4")
        if v4 and isinstance(value, dict) and "content" in value and value.keys() <= _TYPED_KEYS:
            return _typed_body(value, header_ct, f"{where}.{key}")
        return _value_body(value, header_ct, base64_kept=key == "body" and not v4)
    except orjson.JSONEncodeError as exc:  # orjson serialises at most 254 levels of nesting
        raise PactLoadError(f"the body cannot be served as JSON: {exc} (is it nested more "
                               "than 254 levels deep?)", f"{where}.{key}") from exc


_TYPED_KEYS = frozenset({"content", "contentType", "encoded", "contentTypeHint"})


def _value_body(value: Any, header_ct: str | None, base64_kept: bool = False) -> Body:
    if isinstance(value, str):
        if value == "":
            return Body(BodyState.EMPTY, b"", header_ct)
        ct = header_ct or sniff_content_type(value.encode())
        parsed = parse_content_type(ct)
        if base64_kept and header_ct and parsed is not None and not parsed.is_text():
            decoded = _base64_or_none(value)
            if decoded:
                return Body(BodyState.PRESENT, decoded, ct)
        if parsed is not None and parsed.is_json():
            try:
                orjson.loads(value)
                data = value.encode()
            except orjson.JSONDecodeError:
                # A JSON body given as a string that is not itself JSON is a JSON string.
                data = orjson.dumps(value)
            return Body(BodyState.PRESENT, data, ct)
        return Body(BodyState.PRESENT, value.encode(), ct)
    return Body(BodyState.PRESENT, orjson.dumps(value), header_ct or "application/json")


def _typed_body(value: dict[str, Any], header_ct: str | None, where: str) -> Body:
    ct = value.get("contentType")
    if ct is not None and not isinstance(ct, str):
        raise PactLoadError("'contentType' of a body must be a string", f"{where}.contentType")
    content_type = header_ct or ct
    content = value.get("content")
    encoded = value.get("encoded", False)
    if content is None:
        return Body(BodyState.NULL, b"", content_type)
    if content == "":
        return Body(BodyState.EMPTY, b"", content_type)
    if encoded in ("base64", True):
        if not isinstance(content, str):
            raise PactLoadError("a base64-encoded body needs its content as a string",
                                   f"{where}.content")
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            raise PactLoadError("body content is not valid base64", f"{where}.content") from None
    elif encoded in (False, "json", None) or isinstance(encoded, str):
        if isinstance(content, str):
            parsed = parse_content_type(content_type)
            as_json_string = parsed is not None and parsed.is_json() and not _is_json(content)
            if encoded == "json" or as_json_string:
                data = content.encode() if encoded == "json" else orjson.dumps(content)
            else:
                data = content.encode()
        else:
            data = orjson.dumps(content)
            content_type = content_type or "application/json"
    else:
        raise PactLoadError(f"'encoded' must be false, \"json\" or \"base64\", not {encoded!r}",
                               f"{where}.encoded")
    if not data:
        return Body(BodyState.EMPTY, b"", content_type)
    return Body(BodyState.PRESENT, data, content_type or sniff_content_type(data))


def _base64_or_none(text: str) -> bytes | None:
    """The bytes a base64 string stands for, or None when it is not strict base64."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _is_json(text: str) -> bool:
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError:
        return False
    return True


def body_from_bytes(data: bytes, header_ct: str | None) -> Body:
    """An actual body off the wire: EMPTY when no bytes; content type from header, else sniffed."""
    if not data:
        return Body(BodyState.EMPTY, b"", header_ct)
    return Body(BodyState.PRESENT, data, header_ct or sniff_content_type(data))
