"""Bodies: decide whether content types agree, then hand the content to the right matcher."""

from __future__ import annotations

from typing import Any

import orjson

from pactpool_worker.matching.context import Context
from pactpool_worker.matching.headers import header_value_mismatches
from pactpool_worker.matching.json_body import compare_json
from pactpool_worker.matching.mismatches import BodyMismatch, BodyTypeMismatch, text_of
from pactpool_worker.matching.values import combine, match_string
from pactpool_worker.matching.xml_body import XmlError, compare_xml, parse_xml
from pactpool_worker.pact.content_type import ContentType, parse_content_type
from pactpool_worker.pact.model import Body, BodyState
from pactpool_worker.pact.parts import parse_query_string
from pactpool_worker.pact.rules import RuleList

BodyResult = tuple[BodyTypeMismatch | None, list[BodyMismatch]]


def match_body(expected: Body, actual: Body, ctx: Context, header_ctx: Context) -> BodyResult:
    """Compare bodies: a BodyTypeMismatch when the content types differ, else content mismatches."""
    e_ct = parse_content_type(expected.content_type)
    a_ct = parse_content_type(actual.content_type)
    if e_ct is None or a_ct is None or e_ct.base == a_ct.base or \
            _header_rule_accepts(expected, actual, header_ctx):
        return None, _match_content(e_ct, expected, actual, ctx)
    if expected.state is BodyState.PRESENT:
        e_text, a_text = str(e_ct), str(a_ct)
        return BodyTypeMismatch(
            e_text, a_text,
            f"Expected a body of '{e_text}' but the actual content type was '{a_text}'",
            text_of(expected.content),
            text_of(actual.content) if actual.state is BodyState.PRESENT else None), []
    return None, []


def _header_rule_accepts(expected: Body, actual: Body, header_ctx: Context) -> bool:
    loc = ("$", "content-type")
    if not header_ctx.defined(loc):
        return False
    return not header_value_mismatches("Content-Type", 0, expected.content_type or "",
                                       actual.content_type or "", header_ctx, single=True)


def _match_content(ct: ContentType | None, expected: Body, actual: Body,
                   ctx: Context) -> list[BodyMismatch]:
    e_state, a_state = expected.state, actual.state
    if e_state is BodyState.MISSING:
        return []
    if e_state in (BodyState.NULL, BodyState.EMPTY):
        # A JSON `null` on the wire is what a client sends for a null body.
        null_on_wire = e_state is BodyState.NULL and actual.content.strip() == b"null"
        if a_state is BodyState.PRESENT and not null_on_wire:
            return [BodyMismatch("/", None, text_of(actual.content),
                                 f"Expected empty body but received {actual.display()}")]
        return []
    if a_state is BodyState.MISSING:
        return [BodyMismatch("/", text_of(expected.content), None,
                             f"Expected body {expected.display()} but was missing")]
    if a_state is BodyState.EMPTY:
        return [BodyMismatch("/", text_of(expected.content), None,
                             f"Expected body {expected.display()} but was empty")]
    if ct is not None and ct.is_json():
        return _match_json(expected, actual, ctx)
    if ct is not None and ct.is_xml():
        return _match_xml(expected, actual, ctx)
    if ct is not None and ct.is_form():
        return _match_form(expected, actual, ctx)
    if ct is not None and ct.is_binary() and not ctx.defined(("$",)):
        if expected.content == actual.content:
            return []
        return [BodyMismatch("$", text_of(expected.content), text_of(actual.content),
                             f"Expected binary contents to have {len(expected.content)} bytes "
                             f"but were {len(actual.content)} bytes or differed")]
    return _match_text(expected, actual, ctx)


def _parsed(body: Body, kind: str) -> Any:
    """The parsed body, cached on the Body (expected bodies are parsed once per pact)."""
    cache = body.parsed_cache
    if kind not in cache:
        try:
            cache[kind] = ("ok", orjson.loads(body.content) if kind == "json"
                           else parse_xml(body.content))
        except (orjson.JSONDecodeError, XmlError) as exc:
            cache[kind] = ("error", str(exc))
    return cache[kind]


