"""The JSONPath subset of matching rules (`$`, `.key`, `['key']`, `[n]`, `[*]`, `.*`), parsed once.

A rule's path is compiled into tokens at load; at match time a concrete location in a document
is a tuple of plain string fragments (`("$", "animals", "0", "name")`), and `weight` says how
specifically a rule path covers it, following the reference: root 2, a matching name or index 2,
a wildcard 1, anything else 0, multiplied together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

TokenKind = Literal["root", "field", "index", "star_index", "star"]
Token = tuple[TokenKind, str]

_IDENT = re.compile(r"[^.\[\]'\"]+")
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_\-:@#]+$")


class PathSyntaxError(ValueError):
    """A matching-rule path that is not in the supported JSONPath subset."""


@dataclass(frozen=True, slots=True)
class RulePath:
    """A compiled rule path: its source text and its tokens."""

    expr: str
    tokens: tuple[Token, ...]

    def __len__(self) -> int:
        return len(self.tokens)

    def weight(self, path: tuple[str, ...]) -> int:
        """How specifically this rule path covers `path` (0: it does not apply)."""
        tokens = self.tokens
        if len(path) < len(tokens):
            return 0
        weight = 1
        for (kind, value), fragment in zip(tokens, path[:len(tokens)], strict=True):
            if kind == "root":
                w = 2 if fragment == "$" else 0
            elif kind == "field":
                w = 2 if fragment == value else 0
            elif kind == "index":
                w = 2 if fragment.isdigit() and int(fragment) == int(value) else 0
            elif kind == "star_index":
                w = 1 if fragment.isdigit() else 0
            else:  # star
                w = 1
            if w == 0:
                return 0
            weight *= w
        return weight


def parse_path(expr: str) -> RulePath:
    """Parse `$.a['b'][0][*].*` into tokens; raise PathSyntaxError naming the problem."""
    text = expr.strip()
    if not text.startswith("$"):
        raise PathSyntaxError(f"a matching rule path must start with '$', got '{expr}'")
    tokens: list[Token] = [("root", "$")]
    i, n = 1, len(text)
    while i < n:
        ch = text[i]
        if ch == ".":
            i += 1
            if i < n and text[i] == "*":
                tokens.append(("star", "*"))
                i += 1
                continue
            m = _IDENT.match(text, i)
            if m is None:
                raise PathSyntaxError(f"expected a name after '.' at position {i} in '{expr}'")
            name = m.group(0)
            tokens.append(("field", name))
            i = m.end()
        elif ch == "[":
            end = _closing_bracket(text, i, expr)
            inner = text[i + 1:end].strip()
            i = end + 1
            if inner == "*":
                tokens.append(("star_index", "*"))
            elif inner.isdigit():
                tokens.append(("index", inner))
            elif len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
                tokens.append(("field", inner[1:-1]))
            else:
                raise PathSyntaxError(
                    f"'[{inner}]' in '{expr}' is not an index, '*' or a quoted name")
        else:
            raise PathSyntaxError(f"unexpected '{ch}' at position {i} in '{expr}'")
    return RulePath(expr, tuple(tokens))


def _closing_bracket(text: str, start: int, expr: str) -> int:
    quote = ""
    for j in range(start + 1, len(text)):
        c = text[j]
        if quote:
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
        elif c == "]":
            return j
    raise PathSyntaxError(f"unclosed '[' in '{expr}'")


def field_path(*names: str) -> RulePath:
    """A rule path `$.name...` built from plain names (header and query parameter rules)."""
    tokens: list[Token] = [("root", "$")]
    tokens.extend(("field", name) for name in names)
    return RulePath(format_path(("$", *names)), tuple(tokens))


def format_path(path: tuple[str, ...]) -> str:
    """Render a location the way the reference prints it: `$.a[0]['b c']`."""
    out: list[str] = []
    for fragment in path:
        if fragment == "$" and not out:
            out.append("$")
        elif fragment.isdigit():
            out.append(f"[{fragment}]")
        elif fragment == "*":
            out.append(".*")
        elif _PLAIN_NAME.match(fragment):
            out.append(f".{fragment}")
        else:
            out.append(f"['{fragment}']")
    return "".join(out)
