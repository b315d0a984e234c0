"""load_pact: what it accepts, and each refusal with the JSON path it names."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from pactpool_worker.errors import PactLoadError
from pactpool_worker.pact import BodyState, load_pact


def _pact(version: str | None = "2.0.0", **request: Any) -> dict[str, Any]:
    req = {"method": "GET", "path": "/a", **request}
    doc: dict[str, Any] = {
        "consumer": {"name": "c"}, "provider": {"name": "p"},
        "interactions": [{"description": "d", "request": req, "response": {"status": 200}}],
    }
    if version is not None:
        doc["metadata"] = {"pactSpecification": {"version": version}}
    return doc


def _without(doc: dict[str, Any], *keys: str) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    target: Any = doc
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    del target[keys[-1]]
    return doc


BAD = [
    ("malformed json", b"{not json", "$"),
    ("top level list", b"[]", "$"),
    ("interactions not a list", {**_pact(), "interactions": {}}, "$.interactions"),
    ("non-object interaction", {**_pact(), "interactions": [_pact()["interactions"][0], 3]},
     "$.interactions[1]"),
    ("bad method", _pact(method=""), "$.interactions[0].request.method"),
    ("path not a string", _pact(path=3), "$.interactions[0].request.path"),
    ("bad regex v2", _pact(matchingRules={"$.body.id": {"match": "regex", "regex": "("}}),
     "$.interactions[0].request.matchingRules.$.body.id.regex"),
    ("bad regex v3", _pact("3.0.0", matchingRules={"body": {"$.id": {"matchers": [
        {"match": "regex", "regex": "[a-"}]}}}),
     "$.interactions[0].request.matchingRules.body.$.id.matchers[0].regex"),
    ("unknown rule", _pact("3.0.0", matchingRules={"body": {"$.id": {"matchers": [
        {"match": "frobnicate"}]}}}),
     "$.interactions[0].request.matchingRules.body.$.id.matchers[0].match"),
    ("bad combine", _pact("3.0.0", matchingRules={"body": {"$.id": {
        "matchers": [{"match": "type"}], "combine": "XOR"}}}),
     "$.interactions[0].request.matchingRules.body.$.id.combine"),
    ("bad rule path", _pact(matchingRules={"$.body.a[x]": {"match": "type"}}),
     "$.interactions[0].request.matchingRules.$.body.a[x]"),
    ("headers not an object", _pact(headers=["a"]), "$.interactions[0].request.headers"),
    ("bad query", _pact("3.0.0", query={"a": [1]}), "$.interactions[0].request.query.a"),
]


@pytest.mark.parametrize(("source", "json_path"), [pytest.param(s, p, id=n) for n, s, p in BAD])
def test_bad_pact_names_the_path(source: Any, json_path: str) -> None:
    with pytest.raises(PactLoadError) as info:
        load_pact(source)
    assert info.value.json_path == json_path
    assert info.value.reason


@pytest.mark.parametrize("status", [99, 600, "abc", None, True])
def test_bad_status(status: Any) -> None:
    doc = _pact()
    doc["interactions"][0]["response"]["status"] = status
    with pytest.raises(PactLoadError) as info:
        load_pact(doc)
    assert info.value.json_path == "$.interactions[0].response.status"


@pytest.mark.parametrize(("metadata", "expected"), [
    (None, "3.0.0"),
    ({"pactSpecification": {"version": "1.0.0"}}, "1.0.0"),
    ({"pactSpecification": {"version": "1.1"}}, "1.1.0"),
    ({"pact-specification": {"version": "2.0"}}, "2.0.0"),
    ({"pactSpecificationVersion": "3.0.0"}, "3.0.0"),
    ({"pactSpecification": {"version": "4.0"}}, "4.0"),
])
def test_spec_version(metadata: dict[str, Any] | None, expected: str) -> None:
    doc = _pact(None)
    if metadata is not None:
        doc["metadata"] = metadata
    assert load_pact(orjson.dumps(doc)).spec_version == expected


def test_v3_query_map_and_v2_string_load_alike() -> None:
    v2 = load_pact(_pact("2.0.0", query="a=1&a=2&b=x+y")).interactions[0].request
    v3 = load_pact(_pact("3.0.0", query={"a": ["1", "2"], "b": "x y"})).interactions[0].request
    assert v2 is not None and v3 is not None
    assert v2.query == v3.query == {"a": ["1", "2"], "b": ["x y"]}


def test_v4_interactions_and_typed_bodies() -> None:
    doc = {
        "consumer": {"name": "c"}, "provider": {"name": "p"},
        "metadata": {"pactSpecification": {"version": "4.0"}},
        "interactions": [
            {"type": "Asynchronous/Messages", "description": "m", "contents": {}},
            {"type": "Synchronous/HTTP", "description": "h",
             "request": {"method": "post", "path": "/x",
                         "body": {"contentType": "application/json", "encoded": False,
                                  "content": {"a": 1}}},
             "response": {"status": 201,
                          "body": {"contentType": "application/octet-stream",
                                   "encoded": "base64", "content": "AAEC"}}},
        ],
    }
    pact = load_pact(doc)
    message, http = pact.interactions
    assert message.type == "Asynchronous/Messages"
    assert (message.request, message.is_http) == (None, False)
    assert http.request is not None and http.response is not None
    assert http.request.method == "POST"
    assert orjson.loads(http.request.body.content) == {"a": 1}
    assert http.request.body.content_type == "application/json"
    assert http.response.body.content == b"\x00\x01\x02"


@pytest.mark.parametrize(("body", "state", "content"), [
    ("", BodyState.EMPTY, b""),
    (None, BodyState.NULL, b""),
    ({"a": [1, 2]}, BodyState.PRESENT, b'{"a":[1,2]}'),
    ("plain", BodyState.PRESENT, b"plain"),
])
def test_body_states(body: Any, state: BodyState, content: bytes) -> None:
    req = load_pact(_pact(body=body)).interactions[0].request
    assert req is not None
    assert (req.body.state, req.body.content) == (state, content)


def test_missing_body_is_missing() -> None:
    req = load_pact(_pact()).interactions[0].request
    assert req is not None and req.body.state is BodyState.MISSING


def test_generators_are_kept_raw() -> None:
    gens = {"body": {"$.id": {"type": "RandomInt"}}}
    req = load_pact(_pact("3.0.0", generators=gens)).interactions[0].request
    assert req is not None and req.generators == gens


def test_provider_state_forms() -> None:
    doc = _pact()
    doc["interactions"][0]["providerState"] = "a user exists"
    assert load_pact(doc).interactions[0].provider_states == [{"name": "a user exists"}]
    doc["interactions"][0]["providerStates"] = [{"name": "s", "params": {"id": 1}}]
    assert load_pact(doc).interactions[0].provider_states == [{"name": "s", "params": {"id": 1}}]


def test_missing_method_and_path_default_like_the_reference() -> None:
    doc = _without(_without(_pact(), "interactions", "0", "request", "method"),
                   "interactions", "0", "request", "path")
    request = load_pact(doc).interactions[0].request
    assert request is not None
    assert (request.method, request.path) == ("GET", "/")


def test_the_first_content_type_header_sets_the_body_type() -> None:
    from pactpool_worker.pact import load_request

    request = load_request({"method": "POST", "path": "/", "body": "a,b",
                            "headers": {"Content-Type": "text/csv",
                                        "content-type": "application/json"}}, "3.0.0")
    assert request.body.content_type == "text/csv"
    assert request.headers == {"Content-Type": ["text/csv"],
                               "content-type": ["application/json"]}
