"""The `statusCode` rule's status classes (`success`, `clientError`, ... or a list of codes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# name -> (codes, how the reference displays it; its dashes are en dashes)
_CLASSES: dict[str, tuple[range, str]] = {
    "info": (range(100, 200), "Informational response (100\u2013199)"),
    "success": (range(200, 300), "Successful response (200\u2013299)"),
    "redirect": (range(300, 400), "Redirect (300\u2013399)"),
    "clientError": (range(400, 500), "Client error (400\u2013499)"),
    "serverError": (range(500, 600), "Server error (500\u2013599)"),
    "nonError": (range(0, 400), "Non-error response (< 400)"),
    "error": (range(400, 1000), "Error response (>= 400)"),
}


class StatusSpecError(ValueError):
    """A `status` that is neither a known class name nor a list of status codes."""


@dataclass(frozen=True, slots=True)
class StatusClass:
    """Which status codes a `statusCode` rule accepts."""

    name: str
    codes: frozenset[int] = frozenset()

    def accepts(self, status: int) -> bool:
        if self.name == "codes":
            return status in self.codes
        return status in _CLASSES[self.name][0]

    def __str__(self) -> str:
        if self.name == "codes":
            return ", ".join(str(c) for c in sorted(self.codes))
        return _CLASSES[self.name][1]


def parse_status(value: Any) -> StatusClass:
    """`"success"` or `[200, 201]` (codes may be strings of digits); missing means success."""
    if value is None:
        return StatusClass("success")
    if isinstance(value, str):
        if value in _CLASSES:
            return StatusClass(value)
        raise StatusSpecError(f"'{value}' is not a status class (use one of "
                              f"{', '.join(_CLASSES)} or a list of status codes)")
    if isinstance(value, list) and value:
        codes: set[int] = set()
        for item in value:
            code = int(item) if isinstance(item, str) and item.isdigit() else item
            if isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 999:
                raise StatusSpecError(f"{item!r} is not an HTTP status code")
            codes.add(code)
        return StatusClass("codes", frozenset(codes))
    raise StatusSpecError(f"{value!r} is not a status class or a non-empty list of status codes")