def _parse_failures(expected: Body, actual: Body, kind: str) -> tuple[Any, Any, list[BodyMismatch]]:
    e_status, e_value = _parsed(expected, kind)
    a_status, a_value = _parsed(actual, kind)
    failures = []
    for status, value, which in ((e_status, e_value, "expected"), (a_status, a_value, "actual")):
        if status == "error":
            failures.append(BodyMismatch("$", text_of(expected.content), text_of(actual.content),
                                         f"Failed to parse the {which} body: '{value}'"))
    return e_value, a_value, failures


def _match_json(expected: Body, actual: Body, ctx: Context) -> list[BodyMismatch]:
    e_value, a_value, failures = _parse_failures(expected, actual, "json")
    if failures:
        return failures
    return compare_json(e_value, a_value, ctx)


def _match_xml(expected: Body, actual: Body, ctx: Context) -> list[BodyMismatch]:
    e_value, a_value, failures = _parse_failures(expected, actual, "xml")
    if failures:
        return failures
    return compare_xml(e_value, a_value, ctx)


def _match_text(expected: Body, actual: Body, ctx: Context) -> list[BodyMismatch]:
    e_text = expected.content.decode("utf-8", errors="replace")
    a_text = actual.content.decode("utf-8", errors="replace")
    best = ctx.best(("$",))
    if best is not None:
        rule_list, cascaded = best
        messages = combine(rule_list, lambda r: match_string(r, e_text, a_text, cascaded))
        return [BodyMismatch("$", text_of(expected.content), text_of(actual.content), m)
                for m in messages]
    if expected.content == actual.content:
        return []
    return [BodyMismatch("$", text_of(expected.content), text_of(actual.content),
                         f"Expected body '{e_text}' to match '{a_text}' using equality but did "
                         "not match")]


def _match_form(expected: Body, actual: Body, ctx: Context) -> list[BodyMismatch]:
    """`application/x-www-form-urlencoded`: compared like a query, with body rules at `$.name`."""
    e_form = parse_query_string(expected.content.decode("utf-8", errors="replace"))
    a_form = parse_query_string(actual.content.decode("utf-8", errors="replace"))
    out: list[BodyMismatch] = []
    for name, e_values in e_form.items():
        path = f"$.{name}"
        if name not in a_form:
            out.append(BodyMismatch(path, str(e_values), None,
                                    f"Expected form post parameter '{name}' but was missing"))
            continue
        a_values = a_form[name]
        loc = ("$", name)
        best = ctx.best(loc)
        if best is None and len(e_values) != len(a_values):
            out.append(BodyMismatch(path, str(e_values), str(a_values),
                                    f"Expected form post parameter '{name}' with "
                                    f"{len(e_values)} value(s) but received {len(a_values)} "
                                    "value(s)"))
        for index, a_value in enumerate(a_values):
            e_value = e_values[index] if index < len(e_values) else (e_values[0] if best else None)
            if e_value is None and best is None:
                continue
            item = (*loc, str(index))
            item_best = ctx.best(item)
            e_text, a_text = e_value or "", a_value or ""
            if item_best is None:
                if e_text != a_text:
                    out.append(BodyMismatch(path, e_text, a_text,
                                            f"Expected form post parameter '{name}' with value "
                                            f"'{e_text}' but was '{a_text}'"))
                continue
            rule_list, cascaded = item_best
            out.extend(BodyMismatch(path, e_text, a_text, m)
                       for m in _apply(rule_list, e_text, a_text, cascaded))
    if not ctx.allow_unexpected:
        for name in a_form:
            if name not in e_form:
                out.append(BodyMismatch(f"$.{name}", None, str(a_form[name]),
                                        f"Unexpected form post parameter '{name}' received"))
    return out


def _apply(rule_list: RuleList, expected: str, actual: str, cascaded: bool) -> list[str]:
    return combine(rule_list, lambda r: match_string(r, expected, actual, cascaded))
