"""Every V3/V4 matching rule, on JSON bodies and on strings (headers, query, path, status)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from pactpool_worker.matching import match_request, match_response
from pactpool_worker.pact import load_request, load_response, request_from_http

JSON = [("Content-Type", "application/json")]


def _body_mismatches(rules: dict[str, Any], expected: Any, actual: Any,
                     spec: str = "4.0") -> list[str]:
    request = load_request({"method": "POST", "path": "/", "headers": dict(JSON),
                            "body": expected, "matchingRules": {"body": rules}}, spec)
    result = match_request(request, request_from_http("POST", "/", "", JSON,
                                                      orjson.dumps(actual)))
    return [m.mismatch for m in result.mismatches]


def _one(rule: dict[str, Any], expected: Any, actual: Any) -> list[str]:
    return _body_mismatches({"$.v": {"matchers": [rule]}}, {"v": expected}, {"v": actual})


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
PDF = b"%PDF-1.7\n"

VALUE_CASES: list[tuple[str, dict[str, Any], Any, Any, str | None]] = [
    ("equality", {"match": "equality"}, "a", "a", None),
    ("equality fails", {"match": "equality"}, "a", "b",
     "Expected 'b' (String) to be equal to 'a' (String)"),
    ("regex is a full match", {"match": "regex", "regex": "\\d{3}"}, "123", "1234",
     "Expected '1234' to match '\\d{3}'"),
    ("regex on a number", {"match": "regex", "regex": "\\d+"}, 1, 42, None),
    ("type", {"match": "type"}, "a", "zzz", None),
    ("type fails", {"match": "type"}, "a", 1,
     "Expected 1 (Integer) to be the same type as 'a' (String)"),
    ("include", {"match": "include", "value": "ell"}, "hello", "yellow", None),
    ("include fails", {"match": "include", "value": "ell"}, "hello", "hallo",
     "Expected 'hallo' to include 'ell'"),
    ("integer", {"match": "integer"}, 1, -7, None),
    ("integer fails", {"match": "integer"}, 1, 1.5, "Expected 1.5 (Decimal) to be an integer"),
    ("decimal", {"match": "decimal"}, 1.5, 2.25, None),
    ("decimal fails", {"match": "decimal"}, 1.5, 2,
     "Expected 2 (Integer) to be a decimal number"),
    ("number", {"match": "number"}, 1, 2.5, None),
    ("number fails", {"match": "number"}, 1, "2", "Expected '2' (String) to be a number"),
    ("boolean", {"match": "boolean"}, True, False, None),
    ("boolean as string", {"match": "boolean"}, True, "false", None),
    ("boolean fails", {"match": "boolean"}, True, 0, "Expected 0 (Integer) to match a boolean"),
    ("null", {"match": "null"}, None, None, None),
    ("null fails", {"match": "null"}, None, "x", "Expected 'x' (String) to be a null value"),
    ("date", {"match": "date", "format": "yyyy-MM-dd"}, "2020-01-01", "2024-02-29", None),
    ("date fails", {"match": "date", "format": "yyyy-MM-dd"}, "2020-01-01", "2023-02-29",
     "Expected '2023-02-29' to match a date pattern of 'yyyy-MM-dd': day 29 does not exist "
     "in month 2 of 2023"),
    ("date without a format is ISO", {"match": "date"}, "2020-01-01", "1999-12-31", None),
    ("time", {"match": "time", "format": "HH:mm:ss"}, "10:00:00", "23:59:59", None),
    ("time fails", {"match": "time", "format": "HH:mm"}, "10:00", "25:00",
     "Expected '25:00' to match a time pattern of 'HH:mm': hour 25 is not in 0-23"),
    ("timestamp", {"match": "timestamp", "format": "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"},
     "2020-01-01T10:00:00.000Z", "2021-06-30T23:59:59.123+02:00", None),
    ("datetime alias", {"match": "datetime", "format": "yyyy-MM-dd HH:mm"},
     "2020-01-01 10:00", "2020-1-01 10:00",
     "Expected '2020-1-01 10:00' to match a timestamp pattern of 'yyyy-MM-dd HH:mm': "
     "'2020-1-01 10:00' does not have the form 'yyyy-MM-dd HH:mm'"),
    ("timestamp, the reference's default", {"match": "timestamp"}, "2020-01-01T10:00:00Z",
     "2020-01-01T10:00:00+01:00", None),
    ("timestamp with day and month names",
     {"match": "timestamp", "format": "EEE, dd MMM yyyy HH:mm:ss z"},
     "Mon, 05 Oct 2020 10:00:00 GMT", "tue, 06 oct 2020 11:00:00 UTC", None),
    ("contentType of base64 data", {"match": "contentType", "value": "image/png"}, "",
     __import__("base64").b64encode(PNG).decode(), None),
    ("contentType fails", {"match": "contentType", "value": "image/png"}, "",
     __import__("base64").b64encode(PDF).decode(),
     "Failed to match data to have a content type of 'image/png': Expected binary contents to "
     "have content type 'image/png' but detected contents was 'application/pdf'"),
    ("values on a scalar is equality", {"match": "values"}, 1, 2,
     "Expected 2 (Integer) to be equal to 1 (Integer)"),
    ("notEmpty", {"match": "notEmpty"}, "a", "b", None),
    ("notEmpty fails on ''", {"match": "notEmpty"}, "a", "",
     "Expected '' (String) to not be empty"),
    ("notEmpty fails on null", {"match": "notEmpty"}, "a", None,
     "Expected non-empty but got a NULL"),
    ("notEmpty fails on []", {"match": "notEmpty"}, [1], [], "Expected [] (Array) to not be empty"),
    ("notEmpty fails on {}", {"match": "notEmpty"}, {}, {},
     "Expected {} (Map) to not be empty"),
    ("semver", {"match": "semver"}, "1.0.0", "10.20.30-rc.1+build.5", None),
    ("semver fails", {"match": "semver"}, "1.0.0", "1.0",
     "'1.0' is not a valid semantic version - expected MAJOR.MINOR.PATCH made of numbers"),
    ("semver on a number", {"match": "semver"}, "1.0.0", 1,
     "Expected something that matches a semantic version, but got '1'"),
]


@pytest.mark.parametrize(("rule", "expected", "actual", "message"),
                         [pytest.param(*c[1:], id=c[0]) for c in VALUE_CASES])
def test_rule_on_a_json_value(rule: dict[str, Any], expected: Any, actual: Any,
                              message: str | None) -> None:
    found = _one(rule, expected, actual)
    assert found == ([] if message is None else [message])


def test_combine_or_passes_when_one_rule_does() -> None:
    rules = {"$.v": {"combine": "OR", "matchers": [{"match": "integer"}, {"match": "null"}]}}
    assert _body_mismatches(rules, {"v": 1}, {"v": None}) == []
    assert _body_mismatches(rules, {"v": 1}, {"v": "x"}) == [
        "Expected 'x' (String) to be an integer", "Expected 'x' (String) to be a null value"]


def test_combine_and_needs_every_rule() -> None:
    rules = {"$.v": {"combine": "AND", "matchers": [{"match": "type"},
                                                    {"match": "regex", "regex": "[a-z]+"}]}}
    assert _body_mismatches(rules, {"v": "abc"}, {"v": "xyz"}) == []
    assert _body_mismatches(rules, {"v": "abc"}, {"v": "XYZ"}) == [
        "Expected 'XYZ' to match '[a-z]+'"]


# ---------------------------------------------------------------------------------------------
# Collections


def test_min_max_type_on_lists() -> None:
    rules = {"$.items": {"matchers": [{"match": "type", "min": 1, "max": 2}]}}
    expected = {"items": [{"id": 1}]}
    assert _body_mismatches(rules, expected, {"items": [{"id": 5}, {"id": 6}]}) == []
    assert _body_mismatches(rules, expected, {"items": []}) == [
        "Expected [] (size 0) to have minimum size of 1"]
    assert _body_mismatches(rules, expected, {"items": [{"id": 1}, {"id": 2}, {"id": 3}]}) == [
        'Expected [{"id":1}, {"id":2}, {"id":3}] (size 3) to have maximum size of 2']


def test_min_max_type_on_maps() -> None:
    rules = {"$.m": {"matchers": [{"match": "type", "max": 1}]}}
    assert _body_mismatches(rules, {"m": {"a": 1}}, {"m": {"a": 2}}) == []


def test_array_contains_finds_each_variant_anywhere() -> None:
    rules = {"$.events": {"matchers": [{"match": "arrayContains", "variants": [
        {"index": 0, "rules": {"$.id": {"matchers": [{"match": "integer"}]}}},
        {"index": 1, "rules": {"$.kind": {"matchers": [{"match": "regex",
                                                        "regex": "close|shut"}]}}},
    ]}]}}
    expected = {"events": [{"id": 1, "kind": "open"}, {"id": 2, "kind": "close"}]}
    actual = {"events": [{"id": 9, "kind": "noise"}, {"id": 2, "kind": "shut"},
                         {"id": 3, "kind": "open"}]}
    assert _body_mismatches(rules, expected, actual) == []
    missing = {"events": [{"id": 9, "kind": "open"}]}
    assert _body_mismatches(rules, expected, missing) == [
        'Variant at index 1 ({"id":2,"kind":"close"}) was not found in the actual list']


def test_array_contains_without_variants_needs_every_expected_item() -> None:
    rules = {"$": {"matchers": [{"match": "arrayContains", "variants": []}]}}
    assert _body_mismatches(rules, [1, 2], [3, 2, 1]) == []
    assert _body_mismatches(rules, [1, 2], [3, 2]) == [
        "Variant at index 0 (1) was not found in the actual list"]


def test_array_contains_variant_out_of_range() -> None:
    rules = {"$": {"matchers": [{"match": "arrayContains", "variants": [{"index": 3}]}]}}
    assert _body_mismatches(rules, [1], [1]) == [
        "ArrayContains: variant 3 is missing from the expected list, which has 1 items"]


def test_each_key_checks_every_actual_key_and_frees_the_key_set() -> None:
    rules = {"$.byId": {"matchers": [{"match": "eachKey", "value": "a1",
                                      "rules": [{"match": "regex", "regex": "[a-z]\\d"}]}]}}
    expected = {"byId": {"a1": "x"}}
    assert _body_mismatches(rules, expected, {"byId": {"a1": "x", "b2": "y"}}) == []
    assert _body_mismatches(rules, expected, {"byId": {"a1": "x", "BAD": "y"}}) == [
        "Expected 'BAD' to match '[a-z]\\d'"]


def test_each_value_on_a_map_checks_every_value() -> None:
    rules = {"$.prices": {"matchers": [{"match": "eachValue",
                                        "rules": [{"match": "decimal"}]}]}}
    expected = {"prices": {"apple": 1.5}}
    assert _body_mismatches(rules, expected, {"prices": {"pear": 2.5, "fig": 0.5}}) == []
    assert _body_mismatches(rules, expected, {"prices": {"pear": 2}}) == [
        "Expected 2 (Integer) to be a decimal number"]


def test_each_value_on_a_list_checks_every_item() -> None:
    rules = {"$.tags": {"matchers": [{"match": "eachValue",
                                      "rules": [{"match": "regex", "regex": "[a-z]+"}]}]}}
    expected = {"tags": ["one"]}
    assert _body_mismatches(rules, expected, {"tags": ["a", "bb", "ccc"]}) == []
    assert _body_mismatches(rules, expected, {"tags": ["a", "B2"]}) == [
        "Expected 'B2' to match '[a-z]+'"]


def test_values_ignores_keys_and_compares_against_the_example() -> None:
    rules = {"$.users": {"matchers": [{"match": "values"}]},
             "$.users.*.name": {"matchers": [{"match": "type"}]}}
    expected = {"users": {"u1": {"name": "Ann"}}}
    assert _body_mismatches(rules, expected, {"users": {"x": {"name": "Bo"},
                                                        "y": {"name": "Cy"}}}) == []
    assert _body_mismatches(rules, expected, {"users": {"x": {"name": 3}}}) == [
        "Expected 3 (Integer) to be the same type as 'Ann' (String)"]


def test_not_empty_on_a_list_and_a_map() -> None:
    rules = {"$.l": {"matchers": [{"match": "notEmpty"}]},
             "$.m": {"matchers": [{"match": "notEmpty"}]}}
    expected = {"l": [1], "m": {}}
    assert _body_mismatches(rules, expected, {"l": [1, 1], "m": {}}) == [
        "Expected {} (Map) to not be empty"]
    assert _body_mismatches(rules, expected, {"l": [], "m": {}}) == [
        "Expected [] (Array) to not be empty", "Expected {} (Map) to not be empty"]


def test_type_rule_cascades_to_children() -> None:
    rules = {"$": {"matchers": [{"match": "type"}]}}
    assert _body_mismatches(rules, {"a": [{"b": 1}]}, {"a": [{"b": 2}, {"b": 3}]}) == []


def test_rules_in_v3_flat_dollar_body_form_still_load() -> None:
    rules = {"$.body.v": {"match": "integer"}}
    request = load_request({"method": "POST", "path": "/", "headers": dict(JSON),
                            "body": {"v": 1}, "matchingRules": rules}, "3.0.0")
    actual = request_from_http("POST", "/", "", JSON, b'{"v": 2}')
    assert match_request(request, actual).all_matched


# ---------------------------------------------------------------------------------------------
# Strings: headers, query, path, status


def _request(**fields: Any) -> Any:
    return load_request({"method": "GET", "path": "/", **fields}, "4.0")


@pytest.mark.parametrize(("rule", "value", "message"), [
    ({"match": "regex", "regex": "\\d+"}, "123", None),
    ({"match": "regex", "regex": "\\d+"}, "12a", "Expected '12a' to match '\\d+'"),
    ({"match": "integer"}, "42", None),
    ({"match": "integer"}, "-1", "Expected '-1' to match an integer number"),
    ({"match": "number"}, "-1.5e3", None),
    ({"match": "decimal"}, "x", "Expected 'x' to match a number"),
    ({"match": "boolean"}, "true", None),
    ({"match": "boolean"}, "yes", "Expected yes to match a boolean"),
    ({"match": "date", "format": "dd/MM/yyyy"}, "31/12/2020", None),
    ({"match": "date", "format": "dd/MM/yyyy"}, "31/04/2020",
     "Expected '31/04/2020' to match a date pattern of 'dd/MM/yyyy'"),
    ({"match": "time"}, "10:11:12", None),
    ({"match": "timestamp", "format": "yyyyMMddHHmmss"}, "20200101101112", None),
    ({"match": "semver"}, "1.2.3", None),
    ({"match": "semver"}, "01.2.3",
     "'01.2.3' is not a valid semantic version - invalid leading zero in a version number"),
    ({"match": "notEmpty"}, "x", None),
    ({"match": "include", "value": "b"}, "abc", None),
    ({"match": "values"}, "v", "Expected 'v' to be equal to 'e'"),
])
def test_rules_on_query_values(rule: dict[str, Any], value: str, message: str | None) -> None:
    expected = _request(query={"q": ["e"]}, matchingRules={"query": {"q": {"matchers": [rule]}}})
    result = match_request(expected, request_from_http("GET", "/", f"q={value}", [], b""))
    assert [m.mismatch for m in result.mismatches] == ([] if message is None else [message])


def test_rules_on_headers_and_path() -> None:
    expected = _request(path="/orders/1", headers={"X-Trace": "2020-01-01"}, matchingRules={
        "header": {"X-Trace": {"matchers": [{"match": "date", "format": "yyyy-MM-dd"}]}},
        "path": {"matchers": [{"match": "regex", "regex": "/orders/\\d+"}]}})
    ok = request_from_http("GET", "/orders/77", "", [("x-trace", "1999-09-09")], b"")
    assert match_request(expected, ok).all_matched
    bad = match_request(expected, request_from_http("GET", "/orders/x", "",
                                                    [("x-trace", "09/09/1999")], b""))
    assert [m.mismatch for m in bad.path_mismatches] == ["Expected '/orders/x' to match "
                                                         "'/orders/\\d+'"]
    assert [m.mismatch for m in bad.mismatches] == [
        "Mismatch with header 'X-Trace': Expected '09/09/1999' to match a date pattern of "
        "'yyyy-MM-dd'"]


@pytest.mark.parametrize(("status", "actual", "message"), [
    ("success", 201, None),
    ("success", 404, "Expected status code 404 to be a Successful response (200\u2013299)"),
    ("info", 101, None),
    ("redirect", 302, None),
    ("clientError", 418, None),
    ("serverError", 503, None),
    ("serverError", 404, "Expected status code 404 to be a Server error (500\u2013599)"),
    ("nonError", 304, None),
    ("nonError", 400, "Expected status code 400 to be a Non-error response (< 400)"),
    ("error", 500, None),
    ([200, 204], 204, None),
    ([200, 204], 202, "Expected status code 202 to be a 200, 204"),
])
def test_status_code_rule(status: Any, actual: int, message: str | None) -> None:
    expected = load_response({"status": 200, "matchingRules": {"status": {"matchers": [
        {"match": "statusCode", "status": status}]}}}, "4.0")
    found = match_response(expected, load_response({"status": actual}, "4.0"))
    assert [m.mismatch for m in found] == ([] if message is None else [message])
