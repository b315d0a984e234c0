"""Property: whatever pact and request hypothesis draws, the loader and the matcher return a
result or raise the typed error, and each call returns within a hang-detector bound."""

from __future__ import annotations

import json
import time
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from pactpool_worker.errors import PactLoadError
from pactpool_worker.matching import InteractionIndex
from pactpool_worker.pact import load_pact, request_from_http

HANG = 2.0
"""Seconds: a hang detector, not a speed bound (calls take microseconds to milliseconds)."""

PATTERNS = st.sampled_from([r"(a+)+$", r"(a|aa)+$", r"(x+x+)+y", r"^(([a-z])+.)+[A-Z]([a-z])+$",
                            r"(?=a)(a+)+$", r"(\w+\s?)+$", r"\d+", r"[a-z]+@[a-z]+\.com",
                            r"(unclosed", r"a{1001}", r"(a*)*b", r"\p{L}+", r"[[:alpha:]]+"])
TEXT = st.text(alphabet=st.sampled_from("a!x1 é\ud800/"), max_size=60)
VALUES = st.recursive(st.none() | st.booleans() | st.integers() | TEXT,
                      lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(TEXT, inner, max_size=4), max_leaves=12)


@st.composite
def pacts(draw: Any) -> Any:
    pattern = draw(PATTERNS)
    rule = {"matchers": [{"match": "regex", "regex": pattern}]}
    request: dict[str, Any] = {"method": "GET", "path": "/" + draw(TEXT),
                               "headers": {"X": draw(TEXT)}, "query": {"q": [draw(TEXT)]},
                               "body": draw(VALUES)}
    request["matchingRules"] = draw(st.sampled_from([
        {"path": {"matchers": [{"match": "regex", "regex": "/" + pattern}]}},
        {"header": {"X": rule}}, {"query": {"q": rule}}, {"body": {"$": rule}}]))
    status = draw(st.sampled_from([200, 100, 199, 599, 600, -1, "204", None]))
    doc: Any = {"consumer": {"name": "c"}, "provider": {"name": "p"},
                "interactions": [{"description": draw(TEXT), "request": request,
                                  "response": {"status": status}}],
                "metadata": {"pactSpecification": {"version": "3.0.0"}}}
    form = draw(st.sampled_from(["dict", "bytes", "garbage"]))
    if form == "garbage":
        return draw(st.binary(max_size=80))
    if form == "bytes":
        return json.dumps(doc).encode("utf-8", "surrogatepass")
    return doc


def _timed(call: Any) -> Any:
    start = time.monotonic()
    try:
        return call()
    finally:
        assert time.monotonic() - start < HANG, "a call took longer than the hang bound"


@seed(15)
@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(pact=pacts(), path=TEXT, header=TEXT, query=TEXT, body=st.binary(max_size=80))
def test_loader_and_matcher_return_or_raise_the_typed_error(pact: Any, path: str, header: str,
                                                            query: str, body: bytes) -> None:
    try:
        loaded = _timed(lambda: load_pact(pact))
    except PactLoadError:
        return
    index = InteractionIndex(loaded.interactions)
    for value in ("a" * 49 + "!", path):
        actual = request_from_http("GET", "/" + value, "q=" + (query or value),
                                   [("x", header or value),
                                    ("content-type", "application/json")], body)
        selection = _timed(lambda a=actual: index.select(a, lowered_headers=True))
        assert selection.kind in ("match", "mismatch", "not-found")
        for diff in selection.mismatches:
            assert len(str(diff.to_json())) < 8000
