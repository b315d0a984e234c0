"""Does an example satisfy a matching rule? The one answer the consumer DSL and the server share.

A matcher built in a consumer test carries an example value; the DSL asks this function
whether the example passes the matcher's own rule, so the DSL and the mock server can never
disagree about what a rule accepts.
"""

from __future__ import annotations

from typing import Any

from pactpool_worker.matching.value_rules import match_json_value, match_list_rule, match_map_rule
from pactpool_worker.pact.rule_loader import compile_rule


def check_example(rule: dict[str, Any], example: Any) -> str | None:
    """The mismatch text of `example` against one matcher object, or None when it passes.

    `rule` is a matcher as pact JSON spells it (`{"match": "regex", "regex": "\\d+"}`);
    `example` is a JSON value. A rule that cannot be compiled (a bad regex, an unknown name,
    impossible bounds) raises the worker's `PactLoadError`, a `ValueError`.
    """
    compiled = compile_rule(rule, "$")
    if isinstance(example, list):
        return match_list_rule(compiled, example, example, False)
    if isinstance(example, dict):
        return match_map_rule(compiled, example, example, False)
    return match_json_value(compiled, example, example, False)
