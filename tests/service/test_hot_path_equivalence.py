"""The request path's shortcuts give exactly what the long way gives.

Selection proves plain full matches by equality, a response's head is rendered once, log
lines are formatted when read, responses are built on first match and only interactions
sharing a route are serialised to group them. Each shortcut is checked against the long way.
"""

from __future__ import annotations

import itertools
import random
import re
from typing import Any

import orjson
import pytest
from support import most_specific_full_match

from pactpool_worker.http.wire import HttpRequest, HttpResponse, prepare, render
from pactpool_worker.matching import InteractionIndex, match_request
from pactpool_worker.pact import Interaction, Request, load_pact, request_from_http
from pactpool_worker.pact.parts import parse_query_string
from pactpool_worker.pact.request_json import request_to_json
from pactpool_worker.service.logbook import Logbook
from pactpool_worker.service.mock import MockOptions, MockService
from pactpool_worker.service.record import Recorder

HEADER_VALUES = ["x", " x", "x, y", "application/json", "application/json; charset=utf-8", ""]


def _pact(interactions: list[dict[str, Any]]) -> list[Interaction]:
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"},
           "metadata": {"pactSpecification": {"version": "3.0.0"}},
           "interactions": interactions}
    return load_pact(doc).interactions


def _plain_interaction(rng: random.Random) -> dict[str, Any]:
    """Mostly rule-free, bodiless requests: the ones the equality proof covers."""
    request: dict[str, Any] = {"method": rng.choice(["GET", "get", "POST"]),
                               "path": rng.choice(["/a", "/b"])}
    if rng.random() < 0.7:
        request["query"] = {k: [rng.choice(["1", "", "a b"]) for _ in range(rng.randint(1, 2))]
                            for k in rng.sample(["p", "q"], rng.randint(1, 2))}
    if rng.random() < 0.7:
        request["headers"] = {k: rng.choice(HEADER_VALUES)
                              for k in rng.sample(["Accept", "X-A", "Content-Type", "x-a"],
                                                  rng.randint(1, 3))}
    if rng.random() < 0.15:
        request["matchingRules"] = {"header": {"X-A": {"matchers": [{"match": "regex",
                                                                     "regex": "x.*"}]}}}
    if rng.random() < 0.1:
        request["body"] = {"n": 1}
    return {"description": "x", "request": request, "response": {"status": 200}}


def _actual(rng: random.Random) -> Request:
    query = "&".join(f"{k}={rng.choice(['1', '', 'a+b', 'a%20b'])}"
                     for k in rng.sample(["p", "q", "p"], rng.randint(0, 3)))
    headers = [(k, rng.choice(HEADER_VALUES))
               for k in rng.sample(["Accept", "X-A", "Content-Type", "x-a"], rng.randint(0, 3))]
    return request_from_http(rng.choice(["GET", "POST"]), rng.choice(["/a", "/b"]), query,
                             headers, b"")


def _near(rng: random.Random, interaction: Interaction) -> Request:
    """An actual request made from an expected one, so that many of them match."""
    expected = interaction.request
    assert expected is not None
    query = "&".join(f"{k}={(v or '').replace(' ', rng.choice(['+', '%20']))}"
                     for k, values in (expected.query or {}).items() for v in values)
    headers = [(k.lower() if rng.random() < 0.5 else k, ", ".join(values))
               for k, values in (expected.headers or {}).items()]
    return request_from_http(expected.method, expected.path, query, headers, b"")


def _brute_force(interactions: list[Interaction], actual: Request) -> tuple[str, int | None]:
    """The most specific full match (the highest score, ties to the first), else none."""
    index = most_specific_full_match(interactions, actual)
    return ("match", index) if index is not None else ("other", None)


@pytest.mark.parametrize("seed", range(60))
def test_proved_matches_are_the_matchers_full_matches(seed: int) -> None:
    rng = random.Random(seed)
    interactions = _pact([_plain_interaction(rng) for _ in range(rng.randint(1, 6))])
    index = InteractionIndex(interactions)
    for _ in range(40):
        actual = _actual(rng) if rng.random() < 0.5 else _near(rng, rng.choice(interactions))
        for lowered in (False, True):
            selection = index.select(actual, lowered_headers=lowered)
            chosen = selection.interaction.index if selection.kind == "match" and \
                selection.interaction else None
            assert ("match" if chosen is not None else "other", chosen) == \
                _brute_force(interactions, actual)
            if selection.kind == "match":
                assert selection.interaction is not None and selection.interaction.request
                full = match_request(selection.interaction.request, actual)
                assert selection.result == full


def test_a_header_name_in_two_cases_is_left_to_the_matcher() -> None:
    interactions = _pact([{"description": "x", "request": {
        "method": "GET", "path": "/a", "headers": {"X-A": "1"}}, "response": {}}])
    # Not lower-cased by request_from_http: the matcher looks at the last 'x-a' it finds.
    actual = Request("GET", "/a", headers={"x-a": ["1"], "X-A": ["2"]})
    assert InteractionIndex(interactions).select(actual, lowered_headers=False).kind != "match"


