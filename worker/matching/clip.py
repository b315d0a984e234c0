"""Values inside mismatch texts are cut to a fixed length, so a record grows with the number
of problems, never with the size of what differed.

A request can carry a 16 MiB body and a pact a list of ten thousand values; a mismatch text
that quotes either whole, once per problem, makes records quadratic in their input. Short
values keep the reference's wording exactly; a longer one keeps its first `VALUE_LIMIT`
characters and says how long it was.
"""

from __future__ import annotations

VALUE_LIMIT = 256
"""Characters of one value quoted inside a mismatch text or field."""
TEXT_LIMIT = 1024
"""Characters of one whole mismatch text (a safety net for texts built elsewhere)."""


def clip(text: str, limit: int = VALUE_LIMIT) -> str:
    """`text`, or its first `limit` characters, an ellipsis and its length."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\u2026 ({len(text)} characters)"


def clip_optional(text: str | None, limit: int = VALUE_LIMIT) -> str | None:
    return None if text is None else clip(text, limit)
