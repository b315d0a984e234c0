"""Interop with software nobody here wrote: pact-python (its consumer API and the Rust FFI it
ships). Pacts cross in both directions and pactpool's mismatch JSON feeds its classes.

pact-python is in the `test` extra; where it cannot be imported these tests are skipped with
the reason printed.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from support import simple_pact

import pactpool

pact_python = pytest.importorskip("pact", reason="pact-python is not installed (pip install "
                                  "'pactpool[interop]')")
pact_ffi = pytest.importorskip("pact_ffi", reason="pact-python-ffi is not installed")

from pact import Pact, match  # noqa: E402
from pact.error import (  # noqa: E402
    BodyMismatch,
    BodyTypeMismatch,
    HeaderMismatch,
    Mismatch,
    MismatchesError,
    MissingRequest,
    QueryMismatch,
    RequestMismatch,
    RequestNotFound,
)


def written_by_pact_python(directory: Path, spec: str) -> Path:
    """A pact written by pact-python's consumer API, with V3 matchers and a provider state."""
    pact = Pact("pp-consumer", "pp-provider").with_specification(spec)
    (pact.upon_receiving("get user 42")
        .given("user 42 exists")
        .with_request("GET", "/users/42")
        .with_header("Accept", "application/json")
        .will_respond_with(200)
        .with_body({"id": match.int(42), "name": match.str("Alan"),
                    "email": match.regex("alan@example.com", regex=r".+@.+")},
                   content_type="application/json"))
    (pact.upon_receiving("create user")
        .with_request("POST", "/users")
        .with_query_parameter("dry", "1")
        .with_body({"name": match.like("Ada"), "age": match.int(36)},
                   content_type="application/json")
        .will_respond_with(201)
        .with_body({"id": match.int(7)}, content_type="application/json"))
    pact.write_file(directory, overwrite=True)
    return directory / "pp-consumer-pp-provider.json"


@pytest.mark.parametrize("spec", ["V2", "V3", "V4"])
def test_pactpool_serves_a_pact_written_by_pact_python(tmp_path: Path, spec: str) -> None:
    path = written_by_pact_python(tmp_path, spec)
    assert json.loads(path.read_text())["metadata"]["pactRust"]  # really written by the FFI
    with pactpool.MockServer(path) as server:
        got = httpx.get(server.url + "/users/42", headers={"Accept": "application/json"})
        assert got.status_code == 200
        assert got.json() == {"id": 42, "name": "Alan", "email": "alan@example.com"}
        made = httpx.post(server.url + "/users?dry=1", json={"name": "Grace", "age": 85})
        assert made.status_code == 201 and made.json() == {"id": 7}
        server.assert_matched()
        # and a request that breaks a pact-python matcher is caught
        wrong = httpx.post(server.url + "/users?dry=1", json={"name": "Grace", "age": "old"})
        assert wrong.status_code == 500
        [record] = server.mismatches()
        assert record.type == "request-mismatch" and record.details[0]["path"] == "$.age"


def _ffi_interactions(text: str) -> list[str]:
    """Load pact JSON with the Rust FFI's model parser; the descriptions of its interactions."""
    lib, ffi = pact_ffi.lib, pact_ffi.ffi
    pointer = lib.pactffi_parse_pact_json(text.encode())
    if pointer == ffi.NULL:
        raise AssertionError(f"pact_ffi refused the pact: {pact_ffi.get_error_message()}")
    try:
        iterator = pact_ffi.PactInteractionIterator(
            lib.pactffi_pact_model_interaction_iterator(pointer))
        return [pact_ffi.sync_http_get_description(i.as_synchronous_http()) for i in iterator]
    finally:
        lib.pactffi_pact_model_delete(pointer)


def test_the_ffi_parser_refuses_garbage() -> None:
    with pytest.raises(AssertionError, match="refused"):
        _ffi_interactions('{"consumer": ')


