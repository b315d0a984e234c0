"""Pacts other writers produce, refused once, served now: each quirk in a pact of its own.

Every pact here reproduces one quirk found in real pact files (Pact-JVM, pact-js, the Ruby
tools, plugins). The reference loads and serves each of them, so pactpool must too; what it
assumed goes to the server's log as a warning (docs/compatibility.md). Each test starts a
real server, sends a real request, checks the answer, `matched`, and the warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

import pactpool


def _pact(version: str | None, *interactions: dict[str, Any],
          **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"consumer": {"name": "c"}, "provider": {"name": "p"},
                           "interactions": list(interactions), **extra}
    if version is not None:
        doc["metadata"] = {"pactSpecification": {"version": version}}
    return doc


def _ok(request: dict[str, Any], **response: Any) -> dict[str, Any]:
    return {"description": "quirk", "request": request,
            "response": {"status": 200, **response}}


@dataclass(frozen=True)
class Quirk:
    pact: dict[str, Any]
    warning: str
    """Part of the warning the server logs for it."""
    request: dict[str, Any] = field(default_factory=lambda: {"method": "GET", "url": "/q"})
    status: int = 200
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    """Response headers that must be present with these values."""


GET_Q = {"method": "GET", "path": "/q"}
X_TOKEN = {"headers": {"X-Token": "abc-123"}}

QUIRKS: dict[str, Quirk] = {
    "V3 rule category 'headers'": Quirk(
        _pact("3.0.0", _ok({**GET_Q, **X_TOKEN, "matchingRules": {"headers": {
            "X-Token": {"matchers": [{"match": "regex", "regex": "[a-z]+-\\d+"}]}}}})),
        "rule category 'headers' read as 'header'",
        {"method": "GET", "url": "/q", "headers": {"X-Token": "xyz-9"}}),
    "V2 rule path $.header.NAME": Quirk(
        _pact("2.0.0", _ok({**GET_Q, **X_TOKEN, "matchingRules": {
            "$.header.X-Token": {"match": "regex", "regex": "[a-z]+-\\d+"},
            "$.method": {"match": "type"}}})),
        "'$.method' is not under $.body",
        {"method": "GET", "url": "/q", "headers": {"X-Token": "xyz-9"}}),
    "V3 rule categories in a V2 pact": Quirk(
        _pact("2.0.0", _ok({"method": "POST", "path": "/q",
                            "headers": {"Content-Type": "application/json"},
                            "body": {"id": 1},
                            "matchingRules": {"body": {"$.id": {"matchers": [
                                {"match": "type"}]}}}})),
        "V3 rule categories in a V2 pact",
        {"method": "POST", "url": "/q", "json": {"id": 42}}),
    "generator paths without $": Quirk(
        _pact("3.0.0", _ok(GET_Q, headers={"Content-Type": "application/json"},
                           body={"data": {"time": {"a": "x"}}, "column:3": 1},
                           generators={"body": {
                               "data.time.*": {"type": "RandomString", "size": 12},
                               "column:3": {"type": "RandomInt", "min": 5, "max": 5}}})),
        "generator path without '$'; read as '$.data.time.*'"),
    "status 0 with a status generator": Quirk(
        _pact("3.0.0", _ok(GET_Q, status=0, generators={"status": {
            "type": "RandomInt", "min": 202, "max": 202}})),
        "status 0 is no HTTP status", status=202),
    "an empty arrayContains variant key": Quirk(
        _pact("4.0", {"type": "Synchronous/HTTP", "description": "quirk", "request": {
            "method": "POST", "path": "/q",
            "body": {"contentType": "application/json", "encoded": False,
                     "content": {"ids": [1, 2]}},
            "matchingRules": {"body": {"$.ids": {"matchers": [{
                "match": "arrayContains",
                "variants": [{"index": 0, "rules": {"": {"matchers": [{"match": "integer"}]}}}],
            }]}}}},
            "response": {"status": 200}}),
        "an empty rule path read as '$'",
        {"method": "POST", "url": "/q", "json": {"ids": [7]}}),
    "a non-string response header value": Quirk(
        _pact("3.0.0", _ok(GET_Q, headers={"X-Count": 3, "X-Flag": True,
                                           "Content-Type": "text/plain"}, body="ok")),
        "header 'X-Count' is not a string", body="ok",
        headers={"x-count": "3", "x-flag": "true"}),
    "providerStates as a plain string": Quirk(
        _pact("3.0.0", {**_ok(GET_Q), "providerStates": "a user exists"}),
        "provider states given as names"),
    "a Java-only regex in a response rule": Quirk(
        _pact("3.0.0", _ok(GET_Q, headers={"Content-Type": "application/json"},
                           body={"name": "Ann"},
                           matchingRules={"body": {"$.name": {"matchers": [
                               {"match": "regex", "regex": "\\p{javaLowerCase}+"}]}}})),
        "does not compile", body='{"name":"Ann"}'),
    "no metadata": Quirk(
        _pact(None, _ok(GET_Q)), "the pact has no metadata; read as a V3 pact"),
    "an unknown spec version": Quirk(
        _pact("9.0.0", _ok(GET_Q)), "unsupported pact specification version '9.0.0'"),
    "no interactions list": Quirk(
        {"consumer": {"name": "c"}, "provider": {"name": "p"},
         "metadata": {"pactSpecification": {"version": "3.0.0"}}},
        "no 'interactions' list", status=500),
    "Pact-JVM requestMatchingRules": Quirk(
        _pact("3.0.0", _ok({**GET_Q, **X_TOKEN, "requestMatchingRules": {"header": {
            "X-Token": {"matchers": [{"match": "regex", "regex": "[a-z]+-\\d+"}]}}}})),
        "'requestMatchingRules' read as 'matchingRules'",
        {"method": "GET", "url": "/q", "headers": {"X-Token": "xyz-9"}}),
    "an unknown rule category": Quirk(
        _pact("3.0.0", _ok({**GET_Q, "matchingRules": {"method": {
            "": {"matchers": [{"match": "regex", "regex": "GET|POST"}]}}}})),
        "unknown matching rule category 'method'"),
    "a capitalised rule category": Quirk(
        _pact("3.0.0", _ok({**GET_Q, **X_TOKEN, "matchingRules": {"Header": {
            "X-Token": {"matchers": [{"match": "regex", "regex": "[a-z]+-\\d+"}]}}}})),
        "rule category 'Header' read as 'header'",
        {"method": "GET", "url": "/q", "headers": {"X-Token": "xyz-9"}}),
}


@pytest.mark.parametrize("name", list(QUIRKS))
def test_a_quirky_pact_is_served_and_its_quirk_logged(serve: Any, name: str) -> None:
    quirk = QUIRKS[name]
    server = serve(quirk.pact)
    request = dict(quirk.request)
    response = httpx.request(request.pop("method"), server.url + request.pop("url"), **request)
    assert response.status_code == quirk.status, response.text
    if quirk.body is not None:
        assert response.text == quirk.body
    for header, value in quirk.headers.items():
        assert response.headers.get(header) == value
    if quirk.status != 500:
        assert server.matched, pactpool.mock_server_mismatches(server.port)
    logs = server.logs()
    assert "WARN" in logs and quirk.warning in logs, logs


def test_generated_values_replace_the_examples_under_rooted_paths(serve: Any) -> None:
    body = httpx.get(serve(QUIRKS["generator paths without $"].pact).url + "/q").json()
    assert body["column:3"] == 5
    assert len(body["data"]["time"]["a"]) == 12


def test_a_request_rule_that_does_not_compile_is_still_refused() -> None:
    # Request rules are evaluated on every request: a broken one is a broken pact.
    pact = _pact("3.0.0", _ok({**GET_Q, "matchingRules": {"path": {"matchers": [
        {"match": "regex", "regex": "\\p{javaLowerCase}+"}]}}}))
    with pytest.raises(pactpool.InvalidPactError) as failure:
        pactpool.MockServer(pact)
    assert "matchingRules.path" in str(failure.value)


def test_v2_header_and_query_names_in_brackets_are_rule_paths(serve: Any) -> None:
    # pact_ffi writes `$.headers['X-Ver']` for V2; the rules must apply, with no warning.
    pact = _pact("2.0.0", _ok({**GET_Q, "query": "a%20b=1", "headers": {"X-Ver": "1"},
                               "matchingRules": {
                                   "$.headers['X-Ver']": {"match": "regex", "regex": "\\d+"},
                                   "$.query['a b']": {"match": "regex", "regex": "\\d+"}}}))
    server = serve(pact)
    assert "WARN" not in server.logs()  # nothing was left out at load
    ok = httpx.get(server.url + "/q?a%20b=7", headers={"X-Ver": "42"})
    assert ok.status_code == 200, ok.text
    bad = httpx.get(server.url + "/q?a%20b=7", headers={"X-Ver": "v42"})
    assert bad.status_code == 500 and "X-Ver" in bad.text
