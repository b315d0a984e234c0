"""What bytes are, by their first bytes (magic numbers) and then by their text.

Used by the `contentType` rule and to sniff the type of a body that came without a header.
Binary signatures are checked first; then JSON, XML, HTML and plain text; anything else is
`application/octet-stream`.
"""

from __future__ import annotations

import orjson

# (offset, signature, content type); the first that fits wins.
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"PK\x05\x06", "application/zip"),
    (0, b"PK\x07\x08", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"\x00\x00\x01\x00", "image/x-icon"),
    (8, b"WEBP", "image/webp"),
    (8, b"WAVE", "audio/x-wav"),
    (0, b"OggS", "audio/ogg"),
    (0, b"fLaC", "audio/x-flac"),
    (0, b"ID3", "audio/mpeg"),
    (4, b"ftyp", "video/mp4"),
    (0, b"\x1aE\xdf\xa3", "video/webm"),
    (0, b"wOFF", "font/woff"),
    (0, b"wOF2", "font/woff2"),
    (0, b"OTTO", "font/otf"),
    (0, b"\x00asm", "application/wasm"),
    (0, b"\x7fELF", "application/x-executable"),
    (0, b"SQLite format 3\x00", "application/vnd.sqlite3"),
)

_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c\x1b")


def detect_content_type(data: bytes) -> str:
    """The content type the bytes show (never None; empty bytes are `text/plain`)."""
    for offset, signature, content_type in _SIGNATURES:
        if data.startswith(signature, offset):
            if offset == 8 and not data.startswith(b"RIFF"):
                continue
            return content_type
    if data.startswith(b"BM") and len(data) >= 26 and data[6:10] == b"\x00\x00\x00\x00":
        return "image/bmp"
    return _text_type(data)


def _text_type(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    if any(ord(ch) < 0x20 and ord(ch) not in _TEXT_CONTROLS for ch in text[:4096]):
        return "application/octet-stream"
    head = text.lstrip("\ufeff \t\r\n")[:64]
    if head[:1] in ("{", "["):
        try:
            orjson.loads(data)
            return "application/json"
        except orjson.JSONDecodeError:
            pass
    if head.startswith("<"):
        lowered = head.lower()
        if lowered.startswith(("<!doctype html", "<html")):
            return "text/html"
        return "application/xml"
    return "text/plain"
