"""Several full matches: the index's most-specific-first order picks what brute force picks.

Interactions here share routes and differ in which headers and query keys they name, so one
request often matches several of them fully; the brute force scores every interaction and
takes the highest-scoring full match (ties to the first), as the reference's sort does.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from support import most_specific_full_match

from pactpool_worker.matching import InteractionIndex, match_request
from pactpool_worker.pact import Request, load_pact, request_from_http

HEADERS = {"Accept": "application/json", "Authorization": "Bearer t", "X-Tenant": "7"}


def _interaction(rng: random.Random) -> dict[str, Any]:
    request: dict[str, Any] = {"method": "GET", "path": rng.choice(["/a", "/a/1"])}
    named = rng.sample(sorted(HEADERS), rng.randint(0, 3))
    if named:
        request["headers"] = {k: HEADERS[k] for k in named}
    if rng.random() < 0.3:
        request["query"] = {"q": ["1"]}
    if rng.random() < 0.3:
        request["matchingRules"] = {"path": {"matchers": [{"match": "regex",
                                                           "regex": "/a(/\\d+)?"}]}}
    return {"description": "x", "request": request, "response": {"status": 200}}


def _actual(rng: random.Random) -> Request:
    headers = [(k, HEADERS[k]) for k in rng.sample(sorted(HEADERS), rng.randint(0, 3))]
    return request_from_http("GET", rng.choice(["/a", "/a/1", "/a/2"]),
                             rng.choice(["", "q=1"]), headers, b"")


@pytest.mark.parametrize("seed", range(30))
def test_most_specific_full_match_equals_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"},
           "metadata": {"pactSpecification": {"version": "3.0.0"}},
           "interactions": [_interaction(rng) for _ in range(rng.randint(2, 8))]}
    interactions = load_pact(doc).interactions
    index = InteractionIndex(interactions)
    for _ in range(30):
        actual = _actual(rng)
        want = most_specific_full_match(interactions, actual)
        for lowered in (False, True):
            selection = index.select(actual, lowered_headers=lowered)
            got = selection.interaction.index if selection.kind == "match" and \
                selection.interaction else None
            assert got == want


def test_the_random_pacts_do_put_a_later_interaction_first() -> None:
    """Guard on the test above: it really meets requests where pact order is not the answer."""
    later = 0
    for seed in range(30):
        rng = random.Random(seed)
        doc = {"consumer": {"name": "c"}, "provider": {"name": "p"},
               "interactions": [_interaction(rng) for _ in range(rng.randint(2, 8))]}
        interactions = load_pact(doc).interactions
        for _ in range(30):
            actual = _actual(rng)
            full = [i.index for i in interactions
                    if i.request and match_request(i.request, actual).all_matched]
            later += bool(full) and most_specific_full_match(interactions, actual) != full[0]
    assert later > 20
