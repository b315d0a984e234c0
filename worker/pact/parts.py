"""Query strings and header values, parsed the way the reference parses them."""

from __future__ import annotations

from urllib.parse import unquote_plus

# Only these headers carry comma-separated lists; other values keep their commas.
MULTI_VALUE_HEADERS = frozenset({
    "accept", "accept-encoding", "accept-language", "access-control-allow-headers",
    "access-control-allow-methods", "access-control-expose-headers",
    "access-control-request-headers", "allow", "cache-control", "if-match", "if-none-match",
    "vary",
})


def parse_query_string(query: str) -> dict[str, list[str | None]]:
    """`a=1&a=2&flag&b=x+y` -> {a: [1, 2], flag: [None], b: ["x y"]}; `%xx` decoded, `+` a space."""
    if "%" in query or "+" in query:
        return _parse_encoded_query(query)
    result: dict[str, list[str | None]] = {}
    for part in query.split("&"):  # nothing to decode: the common case, kept cheap
        if part:
            name, eq, value = part.partition("=")
            values = result.get(name)
            if values is None:
                result[name] = [value if eq else None]
            else:
                values.append(value if eq else None)
    return result


def _parse_encoded_query(query: str) -> dict[str, list[str | None]]:
    result: dict[str, list[str | None]] = {}
    for part in query.split("&"):
        if not part:
            continue
        if "=" in part:
            name, value = part.split("=", 1)
            result.setdefault(unquote_plus(name), []).append(unquote_plus(value))
        else:
            result.setdefault(unquote_plus(part), []).append(None)
    return result


def split_header_value(name: str, value: str) -> list[str]:
    """Split a header value on commas only for the headers that are lists."""
    if name.lower() in MULTI_VALUE_HEADERS:
        return [v.strip() for v in value.split(",") if v.strip()] or [value.strip()]
    return [value.strip()]


def header_value(headers: dict[str, list[str]] | None, name: str) -> str | None:
    """The first value of a header, found case-insensitively."""
    if not headers:
        return None
    lname = name.lower()
    for key, values in headers.items():
        if key.lower() == lname:
            return values[0] if values else ""
    return None
