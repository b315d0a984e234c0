"""Mismatch JSON shapes and texts, byte-compatible with the reference where it matters."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from pactpool_worker.matching import match_request, match_response
from pactpool_worker.pact import load_request, load_response, request_from_http


def _req(**fields: Any) -> Any:
    return load_request({"method": "POST", "path": "/path", **fields}, "3.0.0")


def _json_mismatches(expected: Any, actual: Any) -> list[dict[str, Any]]:
    return [m.to_json() for m in match_request(expected, actual).mismatches]


def test_reference_example_body_mismatch_is_byte_identical() -> None:
    expected = _req(headers={"Content-Type": "application/json"}, body={"foo": "bar"})
    actual = request_from_http("POST", "/path", "", [("Content-Type", "application/json")],
                               b'{"foo":"no-very-bar"}')
    out = orjson.dumps(_json_mismatches(expected, actual), option=orjson.OPT_SORT_KEYS)
    assert out == (b'[{"actual":"\\"no-very-bar\\"","expected":"\\"bar\\"","mismatch":'
                   b'"Expected \'no-very-bar\' (String) to be equal to \'bar\' (String)",'
                   b'"path":"$.foo","type":"BodyMismatch"}]')


QUERY_CASES = [
    ("a=1", "a=2", {"type": "QueryMismatch", "parameter": "a", "expected": "1", "actual": "2",
                    "mismatch": "Expected query parameter 'a' with value '1' but was '2'"}),
    ("a=1", "", {"type": "QueryMismatch", "parameter": "a", "expected": '["1"]', "actual": "",
                 "mismatch": "Expected query parameter 'a' but was missing"}),
    ("a=1", "a=1&b=2", {"type": "QueryMismatch", "parameter": "b", "expected": "",
                        "actual": '["2"]', "mismatch": "Unexpected query parameter 'b' received"}),
    ("a=1&a=2", "a=1", {"type": "QueryMismatch", "parameter": "a", "expected": '["1", "2"]',
                        "actual": '["1"]', "mismatch":
                        "Expected query parameter 'a' with 2 value(s) but received 1 value(s)"}),
]


@pytest.mark.parametrize(("expected_q", "actual_q", "mismatch"), QUERY_CASES)
def test_query_mismatch(expected_q: str, actual_q: str, mismatch: dict[str, Any]) -> None:
    found = _json_mismatches(_req(query=expected_q), request_from_http("POST", "/path", actual_q,
                                                                       [], b""))
    assert mismatch in found


HEADER_CASES = [
    ({"X": "a"}, [], {"type": "HeaderMismatch", "key": "X", "expected": '"a"', "actual": "",
                      "mismatch": "Expected a header 'X' but was missing"}),
    ({"X": "a"}, [("x", "b")], {"type": "HeaderMismatch", "key": "X", "expected": "a",
                                "actual": "b", "mismatch":
                                "Mismatch with header 'X': Expected 'b' to be equal to 'a'"}),
    ({"Content-Type": "application/json"}, [("content-type", "text/plain")],
     {"type": "HeaderMismatch", "key": "Content-Type", "expected": "application/json",
      "actual": "text/plain", "mismatch": "Mismatch with header 'Content-Type': Expected header "
      "'Content-Type' to have value 'application/json' but was 'text/plain'"}),
]


@pytest.mark.parametrize(("expected_h", "actual_h", "mismatch"), HEADER_CASES)
def test_header_mismatch(expected_h: dict[str, str], actual_h: list[tuple[str, str]],
                         mismatch: dict[str, Any]) -> None:
    found = _json_mismatches(_req(headers=expected_h),
                             request_from_http("POST", "/path", "", actual_h, b""))
    assert mismatch in found


@pytest.mark.parametrize(("expected_ct", "actual_ct", "matches"), [
    ("application/json", "application/json; charset=UTF-8", True),
    ("application/json; charset=UTF-8", "application/json;charset=utf-8", True),
    ("application/json; charset=UTF-8", "application/json; charset=UTF-16", False),
    ("application/json; charset=UTF-8", "application/json", False),
    ("text/plain", "text/html", False),
])
def test_content_type_header_is_parameter_aware(expected_ct: str, actual_ct: str,
                                                matches: bool) -> None:
    result = match_request(_req(headers={"Content-Type": expected_ct}),
                           request_from_http("POST", "/path", "", [("Content-Type", actual_ct)],
                                             b""))
    assert result.all_matched is matches


BODY_CASES = [
    ({"a": [1, 2]}, b'{"a":[1]}', "$.a",
     "Expected a List with 2 elements but received 1 elements"),
    ({"a": 1}, b'{"a":1,"b":2}', "$",
     "Expected a Map with keys [a] but received one with keys [a, b]"),
    ({"a": {"b": 1}}, b'{"a":[1]}', "$.a",
     "Type mismatch: Expected [1] (Array) to be the same type as {\"b\":1} (Object)"),
    ({"a": 1}, b'{"a":1.5}', "$.a", "Expected 1.5 (Decimal) to be equal to 1 (Integer)"),
    ({"a b": True}, b'{"a b":false}', "$['a b']",
     "Expected false (Boolean) to be equal to true (Boolean)"),
    ([1], b"[1, 2]", "$", "Expected a List with 1 elements but received 2 elements"),
]


@pytest.mark.parametrize(("expected_body", "actual_body", "path", "text"), BODY_CASES)
def test_body_mismatch_texts(expected_body: Any, actual_body: bytes, path: str,
                             text: str) -> None:
    found = _json_mismatches(_req(headers={"Content-Type": "application/json"},
                                  body=expected_body),
                             request_from_http("POST", "/path", "",
                                               [("Content-Type", "application/json")],
                                               actual_body))
    assert (path, text) in [(m["path"], m["mismatch"]) for m in found]


def test_body_type_mismatch_shape() -> None:
    found = _json_mismatches(_req(headers={"Content-Type": "application/json"}, body={"a": 1}),
                             request_from_http("POST", "/path", "",
                                               [("Content-Type", "text/plain")], b"hi"))
    body_mismatches = [m for m in found if m["type"] != "HeaderMismatch"]
    assert body_mismatches == [{"type": "BodyTypeMismatch", "expected": "application/json",
                      "actual": "text/plain", "mismatch": "Expected a body of 'application/json' "
                      "but the actual content type was 'text/plain'",
                      "expectedBody": '{"a":1}', "actualBody": "hi"}]


@pytest.mark.parametrize(("actual_body", "text"), [
    (b"", "Expected body Present(7 bytes, application/json) but was empty"),
])
def test_whole_body_mismatch(actual_body: bytes, text: str) -> None:
    found = _json_mismatches(_req(headers={"Content-Type": "application/json"}, body={"a": 1}),
                             request_from_http("POST", "/path", "", [], actual_body))
    body_mismatches = [m for m in found if m["type"] != "HeaderMismatch"]
    assert body_mismatches == [{"type": "BodyMismatch", "path": "/", "expected": '{"a":1}',
                                "actual": None, "mismatch": text}]


def test_text_body_mismatch() -> None:
    found = _json_mismatches(_req(headers={"Content-Type": "text/plain"}, body="one"),
                             request_from_http("POST", "/path", "",
                                               [("Content-Type", "text/plain")], b"two"))
    assert found == [{"type": "BodyMismatch", "path": "$", "expected": "one", "actual": "two",
                      "mismatch": "Expected body 'one' to match 'two' using equality but did "
                      "not match"}]


def test_method_path_status_shapes() -> None:
    result = match_request(_req(), request_from_http("GET", "/other", "", [], b""))
    assert result.method_mismatch is not None and result.method_mismatch.to_json() == {
        "type": "MethodMismatch", "expected": "POST", "actual": "GET", "mismatch": ""}
    assert [m.to_json() for m in result.path_mismatches] == [{
        "type": "PathMismatch", "expected": "/path", "actual": "/other",
        "mismatch": "Expected '/other' to be equal to '/path'"}]
    status = match_response(load_response({"status": 200}, "3.0.0"),
                            load_response({"status": 404}, "3.0.0"))
    assert [m.to_json() for m in status] == [{
        "type": "StatusMismatch", "expected": 200, "actual": 404,
        "mismatch": "expected 200 but was 404"}]


@pytest.mark.parametrize(("rule", "actual", "matches"), [
    ({"match": "regex", "regex": "^\\d+$"}, 42, True),
    ({"match": "regex", "regex": "^\\d+$"}, "4x", False),
    ({"match": "type"}, "other", True),
    ({"match": "type"}, 3, False),
    ({"match": "integer"}, 3, True),
    ({"match": "integer"}, 3.5, False),
    ({"match": "decimal"}, 3.5, True),
    ({"match": "number"}, True, False),
    ({"match": "boolean"}, False, True),
    ({"match": "null"}, None, True),
    ({"match": "include", "value": "ell"}, "hello", True),
    ({"match": "equality"}, "x", True),
])
def test_v3_value_rules(rule: dict[str, Any], actual: Any, matches: bool) -> None:
    expected = load_request({"method": "POST", "path": "/", "body": {"v": "x"},
                             "headers": {"Content-Type": "application/json"},
                             "matchingRules": {"body": {"$.v": {"matchers": [rule]}}}}, "3.0.0")
    actual_req = request_from_http("POST", "/", "", [("Content-Type", "application/json")],
                                   orjson.dumps({"v": actual}))
    assert match_request(expected, actual_req).all_matched is matches


def test_response_allows_unexpected_keys_request_does_not() -> None:
    response = load_response({"status": 200, "body": {"a": 1}}, "2.0.0")
    extra = load_response({"status": 200, "body": {"a": 1, "b": 2}}, "2.0.0")
    assert match_response(response, extra) == []
    request = _req(body={"a": 1})
    assert not match_request(request, _req(body={"a": 1, "b": 2})).all_matched
