"""select_interaction: the most specific full match, then best score (ties to the first), else not
found."""

from __future__ import annotations

from typing import Any

import pytest

from pactpool_worker.matching import match_request, select_interaction
from pactpool_worker.pact import Interaction, load_pact, request_from_http


def _interactions(*requests: dict[str, Any]) -> list[Interaction]:
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"},
           "metadata": {"pactSpecification": {"version": "3.0.0"}},
           "interactions": [{"description": f"i{n}", "request": r, "response": {"status": 200}}
                            for n, r in enumerate(requests)]}
    return load_pact(doc).interactions


def _get(path: str = "/a", query: str = "", headers: list[tuple[str, str]] | None = None,
         method: str = "GET") -> Any:
    return request_from_http(method, path, query, headers or [], b"")


def test_full_match_beats_higher_scoring_partial() -> None:
    plain = {"method": "GET", "path": "/a"}
    many_headers = {"method": "GET", "path": "/a",
                    "headers": {"A": "1", "B": "2", "C": "3", "D": "4"}}
    interactions = _interactions(many_headers, plain)
    actual = _get(headers=[("A", "1"), ("B", "2"), ("C", "3"), ("D", "wrong")])
    # The partial one really does score higher: that is the reference's quirk we avoid.
    partial, full = (match_request(i.request, actual) for i in interactions if i.request)
    assert partial.score() > full.score() and full.all_matched
    selection = select_interaction(interactions, actual)
    assert selection.kind == "match" and selection.interaction is interactions[1]


def test_first_full_match_in_pact_order_wins_a_tie() -> None:
    interactions = _interactions({"method": "GET", "path": "/a"}, {"method": "GET", "path": "/a"})
    selection = select_interaction(interactions, _get())
    assert selection.interaction is interactions[0]


@pytest.mark.parametrize("headers", [
    pytest.param([("Authorization", "Bearer t")], id="authorization"),
    pytest.param([("Accept", "application/xml")], id="accept"),
])
def test_most_specific_full_match_wins(headers: list[tuple[str, str]]) -> None:
    # As the reference: both match fully, the one that also names the header scores higher.
    plain = {"method": "GET", "path": "/a"}
    specific = {"method": "GET", "path": "/a", "headers": dict(headers)}
    interactions = _interactions(plain, specific)
    selection = select_interaction(interactions, _get(headers=headers))
    assert selection.kind == "match" and selection.interaction is interactions[1]
    assert select_interaction(interactions, _get()).interaction is interactions[0]


def test_query_keys_count_towards_specificity_with_path_rules() -> None:
    ruled = {"method": "GET", "path": "/a/1", "matchingRules": {
        "path": {"matchers": [{"match": "regex", "regex": "/a/\\d+"}]}}}
    exact_with_query = {"method": "GET", "path": "/a/1", "query": {"q": ["1"]}}
    interactions = _interactions(ruled, exact_with_query, dict(ruled, query={"q": ["1"]},
                                                               headers={"H": "x"}))
    assert select_interaction(interactions, _get("/a/1", "q=1")).interaction is interactions[1]
    assert select_interaction(interactions, _get("/a/1", "q=1", [("H", "x")])).interaction \
        is interactions[2]
    assert select_interaction(interactions, _get("/a/2")).interaction is interactions[0]


def test_tie_goes_to_first() -> None:
    interactions = _interactions({"method": "GET", "path": "/a", "query": {"x": ["1"]}},
                                 {"method": "GET", "path": "/a", "query": {"x": ["2"]}})
    selection = select_interaction(interactions, _get(query="x=3"))
    assert selection.kind == "mismatch" and selection.interaction is interactions[0]
    assert [m.to_json()["mismatch"] for m in selection.mismatches] == [
        "Expected query parameter 'x' with value '1' but was '3'"]


def test_best_score_wins() -> None:
    interactions = _interactions({"method": "GET", "path": "/a", "headers": {"A": "1"}},
                                 {"method": "GET", "path": "/a", "headers": {"A": "1", "B": "2"}})
    actual = _get(query="q=1", headers=[("A", "1"), ("B", "2")])
    scores = [match_request(i.request, actual).score() for i in interactions if i.request]
    assert scores == [2, 3]
    selection = select_interaction(interactions, actual)
    assert selection.kind == "mismatch" and selection.interaction is interactions[1]


@pytest.mark.parametrize("actual", [
    pytest.param(_get(path="/b"), id="path"),
    pytest.param(_get(method="DELETE"), id="method"),
])
def test_method_or_path_mismatch_is_not_found(actual: Any) -> None:
    interactions = _interactions({"method": "GET", "path": "/a"})
    selection = select_interaction(interactions, actual)
    assert (selection.kind, selection.interaction, selection.mismatches) == ("not-found", None, [])


def test_other_method_can_still_be_best_so_not_found() -> None:
    # A POST with many matching headers outscores a GET whose path differs: not found.
    interactions = _interactions(
        {"method": "GET", "path": "/x"},
        {"method": "POST", "path": "/a", "headers": {"A": "1", "B": "2", "C": "3"}})
    selection = select_interaction(interactions, _get(headers=[("A", "1"), ("B", "2"),
                                                               ("C", "3")]))
    assert selection.kind == "not-found"


def test_messages_and_empty_pacts_are_not_found() -> None:
    assert select_interaction([], _get()).kind == "not-found"
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"},
           "metadata": {"pactSpecification": {"version": "4.0"}},
           "interactions": [{"type": "Asynchronous/Messages", "description": "m"}]}
    assert select_interaction(load_pact(doc).interactions, _get()).kind == "not-found"


def test_method_is_case_insensitive() -> None:
    interactions = _interactions({"method": "get", "path": "/a"})
    assert select_interaction(interactions, _get(method="GET")).kind == "match"


def test_selection_matches_brute_force() -> None:
    """The per-method index gives the same answer as scoring every interaction."""
    requests = [{"method": m, "path": p, "query": {"q": [v]}, "headers": {"H": h}}
                for m in ("GET", "POST") for p in ("/a", "/b") for v in ("1", "2")
                for h in ("x", "y")]
    interactions = _interactions(*requests)
    for method in ("GET", "POST", "PUT"):
        for path in ("/a", "/b", "/c"):
            for q in ("q=1", "q=3", ""):
                for h in ("x", "z"):
                    actual = _get(path, q, [("H", h)], method)
                    results = [match_request(i.request, actual) for i in interactions
                               if i.request]
                    full = [n for n, r in enumerate(results) if r.all_matched]
                    if full:
                        top = max(full, key=lambda n: (results[n].score(), -n))
                        want: tuple[str, Any] = ("match", interactions[top])
                    else:
                        scores = [r.score() for r in results]
                        best = scores.index(max(scores))
                        r = results[best]
                        want = ("not-found", None) if not (r.method_matched and r.path_matched) \
                            else ("mismatch", interactions[best])
                    got = select_interaction(interactions, actual)
                    assert (got.kind, got.interaction) == want, (method, path, q, h)
