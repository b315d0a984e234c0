"""Content types: parse a header value, classify it (JSON, XML, ...) and sniff one from bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import orjson

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

    def is_binary(self) -> bool:
        return self.base == "application/octet-stream"


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
    """Guess a content type from bytes: JSON object/array, XML, else text/plain (None if empty)."""
    if not body:
        return None
    head = body.lstrip()[:1]
    if head in (b"{", b"["):
        try:
            orjson.loads(body)
            return "application/json"
        except orjson.JSONDecodeError:
            pass
    if head == b"<":
        if re.match(rb"\s*<(!DOCTYPE\s+html|html[\s>])", body[:64], re.IGNORECASE):
            return "text/html"
        return "application/xml"
    return "text/plain"
