"""The typed mismatch records: each entry and each inner diff survives JSON both ways, in the
reference's shape, so the worker, the controller and the report read one contract."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from pactpool_worker.matching import (
    BodyDiff,
    BodyTypeDiff,
    Diff,
    HeaderDiff,
    MetadataDiff,
    MethodDiff,
    PathDiff,
    QueryDiff,
    StatusDiff,
    diff_from_json,
)
from pactpool_worker.records import (
    Entry,
    MismatchEntry,
    MissingEntry,
    NotFoundEntry,
    RequestErrorEntry,
    ServerFailedEntry,
    entry_from_json,
)

DIFFS: list[tuple[Diff, dict[str, Any]]] = [
    (MethodDiff("GET", "POST", "Expected GET but was POST"),
     {"type": "MethodMismatch", "expected": "GET", "actual": "POST",
      "mismatch": "Expected GET but was POST"}),
    (PathDiff("/a", "/b", "Expected '/a' but was '/b'"),
     {"type": "PathMismatch", "expected": "/a", "actual": "/b",
      "mismatch": "Expected '/a' but was '/b'"}),
    (StatusDiff(200, 500, "expected 200 but was 500"),
     {"type": "StatusMismatch", "expected": 200, "actual": 500,
      "mismatch": "expected 200 but was 500"}),
    (QueryDiff("q", "1", "2", "Expected query parameter 'q' with value '1' but was '2'"),
     {"type": "QueryMismatch", "parameter": "q", "expected": "1", "actual": "2",
      "mismatch": "Expected query parameter 'q' with value '1' but was '2'"}),
    (HeaderDiff("X", "a", "", "Expected a header 'X' but was missing"),
     {"type": "HeaderMismatch", "key": "X", "expected": "a", "actual": "",
      "mismatch": "Expected a header 'X' but was missing"}),
    (BodyTypeDiff("application/json", "text/plain", "Expected a body of 'application/json'",
                  "{}", None),
     {"type": "BodyTypeMismatch", "expected": "application/json", "actual": "text/plain",
      "mismatch": "Expected a body of 'application/json'", "expectedBody": "{}",
      "actualBody": None}),
    (BodyDiff("$.a", "1", "2", "Expected 1 but received 2"),
     {"type": "BodyMismatch", "path": "$.a", "expected": "1", "actual": "2",
      "mismatch": "Expected 1 but received 2"}),
    (MetadataDiff("k", "v", "w", "Expected 'v' but was 'w'"),
     {"type": "MetadataMismatch", "key": "k", "expected": "v", "actual": "w",
      "mismatch": "Expected 'v' but was 'w'"}),
]

REQUEST = {"method": "GET", "path": "/x", "query": {"q": ["1"]}}
ENTRIES: list[tuple[Entry, dict[str, Any]]] = [
    (NotFoundEntry("GET", "/x", REQUEST),
     {"type": "request-not-found", "method": "GET", "path": "/x", "request": REQUEST}),
    (MissingEntry("GET", "/x", REQUEST),
     {"type": "missing-request", "method": "GET", "path": "/x", "request": REQUEST}),
    (MismatchEntry("GET", "/x", tuple(d for d, _ in DIFFS[:2])),
     {"type": "request-mismatch", "method": "GET", "path": "/x",
      "mismatches": [j for _, j in DIFFS[:2]]}),
    (RequestErrorEntry(None, None, "400 Bad Request: invalid method"),
     {"type": "request-error", "method": None, "path": None,
      "error": "400 Bad Request: invalid method"}),
    (ServerFailedEntry("the mock server process (pid 7) died", -9),
     {"type": "mock-server-failed", "error": "the mock server process (pid 7) died",
      "exitStatus": -9}),
]


@pytest.mark.parametrize(("diff", "expected"), DIFFS, ids=lambda v: type(v).__name__)
def test_each_inner_diff_has_the_references_json_and_reads_back(diff: Diff,
                                                                expected: dict[str, Any]) -> None:
    assert diff.to_json() == expected
    assert diff_from_json(expected) == diff


@pytest.mark.parametrize(("entry", "expected"), ENTRIES, ids=lambda v: type(v).__name__)
def test_each_entry_has_its_json_shape_and_reads_back(entry: Entry,
                                                      expected: dict[str, Any]) -> None:
    assert entry.to_json() == expected
    assert entry_from_json(expected) == entry
    # byte for byte, as the controller sends it (keys sorted)
    assert orjson.dumps(entry.to_json(), option=orjson.OPT_SORT_KEYS) == \
        orjson.dumps(expected, option=orjson.OPT_SORT_KEYS)


def test_unknown_kinds_are_value_errors_naming_the_type() -> None:
    with pytest.raises(ValueError, match="'surprise'"):
        entry_from_json({"type": "surprise"})
    with pytest.raises(ValueError, match="'WeirdMismatch'"):
        diff_from_json({"type": "WeirdMismatch"})


def test_the_report_reads_typed_entries() -> None:
    from pactpool.report import MismatchRecord, format_report

    records = [MismatchRecord.from_json(json) for _, json in ENTRIES]
    assert [type(r.entry) for r in records] == [type(e) for e, _ in ENTRIES]
    report = format_report("http://127.0.0.1:1", records)
    assert "unexpected: GET /x?q=1 matches no interaction" in report
    assert "missing: GET /x was expected but never received" in report
    assert "  - PathMismatch: Expected '/a' but was '/b' (expected /a, actual /b)" in report
    assert "failed: the mock server process (pid 7) died (exit status -9)" in report


def test_the_recorders_json_text_is_its_record_serialised_whatever_the_reading_order() -> None:
    from pactpool_worker.http.wire import HttpRequest
    from pactpool_worker.pact import load_pact
    from pactpool_worker.service.logbook import Logbook
    from pactpool_worker.service.mock import MockOptions, MockService

    pact = load_pact({
        "consumer": {"name": "c"}, "provider": {"name": "p"},
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
        "interactions": [
            {"description": f"i{n}", "request": {"method": "POST", "path": f"/{n}",
                                                 "body": {"n": n, "z": "é"}},
             "response": {"status": 200}} for n in range(4)]})
    service = MockService(pact, MockOptions(), Logbook())
    recorder = service.recorder
    requests = [HttpRequest("POST", "/0", "", [("Content-Type", "application/json")],
                            b'{"n": "x", "z": 1}', "1.1", None),
                HttpRequest("GET", "/nowhere", "a=1", [], b"", "1.1", None),
                HttpRequest("POST", "/1", "", [("Content-Type", "application/json")],
                            b'{"n": 1, "z": "\\u00e9"}', "1.1", None),
                HttpRequest("POST", "/2", "", [("Content-Type", "text/plain")], b"plain",
                            "1.1", None)]
    for request in requests:  # read between requests: the cache must extend, not go stale
        assert recorder.mismatch_json() == orjson.dumps(recorder.mismatches(),
                                                        option=orjson.OPT_SORT_KEYS)
        service.handle(request)
    text = recorder.mismatch_json()
    assert text == orjson.dumps(recorder.mismatches(), option=orjson.OPT_SORT_KEYS)
    kinds = [entry["type"] for entry in orjson.loads(text)]
    assert kinds == ["request-mismatch", "request-not-found", "request-mismatch",
                     "missing-request"]

