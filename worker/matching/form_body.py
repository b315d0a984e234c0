"""`application/x-www-form-urlencoded` bodies: compared like a query; body rules at `$.name`."""

from __future__ import annotations

from pactpool_worker.matching.mismatches import BodyDiff, rust_debug
from pactpool_worker.matching.rule_context import Context
from pactpool_worker.matching.value_rules import apply_rules
from pactpool_worker.pact.model import Body
from pactpool_worker.pact.parts import parse_query_string


def match_form(expected: Body, actual: Body, ctx: Context) -> list[BodyDiff]:
    """Every expected parameter present with its values; unexpected ones only in responses."""
    e_form = parse_query_string(expected.content.decode("utf-8", errors="replace"))
    a_form = parse_query_string(actual.content.decode("utf-8", errors="replace"))
    out: list[BodyDiff] = []
    for name, e_values in e_form.items():
        path = f"$.{name}"
        if name not in a_form:
            out.append(BodyDiff(path, _debug(e_values), None,
                                    f"Expected form post parameter '{name}' but was missing"))
            continue
        a_values = a_form[name]
        loc = ("$", name)
        best = ctx.best(loc)
        if best is None and len(e_values) != len(a_values):
            out.append(BodyDiff(path, _debug(e_values), _debug(a_values),
                                    f"Expected form post parameter '{name}' with "
                                    f"{len(e_values)} value(s) but received {len(a_values)} "
                                    "value(s)"))
        for index, a_value in enumerate(a_values):
            e_value = e_values[index] if index < len(e_values) else (e_values[0] if best else None)
            if e_value is None and best is None:
                continue
            item_best = ctx.best((*loc, str(index)))
            e_text, a_text = e_value or "", a_value or ""
            if item_best is None:
                if e_text != a_text:
                    out.append(BodyDiff(path, e_text, a_text,
                                            f"Expected form post parameter '{name}' with value "
                                            f"'{e_text}' but was '{a_text}'"))
                continue
            out.extend(BodyDiff(path, e_text, a_text, m)
                       for m in apply_rules(item_best, e_text, a_text))
    if not ctx.allow_unexpected:
        for name in a_form:
            if name not in e_form:
                out.append(BodyDiff(f"$.{name}", None, _debug(a_form[name]),
                                        f"Unexpected form post parameter '{name}' received"))
    return out


def _debug(values: list[str | None]) -> str:
    """Values as the reference shows lists of strings: `["a", "b"]`."""
    return rust_debug([v or "" for v in values])