@pytest.mark.parametrize("query", ["a=1&a=2&flag&b=x+y", "a=%41&&=v&x=", "p=1&q=&p", "", "&",
                                   "a=b=c", "%zz=1", "+=+"])
def test_plain_query_parsing_equals_the_decoding_one(query: str) -> None:
    from urllib.parse import unquote_plus
    expected: dict[str, list[str | None]] = {}
    for part in query.split("&"):
        if part:
            name, eq, value = part.partition("=")
            expected.setdefault(unquote_plus(name), []).append(unquote_plus(value) if eq else None)
    assert parse_query_string(query) == expected


STATUSES = [200, 201, 204, 304, 101, 404, 599]
HEADER_SETS = [[], [("Content-Type", "text/plain")], [("Connection", "Close"), ("X-A", "1")],
               [("Content-Length", "9"), ("X-B", "2"), ("transfer-encoding", "chunked")]]


@pytest.mark.parametrize(("status", "headers"), list(itertools.product(STATUSES, HEADER_SETS)))
def test_a_prepared_response_renders_as_the_unprepared_one(
        status: int, headers: list[tuple[str, str]]) -> None:
    for body in (b"", b"abc"):
        plain = HttpResponse(status, list(headers), body)
        prepared = prepare(HttpResponse(status, list(headers), body))
        for flags in itertools.product((True, False), repeat=3):
            assert render(prepared, *flags) == render(plain, *flags)


def test_an_unrenderable_status_fails_when_prepared_as_when_rendered() -> None:
    with pytest.raises(ValueError):
        prepare(HttpResponse(1000, [], b""))
    with pytest.raises(ValueError):
        render(HttpResponse(1000, [], b""), True, False, False)


def test_log_text_is_formatted_when_read_and_unchanged() -> None:
    log = Logbook("info", capacity=3)
    log.note("info", "{} {} matched '{}'", "GET", "/a{b}", "it's {x}")
    log.log("warn", "text with {braces} kept as is")
    log.note("debug", "{}", "not kept")
    log.note("error", "{} and {}", 1, None)
    lines = log.text().splitlines()
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"
    assert [re.sub(stamp, "T", line) for line in lines] == [
        "T INFO  GET /a{b} matched 'it's {x}'",
        "T WARN  text with {braces} kept as is",
        "T ERROR 1 and None",
    ]
    log.log("info", "fourth")
    assert log.text().splitlines()[0] == "(1 older lines dropped)"


def _old_groups(interactions: list[Interaction]) -> list[int]:
    groups: dict[bytes, int] = {}
    out = []
    for interaction in interactions:
        assert interaction.request is not None
        key = orjson.dumps(request_to_json(interaction.request), option=orjson.OPT_SORT_KEYS)
        out.append(groups.setdefault(key, len(groups)))
    return out


def test_recorder_groups_identical_requests_as_serialising_all_of_them_does() -> None:
    rng = random.Random(7)
    for _ in range(30):
        interactions = _pact([_plain_interaction(rng) for _ in range(rng.randint(1, 10))])
        recorder = Recorder(interactions)
        old = _old_groups(interactions)
        new = [recorder._group_of[i.index] for i in interactions]
        # The same partition, numbered 0 .. n - 1.
        assert {(a, b) for a, b in zip(old, new, strict=True)} == {
            (a, new[old.index(a)]) for a in old}
        assert sorted(set(new)) == list(range(len(set(old))))
        assert recorder.status()["uncovered"] == len(set(old))


def test_responses_are_built_on_first_match_and_answer_the_same() -> None:
    pact = load_pact({
        "consumer": {"name": "c"}, "provider": {"name": "p"},
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
        "interactions": [{"description": "a", "request": {"method": "GET", "path": "/a"},
                          "response": {"status": 200, "headers": {"X-A": ["1", "2"]},
                                       "body": {"id": 1}}}]})
    service = MockService(pact, MockOptions(), Logbook())
    assert service._responses == {}
    request = HttpRequest("GET", "/a", "", [], b"", "1.1", None)
    first, second = service.handle(request), service.handle(request)
    assert second is first and first.prepared is not None
    with_origin = service.handle(HttpRequest("GET", "/a", "", [("origin", "http://o")], b"",
                                             "1.1", None))
    assert with_origin.prepared is None
    assert with_origin.headers[0] == ("Access-Control-Allow-Origin", "http://o")
    assert with_origin.headers[1:] == first.headers[1:]
    assert first.headers[0] == ("Access-Control-Allow-Origin", "*")
    assert first.headers[-1] == ("X-A", "1, 2")
    assert orjson.loads(first.body) == {"id": 1}
    assert render(first, True, False, False) == render(
        HttpResponse(first.status, first.headers, first.body), True, False, False)
    assert service.recorder.status()["matches"] == 3
