"""Message interactions: contents matched as bodies, metadata as a headers-like map.

pactpool serves HTTP only; this exists so message pacts (and the specification's message
cases) are checked by the same matcher. Contents allow unexpected keys (as responses do);
every expected metadata key must be present with a matching value (rules under the
`metadata` category, at `$.<key>`), extra keys are fine, and the content-type keys are left
to the body comparison.
"""

from __future__ import annotations

from typing import Any

from pactpool_worker.matching.body_dispatch import match_body
from pactpool_worker.matching.display import json_to_string
from pactpool_worker.matching.mismatches import Diff, MetadataDiff
from pactpool_worker.matching.rule_context import Context, context_for
from pactpool_worker.matching.value_rules import apply_rules
from pactpool_worker.pact.message_loader import METADATA_CONTENT_TYPE_KEYS
from pactpool_worker.pact.model import Message

_CONTENT_TYPE_KEYS = frozenset(k.lower() for k in METADATA_CONTENT_TYPE_KEYS)


def match_message(expected: Message, actual: Message) -> list[Diff]:
    """Contents, then metadata; an empty list when the actual message matches."""
    rules = expected.matching_rules
    type_mismatch, body = match_body(expected.contents, actual.contents,
                                     context_for(rules, "body", allow_unexpected=True),
                                     context_for(None, "header", allow_unexpected=True))
    out: list[Diff] = [type_mismatch] if type_mismatch is not None else []
    out.extend(body)
    out.extend(match_metadata(expected.metadata, actual.metadata,
                              context_for(rules, "metadata", allow_unexpected=True)))
    return out


def match_metadata(expected: dict[str, Any], actual: dict[str, Any],
                   ctx: Context) -> list[MetadataDiff]:
    out: list[MetadataDiff] = []
    for key, e_raw in expected.items():
        if key.lower() in _CONTENT_TYPE_KEYS:
            continue
        e_value = json_to_string(e_raw)
        if key not in actual:
            out.append(MetadataDiff(key, e_value, "",
                                        f"Expected metadata with key '{key}' but was missing"))
            continue
        a_value = json_to_string(actual[key])
        best = ctx.best(("$", key))
        if best is None:
            messages = [] if e_value == a_value else \
                [f"Expected metadata key '{key}' to have value '{e_value}' but was '{a_value}'"]
        else:
            messages = apply_rules(best, e_value, a_value)
        out.extend(MetadataDiff(key, e_value, a_value, m) for m in messages)
    return out
