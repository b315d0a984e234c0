"""request_from_http (what the listener parsed -> the actual request) and request_to_json."""

from __future__ import annotations

from typing import Any

import pytest

from pactpool_worker.pact import BodyState, load_request, request_from_http, request_to_json


@pytest.mark.parametrize(("query_string", "expected"), [
    ("", None),
    ("a=1", {"a": ["1"]}),
    ("a=1&a=2&b=3", {"a": ["1", "2"], "b": ["3"]}),
    ("q=a+b%20c", {"q": ["a b c"]}),
    ("flag", {"flag": [None]}),
    ("x=%3D%26&&y=", {"x": ["=&"], "y": [""]}),
    ("n%C3%A4me=v", {"näme": ["v"]}),
])
def test_query_decoding(query_string: str, expected: dict[str, Any] | None) -> None:
    assert request_from_http("GET", "/", query_string, [], b"").query == expected


@pytest.mark.parametrize(("headers", "expected"), [
    ([("Accept", "a/b, c/d")], {"accept": ["a/b", "c/d"]}),
    ([("X-List", "1, 2")], {"x-list": ["1, 2"]}),
    ([("Cache-Control", "no-cache,no-store")], {"cache-control": ["no-cache", "no-store"]}),
    ([("Vary", "a"), ("VARY", "b")], {"vary": ["a", "b"]}),
    ([("Date", "Tue, 01 Jan 2030 00:00:00 GMT")], {"date": ["Tue, 01 Jan 2030 00:00:00 GMT"]}),
    ([], None),
])
def test_header_names_lowered_and_lists_split(headers: list[tuple[str, str]],
                                              expected: dict[str, list[str]] | None) -> None:
    assert request_from_http("GET", "/", "", headers, b"").headers == expected


def test_path_is_raw_and_method_upper() -> None:
    req = request_from_http("get", "/a%20b/c", "", [], b"")
    assert (req.method, req.path) == ("GET", "/a%20b/c")


@pytest.mark.parametrize(("headers", "body", "state", "content_type"), [
    ([], b"", BodyState.EMPTY, None),
    ([], b'{"a": 1}', BodyState.PRESENT, "application/json"),
    ([], b"[1]", BodyState.PRESENT, "application/json"),
    ([], b"<?xml version='1.0'?><a/>", BodyState.PRESENT, "application/xml"),
    ([], b"<a/>", BodyState.PRESENT, "application/xml"),
    ([], b"hello", BodyState.PRESENT, "text/plain"),
    ([], b"{broken", BodyState.PRESENT, "text/plain"),
    ([("Content-Type", "text/csv")], b"a,b", BodyState.PRESENT, "text/csv"),
])
def test_body_state_and_content_type(headers: list[tuple[str, str]], body: bytes,
                                     state: BodyState, content_type: str | None) -> None:
    req = request_from_http("POST", "/", "", headers, body)
    assert (req.body.state, req.body.content, req.body.content_type) == (state, body, content_type)


@pytest.mark.parametrize(("headers", "body", "json_body"), [
    ([("Content-Type", "application/json")], b'{"a":[1,2]}', {"a": [1, 2]}),
    ([("Content-Type", "application/hal+json")], b'{"a":1}', {"a": 1}),
    ([("Content-Type", "text/plain")], b'{"a":1}', '{"a":1}'),
    ([("Content-Type", "application/octet-stream")], b"\xff\x00", "/wA="),
    ([], b"", ""),
])
def test_request_to_json_body(headers: list[tuple[str, str]], body: bytes, json_body: Any) -> None:
    assert request_to_json(request_from_http("POST", "/", "", headers, body))["body"] == json_body


def test_request_to_json_shape() -> None:
    req = request_from_http("get", "/p", "b=2&a=1&a=%20&f",
                            [("Accept", "x/y, z/w"), ("Host", "h:1")], b"")
    out = request_to_json(req)
    assert out == {
        "method": "GET", "path": "/p",
        "query": {"a": ["1", " "], "b": ["2"], "f": [None]},
        "headers": {"accept": "x/y, z/w", "host": "h:1"},
        "body": "",
    }
    assert list(out["query"]) == ["a", "b", "f"]


def test_request_to_json_missing_body_and_rules() -> None:
    req = load_request({"method": "GET", "path": "/",
                        "matchingRules": {"$.body.a": {"match": "type"}},
                        "generators": {"body": {"$.a": {"type": "Uuid"}}}}, "2.0.0")
    out = request_to_json(req)
    assert "body" not in out
    assert out["matchingRules"] == {"body": {"$.a": {"matchers": [{"match": "type"}],
                                                     "combine": "AND"}}}
    assert out["generators"] == {"body": {"$.a": {"type": "Uuid"}}}
