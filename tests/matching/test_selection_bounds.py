"""Selection prunes (path first, score ceilings, bodies last) yet picks what brute force picks."""

from __future__ import annotations

import random
from typing import Any

import orjson
import pytest

from pactpool_worker.matching import InteractionIndex, match_request
from pactpool_worker.pact import Interaction, Request, load_pact, request_from_http

METHODS = ["GET", "POST"]
PATHS = ["/a", "/b", "/c/1"]


def _interaction(rng: random.Random) -> dict[str, Any]:
    request: dict[str, Any] = {"method": rng.choice(METHODS), "path": rng.choice(PATHS)}
    if rng.random() < 0.6:
        request["query"] = {k: [rng.choice(["1", "2"])] for k in rng.sample(["p", "q", "r"],
                                                                        rng.randint(1, 3))}
    if rng.random() < 0.6:
        request["headers"] = {k: rng.choice(["x", "y"]) for k in rng.sample(["A", "B", "C"],
                                                                         rng.randint(1, 3))}
    if rng.random() < 0.6:
        request["headers"] = {**request.get("headers", {}), "Content-Type": "application/json"}
        request["body"] = {"n": rng.choice([1, 2]), "s": rng.choice(["u", "v"])}
        if rng.random() < 0.5:
            request["matchingRules"] = {"body": {"$.n": {"matchers": [{"match": "integer"}]}}}
    if rng.random() < 0.2:
        request.setdefault("matchingRules", {})["path"] = {
            "matchers": [{"match": "regex", "regex": "/[a-c](/\\d+)?"}]}
    return {"description": "x", "request": request, "response": {"status": 200}}


def _actual(rng: random.Random) -> Request:
    query = "&".join(f"{k}={rng.choice(['1', '2'])}" for k in rng.sample(["p", "q", "r"],
                                                                      rng.randint(0, 3)))
    headers = [(k, rng.choice(["x", "y"])) for k in rng.sample(["A", "B", "C"], rng.randint(0, 3))]
    body = b""
    if rng.random() < 0.7:
        headers.append(("Content-Type", "application/json"))
        body = orjson.dumps({"n": rng.choice([1, 2, "z"]), "s": rng.choice(["u", "v"])})
    return request_from_http(rng.choice(METHODS), rng.choice([*PATHS, "/d"]), query, headers, body)


def _brute_force(interactions: list[Interaction], actual: Request) -> tuple[str, int | None]:
    results = [(i, match_request(i.request, actual)) for i in interactions if i.request]
    full = [pair for pair in results if pair[1].all_matched]
    if full:  # the most specific full match: the highest score, ties to the first
        return "match", max(full, key=lambda pair: (pair[1].score(), -pair[0].index))[0].index
    best = max(results, key=lambda pair: (pair[1].score(), -pair[0].index))
    if not best[1].method_matched or not best[1].path_matched:
        return "not-found", None
    return "mismatch", best[0].index


@pytest.mark.parametrize("seed", range(40))
def test_pruned_selection_equals_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"},
           "metadata": {"pactSpecification": {"version": "3.0.0"}},
           "interactions": [_interaction(rng) for _ in range(rng.randint(1, 12))]}
    interactions = load_pact(doc).interactions
    index = InteractionIndex(interactions)
    for _ in range(25):
        actual = _actual(rng)
        selection = index.select(actual)
        chosen = selection.interaction.index if selection.interaction else None
        assert (selection.kind, chosen) == _brute_force(interactions, actual)
