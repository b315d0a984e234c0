"""Content types: parse a header value, classify it (JSON, XML, ...) and sniff one from bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import orjson

from pactpool_worker.pact.magic import detect_content_type

_TOKEN = re.compile(r"^[A-Za-z0-9!#$&^_.+\-*]+/[A-Za-z0-9!#$&^_.+\-*]+$")


@dataclass(frozen=True, slots=True)
class ContentType:
    """`main/sub` plus parameters, lower-cased where HTTP says case does not matter."""

    main: str
    sub: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def base(self) -> str:
        return f"{self.main}/{self.sub}"

    def __str__(self) -> str:
        return self.base + "".join(f";{k}={v}" for k, v in self.params)

    def is_json(self) -> bool:
        sub = self.sub
        return (self.main == "application" and (sub.endswith("json") or sub in
                ("json-rpc", "jsonrequest"))) or sub.endswith("+json")

    def is_xml(self) -> bool:
        return (self.main == "application" and self.sub.endswith("xml")) or \
            self.base == "text/xml" or self.sub.endswith("+xml")

    def is_form(self) -> bool:
        return self.base == "application/x-www-form-urlencoded"

    def is_multipart(self) -> bool:
        return self.main == "multipart"

    def is_text(self) -> bool:
        """Readable text: `text/*`, JSON, XML, forms and the usual script/config formats."""
        return self.main == "text" or self.is_json() or self.is_xml() or self.is_form() or \
            self.sub in _TEXT_SUBTYPES or self.sub.endswith(("+yaml", "+text"))

    def is_binary(self) -> bool:
        """Bytes compared as bytes: octet-stream, media types and other non-text types."""
        return not self.is_text() and not self.is_multipart()

    def equivalent(self, other: ContentType) -> bool:
        """Same base type, allowing the usual aliases and families (any JSON is JSON)."""
        a, b = _ALIASES.get(self.base, self.base), _ALIASES.get(other.base, other.base)
        if a == b:
            return True
        return (self.is_json() and other.is_json()) or (self.is_xml() and other.is_xml())


_TEXT_SUBTYPES = frozenset({"javascript", "ecmascript", "x-javascript", "graphql", "yaml",
                            "x-yaml", "csv", "sql", "x-sh", "x-ndjson", "problem+json",
                            "hal+json"})
_ALIASES = {"image/jpg": "image/jpeg", "application/x-gzip": "application/gzip",
            "application/x-zip-compressed": "application/zip", "text/xml": "application/xml",
            "application/x-pdf": "application/pdf", "audio/wav": "audio/x-wav",
            "audio/x-wave": "audio/x-wav", "image/vnd.microsoft.icon": "image/x-icon"}


@lru_cache(maxsize=256)
def parse_content_type(value: str | None) -> ContentType | None:
    """Parse `application/json; charset=UTF-8`; None when absent or not a media type."""
    if not value:
        return None
    parts = [p.strip() for p in value.split(";")]
    base = parts[0].lower()
    if not _TOKEN.match(base):
        return None
    main, sub = base.split("/", 1)
    params = []
    for p in parts[1:]:
        if "=" in p:
            k, v = p.split("=", 1)
            params.append((k.strip().lower(), v.strip()))
    return ContentType(main, sub, tuple(params))


def sniff_content_type(body: bytes) -> str | None:
    """Guess a content type from bytes (magic numbers, then JSON, XML, text); None if empty.

    A JSON string (`"This is a string"`) is JSON too, as the reference sniffs it: a V2 body
    written as a quoted string means a JSON document, not text with quotes. Bare scalars
    (`42`, `true`) stay text: they are far more often plain text, and the reference's own
    reading of them (it quotes them again) could never match a correct request.
    """
    if not body:
        return None
    detected = detect_content_type(body)
    if detected == "text/plain" and _is_json_string(body):
        return "application/json"
    return detected


def _is_json_string(body: bytes) -> bool:
    if not body.lstrip(b" \t\r\n").startswith(b'"'):
        return False
    try:
        return isinstance(orjson.loads(body), str)
    except orjson.JSONDecodeError:
        return False
