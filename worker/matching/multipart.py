"""`multipart/form-data` and `multipart/mixed` bodies, part by part (stdlib `email` parser).

Each expected part is looked up in the actual body by name (or by position when the actual
part has no name). Fields compare as text (rules at `$.<name>`); files compare as bodies
of their own content type, with the rules under `$.<name>` re-rooted at the part, so
`$.photo` with a `contentType` rule checks the uploaded bytes. Part headers are compared
like the reference does; extra actual parts are allowed.
"""

from __future__ import annotations

import email.errors
import email.policy
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser

from pactpool_worker.matching.headers import parameters_match
from pactpool_worker.matching.mismatches import BodyDiff, text_of
from pactpool_worker.matching.rule_context import Context, Loc
from pactpool_worker.matching.value_rules import apply_rules
from pactpool_worker.pact.content_type import parse_content_type
from pactpool_worker.pact.jsonpath import format_path
from pactpool_worker.pact.model import Body, BodyState

ContentMatcher = Callable[[Body, Body, Context], list[BodyDiff]]
"""Matches two bodies by their content type (the dispatcher in `bodies`)."""

_OPTIONAL_HEADERS = frozenset({"content-type", "content-disposition", "content-transfer-encoding"})
_FATAL_DEFECTS = (email.errors.NoBoundaryInMultipartDefect,
                  email.errors.StartBoundaryNotFoundDefect,
                  email.errors.MultipartInvariantViolationDefect)


class MultipartError(ValueError):
    """A body that is not a MIME multipart body (no boundary, or none found in the body)."""


@dataclass(frozen=True, slots=True)
class Part:
    """One part: a form field (disposition without filename) or a file (everything else)."""

    index: int
    name: str
    is_file: bool
    content_type: str | None
    headers: dict[str, str]
    data: bytes

    @property
    def key(self) -> str:
        return self.name or str(self.index)


def parse_multipart(body: bytes, content_type: str | None, *,
                    guess_boundary: bool = False) -> list[Part]:
    """Split a multipart body into parts, decoding base64/quoted-printable transfer encodings.

    `guess_boundary`: for a pact's own body whose content type omits the boundary (V4 bodies
    often name just `multipart/form-data`), take it from the body's first delimiter line.
    """
    parsed = parse_content_type(content_type)
    if parsed is None or not parsed.is_multipart():
        raise MultipartError(f"'{content_type}' is not a multipart content type")
    if not any(k == "boundary" for k, _ in parsed.params):
        first = body.lstrip(b"\r\n").split(b"\r\n", 1)[0].split(b"\n", 1)[0]
        if not guess_boundary or not first.startswith(b"--") or len(first) < 3:
            raise MultipartError("no boundary in content-type")
        content_type = f"{content_type}; boundary=\"{first[2:].decode('latin-1').strip()}\""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    for defect in message.defects:
        if isinstance(defect, _FATAL_DEFECTS):
            raise MultipartError(str(defect.__doc__ or type(defect).__name__).strip())
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise MultipartError("the body has no parts")
    parts = []
    for index, part in enumerate(message.iter_parts()):
        headers = {k.lower(): str(v) for k, v in part.items()}
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        parts.append(Part(index, name if isinstance(name, str) else "",
                          filename is not None or "content-disposition" not in headers,
                          headers.get("content-type"), headers,
                          payload if isinstance(payload, bytes) else b""))
    return parts


def match_multipart(expected: Body, actual: Body, ctx: Context,
                    match_content: ContentMatcher) -> list[BodyDiff]:
    """Every expected part present in the actual body and matching it."""
    results: list[list[Part]] = []
    failures: list[BodyDiff] = []
    for which, body in (("expected", expected), ("actual", actual)):
        try:
            results.append(parse_multipart(body.content, body.content_type,
                                           guess_boundary=which == "expected"))
        except MultipartError as exc:
            failures.append(BodyDiff("$", text_of(expected.content), text_of(actual.content),
                                         f"Failed to parse the {which} body as a MIME multipart "
                                         f"body: '{exc}'"))
    if failures:
        return failures
    expected_parts, actual_parts = results
    out: list[BodyDiff] = []
    for part in expected_parts:
        found = next((p for p in actual_parts
                      if (p.name == part.name if p.name else p.index == part.index)), None)
        if found is None:
            out.append(BodyDiff("$", part.name, None,
                                    f"Expected a MIME part '{part.name}' but was missing"))
        else:
            out.extend(_match_part(part, found, ctx, match_content))
    return out