@pytest.mark.parametrize("version", ["1.1.0", "2.0.0", "3.0.0", "4.0"])
def test_pact_ffi_loads_a_pact_written_by_pactpool(tmp_path: Path, version: str) -> None:
    interactions: list[dict[str, Any]] = [
        {"description": "get item", "providerState": "an item exists",
         "request": {"method": "GET", "path": "/items/1", "query": "full=yes",
                     "headers": {"Accept": "application/json"}},
         "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                      "body": {"id": 1, "tags": ["a"]}}},
        {"description": "add item",
         "request": {"method": "POST", "path": "/items",
                     "headers": {"Content-Type": "application/json"}, "body": {"name": "x"}},
         "response": {"status": 201}},
    ]
    if version >= "2":
        interactions[0]["response"]["matchingRules"] = (
            {"$.body.id": {"match": "type"}} if version.startswith("2") else
            {"body": {"$.id": {"matchers": [{"match": "integer"}]}}})
    if version == "4.0":
        for item in interactions:
            item["type"] = "Synchronous/HTTP"
            item["providerStates"] = [{"name": item.pop("providerState", "none")}]
            item["request"]["query"] = {"full": ["yes"]} if "query" in item["request"] else {}
    with pactpool.MockServer(simple_pact(*interactions, version=version)) as server:
        httpx.get(server.url + "/items/1?full=yes", headers={"Accept": "application/json"})
        httpx.post(server.url + "/items", json={"name": "x"})
        server.assert_matched()
        path = Path(server.write_pact(tmp_path))
    assert sorted(_ffi_interactions(path.read_text())) == ["add item", "get item"]


def _pactpool_mismatches() -> list[dict[str, Any]]:
    """Mismatch JSON of every kind pactpool emits for HTTP traffic."""
    pact = simple_pact(
        {"description": "search", "request": {"method": "GET", "path": "/search",
                                              "query": "q=lamp"},
         "response": {"status": 200}},
        {"description": "secured", "request": {"method": "GET", "path": "/secure",
                                               "headers": {"X-Token": "abc"}},
         "response": {"status": 200}},
        {"description": "json body", "request": {"method": "POST", "path": "/things",
                                                 "headers": {"Content-Type": "application/json"},
                                                 "body": {"n": 1}},
         "response": {"status": 201}},
        {"description": "typed body", "request": {"method": "PUT", "path": "/things",
                                                  "headers": {"Content-Type": "application/json"},
                                                  "body": {"n": 1}},
         "response": {"status": 200}},
        {"description": "never called", "request": {"method": "GET", "path": "/never"},
         "response": {"status": 200}},
    )
    with pactpool.MockServer(pact) as server:
        httpx.get(server.url + "/search?q=chair")
        httpx.get(server.url + "/secure", headers={"X-Token": "xyz"})
        httpx.post(server.url + "/things", json={"n": 2})
        httpx.put(server.url + "/things", content=b"n=1",
                  headers={"Content-Type": "text/plain"})
        httpx.delete(server.url + "/unknown")
        text = pactpool.mock_server_mismatches(server.port)
    assert text is not None
    entries: list[dict[str, Any]] = orjson.loads(text)
    return entries


def test_pactpool_mismatch_json_parses_with_pact_python_classes() -> None:
    entries = _pactpool_mismatches()
    parsed = [Mismatch.from_dict(copy.deepcopy(e)) for e in entries]
    assert [type(p) for p in parsed] == [RequestMismatch, RequestMismatch, RequestMismatch,
                                         RequestMismatch, RequestNotFound, MissingRequest]
    inner = [m for p in parsed if isinstance(p, RequestMismatch) for m in p.mismatches]
    kinds = {type(m) for m in inner}
    assert {QueryMismatch, HeaderMismatch, BodyMismatch, BodyTypeMismatch} <= kinds
    query = next(m for m in inner if isinstance(m, QueryMismatch))
    assert (query.parameter, query.expected, query.actual) == ("q", "lamp", "chair")
    header = next(m for m in inner if isinstance(m, HeaderMismatch))
    assert (header.key, header.expected, header.actual) == ("X-Token", "abc", "xyz")
    body = next(m for m in inner if isinstance(m, BodyMismatch))
    assert body.path == "$.n"
    missing = next(p for p in parsed if isinstance(p, MissingRequest))
    assert (missing.method, missing.path) == ("GET", "/never")
    unexpected = next(p for p in parsed if isinstance(p, RequestNotFound))
    assert (unexpected.method, unexpected.path) == ("DELETE", "/unknown")
    # pact-python's own error, built from pactpool's JSON, reads every entry
    report = str(MismatchesError(*copy.deepcopy(entries)))
    assert report.count("\n  (") == len(entries) and "Generic mismatch" not in report
