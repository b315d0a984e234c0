"""Binary bodies: byte equality, or the rules at `$` (often `contentType`) applied to the bytes."""

from __future__ import annotations

from pactpool_worker.matching.clip import clip
from pactpool_worker.matching.detected_type import content_type_problem
from pactpool_worker.matching.display import hex_prefix
from pactpool_worker.matching.mismatches import BodyDiff, text_of
from pactpool_worker.matching.rule_context import Context
from pactpool_worker.matching.value_rules import combine
from pactpool_worker.pact.model import Body
from pactpool_worker.pact.rules import TYPE_KINDS, Rule


def match_binary(expected: Body, actual: Body, ctx: Context) -> list[BodyDiff]:
    e, a = expected.content, actual.content
    best = ctx.best(("$",))
    if best is None:
        if e == a:
            return []
        return [BodyDiff("$", text_of(e), text_of(a),
                             f"Actual body [{actual.content_type or ''}, {len(a)} bytes, starting "
                             f"with {hex_prefix(a, 32)}] is not equal to the expected body "
                             f"[{expected.content_type or ''}, {len(e)} bytes, starting with "
                             f"{hex_prefix(e, 32)}]")]
    rule_list, cascaded = best
    return [BodyDiff("$", text_of(e), text_of(a), m)
            for m in combine(rule_list, lambda r: match_bytes(r, e, a, cascaded))]


def match_bytes(rule: Rule, expected: bytes, actual: bytes, cascaded: bool) -> str | None:
    """One rule against bytes; text rules (regex, include) need the bytes to be UTF-8."""
    kind = rule.kind
    if kind == "content_type":
        return content_type_problem(actual, rule.value)
    if kind == "equality":
        if expected == actual:
            return None
        return (f"Expected '{hex_prefix(actual, 10)}...' ({len(actual)} bytes) to be equal to "
                f"'{hex_prefix(expected, 10)}...' ({len(expected)} bytes)")
    if kind in TYPE_KINDS:
        return None
    if kind == "not_empty":
        return "Expected [] (0 bytes) to not be empty" if not actual else None
    if kind in ("regex", "include"):
        try:
            text = actual.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"Could not convert actual bytes into a UTF-8 string - {exc}"
        if kind == "regex":
            assert rule.regex is not None
            return None if rule.regex.fullmatch(text) else \
                f"Expected '{clip(text)}' to match '{clip(rule.regex.pattern)}'" \
                f"{rule.regex.note(text)}"
        return None if rule.value in text else \
            f"Expected '{clip(text)}' to include '{clip(rule.value)}'"
    if cascaded and not rule.can_cascade:
        return None
    return f"Unable to match '{hex_prefix(actual, 10)}...' ({len(actual)} bytes) using {rule.name}"