def _match_part(expected: Part, actual: Part, ctx: Context,
                match_content: ContentMatcher) -> list[BodyDiff]:
    key = expected.key
    loc: Loc = ("$", key)
    if expected.is_file != actual.is_file:
        kinds = ("file", "field") if expected.is_file else ("field", "file")
        return [BodyDiff("$", key, None,
                             f"Expected a MIME {kinds[0]} '{key}' but was {kinds[1]}")]
    out = _part_headers(loc, expected, actual, ctx)
    if expected.is_file:
        out.extend(_file_part(loc, expected, actual, ctx, match_content))
    else:
        out.extend(_field_part(loc, expected, actual, ctx))
    return out


def _part_headers(loc: Loc, expected: Part, actual: Part, ctx: Context) -> list[BodyDiff]:
    out: list[BodyDiff] = []
    for name, e_value in expected.headers.items():
        path = format_path((*loc, name))
        a_value = actual.headers.get(name)
        if a_value is None:
            if name not in _OPTIONAL_HEADERS:
                out.append(BodyDiff(path, e_value, None,
                                        f"MIME part '{expected.key}': Expected multipart header "
                                        f"'{name}' with value '{e_value}' but was missing"))
            continue
        best = ctx.best((*loc, name))
        if best is not None and not best[1]:
            messages = apply_rules(best, e_value, a_value)
        elif name == "content-disposition":
            messages = []
        elif name == "content-type":
            messages = [] if parameters_match(e_value, a_value) else \
                [f"header '{name}': Expected '{a_value}' to be equal to '{e_value}'"]
        else:
            messages = [] if e_value == a_value else \
                [f"header '{name}': Expected '{a_value}' to be equal to '{e_value}'"]
        out.extend(BodyDiff(path, e_value, a_value, f"MIME part '{expected.key}': {m}")
                   for m in messages)
    return out


def _field_part(loc: Loc, expected: Part, actual: Part, ctx: Context) -> list[BodyDiff]:
    e_text = expected.data.decode("utf-8", errors="replace")
    a_text = actual.data.decode("utf-8", errors="replace")
    best = ctx.best(loc)
    if best is None:
        messages = [] if e_text == a_text else \
            [f"MIME part '{expected.key}': Expected '{a_text}' to be equal to '{e_text}'"]
    else:
        messages = apply_rules(best, e_text, a_text)
    return [BodyDiff(format_path(loc), e_text, a_text, m) for m in messages]


def _file_part(loc: Loc, expected: Part, actual: Part, ctx: Context,
               match_content: ContentMatcher) -> list[BodyDiff]:
    e_ct, a_ct = parse_content_type(expected.content_type), parse_content_type(actual.content_type)
    if e_ct is not None and a_ct is not None and not e_ct.equivalent(a_ct):
        return [BodyDiff(format_path(loc), str(e_ct), str(a_ct),
                             f"MIME part '{expected.key}': Expected a body of '{e_ct}' but the "
                             f"actual content type was '{a_ct}'")]
    e_body = Body(BodyState.PRESENT if expected.data else BodyState.EMPTY, expected.data,
                  expected.content_type)
    a_body = Body(BodyState.PRESENT if actual.data else BodyState.EMPTY, actual.data,
                  actual.content_type)
    base = format_path(loc)
    return [BodyDiff(base + m.path[1:] if m.path.startswith("$") else base, m.expected,
                         m.actual, f"MIME part '{expected.key}': {m.mismatch}")
            for m in match_content(e_body, a_body, ctx.rerooted(loc))]
