"""Semantic versions (semver.org 2.0.0), as the `semver` rule checks them."""

from __future__ import annotations

import re

_NUMBER = r"(?:0|[1-9]\d*)"
_IDENT = r"(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)"
_VERSION = re.compile(
    rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}"
    rf"(?:-{_IDENT}(?:\.{_IDENT})*)?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?", re.ASCII)
_CORE = re.compile(r"(\d+)\.(\d+)\.(\d+)", re.ASCII)


def semver_problem(text: str) -> str | None:
    """Why `text` is not a semantic version (None when it is one)."""
    if _VERSION.fullmatch(text):
        return None
    if not text:
        return "empty string, expected a semver version"
    core = _CORE.match(text)
    if core is None:
        return "expected MAJOR.MINOR.PATCH made of numbers"
    if any(len(part) > 1 and part.startswith("0") for part in core.groups()):
        return "invalid leading zero in a version number"
    return f"unexpected text after '{core.group(0)}'"
