"""The per-request time budget of the bounded regex engine is decided at load: a pact that
has no regex on that engine pays nothing for it on each request."""

from __future__ import annotations

from typing import Any


def test_only_a_pact_with_a_fallback_regex_pays_for_the_time_budget() -> None:
    from pactpool_worker.pact import load_pact
    from pactpool_worker.pact.rules import rule_regexes
    from pactpool_worker.service.logbook import Logbook
    from pactpool_worker.service.mock import MockOptions, MockService

    def pact(regex: str) -> Any:
        nested = {"match": "eachValue", "rules": [{"match": "regex", "regex": regex}]}
        return load_pact({
            "consumer": {"name": "c"}, "provider": {"name": "p"},
            "metadata": {"pactSpecification": {"version": "4.0"}},
            "interactions": [{"type": "Synchronous/HTTP", "description": "d",
                              "request": {"method": "POST", "path": "/",
                                          "body": {"content": {"m": {"k": "aab"}},
                                                   "contentType": "application/json"},
                                          "matchingRules": {"body": {"$.m": {
                                              "matchers": [nested]}}}},
                              "response": {"status": 200}}]})

    plain, looking = pact(r"a+b"), pact(r"(?<=a)a+b")  # look-behind: the bounded engine
    assert [r.engine for r in rule_regexes(looking.interactions[0].request.matching_rules)] \
        == ["regex"]
    assert MockService(looking, MockOptions(), Logbook())._budgeted
    assert not MockService(plain, MockOptions(), Logbook())._budgeted
