"""Does an example satisfy a matching rule? The one answer the consumer DSL and the server share.

A matcher built in a consumer test carries an example value; the DSL asks this function
whether the example passes the matcher's own rule, so the DSL and the mock server can never
disagree about what a rule accepts.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson

from pactpool_worker.matching.value_rules import match_json_value, match_list_rule, match_map_rule
from pactpool_worker.pact.rule_loader import compile_rule
from pactpool_worker.pact.rules import Rule


def check_example(rule: dict[str, Any], example: Any) -> str | None:
    """The mismatch text of `example` against one matcher object, or None when it passes.

    `rule` is a matcher as pact JSON spells it (`{"match": "regex", "regex": "\\d+"}`);
    `example` is a JSON value. A rule that cannot be compiled (a bad regex, an unknown name,
    impossible bounds) raises the worker's `PactLoadError`, a `ValueError`.
    """
    compiled = _compiled(orjson.dumps(rule, option=orjson.OPT_SORT_KEYS))
    if isinstance(example, list):
        return match_list_rule(compiled, example, example, False)
    if isinstance(example, dict):
        return match_map_rule(compiled, example, example, False)
    return match_json_value(compiled, example, example, False)


@lru_cache(maxsize=1024)
def _compiled(key: bytes) -> Rule:
    """A rule compiled once per spelling: a test declares the same matchers again and again."""
    return compile_rule(orjson.loads(key), "$")
