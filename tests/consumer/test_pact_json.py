"""Pact JSON per spec version, in pact-reference's layout; pact_ffi and the worker read each."""

from __future__ import annotations

from typing import Any

import pytest
from pact_ffi_check import ffi_parses

from pactpool import api
from pactpool.consumer import Pact, generate, match


def http_pact(spec: str) -> Pact:
    pact = Pact("web", f"users-{spec}").with_specification(spec)
    (pact.upon_receiving("get").given("one", id=1).given("two")
     .with_request("GET", match.regex("/users/1", regex=r"/users/\d+"))
     .with_header("X-Ver", match.regex("1.2", regex=r"\d\.\d")).with_header("Accept", "a")
     .with_header("Accept", "b")
     .with_query_parameter("q", "x y").with_query_parameter("q", "z")
     .will_respond_with(200)
     .with_body({"id": match.int(1), "tags": match.each_like("t", min=1),
                 "n": generate.int(min=0, max=3)}))
    pact.upon_receiving("text").with_request("POST", "/t").with_body("hi").will_respond_with(204)
    return pact


def served(document: dict[str, Any]) -> None:
    port = api.create_mock_server(document)
    api.cleanup_mock_server(port)


@pytest.mark.parametrize("spec", ["V1", "V1.1", "V2", "V3", "V4"])
def test_every_version_is_read_by_pact_ffi_and_the_worker(spec: str) -> None:
    document = http_pact(spec).to_json()
    assert ffi_parses(document) == 2
    served(document)


def test_v1_has_no_rules() -> None:
    document = http_pact("V1").to_json()
    assert document["metadata"]["pactSpecification"] == {"version": "1.0.0"}
    item = document["interactions"][0]
    assert item["providerState"] == "one"
    assert "matchingRules" not in item["request"] and "generators" not in item["response"]


def test_v2_layout() -> None:
    document = http_pact("V2").to_json()
    assert document["metadata"]["pactSpecification"] == {"version": "2.0.0"}
    item = document["interactions"][0]
    assert item["providerState"] == "one" and "providerStates" not in item
    request, response = item["request"], item["response"]
    assert request["query"] == "q=x%20y&q=z"
    assert request["headers"]["Accept"] == "a, b"
    assert request["matchingRules"] == {"$.path": {"match": "regex", "regex": r"/users/\d+"},
                                        "$.headers['X-Ver']": {"match": "regex",
                                                               "regex": r"\d\.\d"}}
    assert response["matchingRules"]["$.body.id"] == {"match": "integer"}
    assert response["matchingRules"]["$.body.tags"] == {"match": "type", "min": 1}
    assert "generators" not in response
    assert response["body"]["id"] == 1 and response["body"]["tags"] == ["t"]


def test_v3_layout() -> None:
    document = http_pact("V3").to_json()
    assert document["metadata"]["pactSpecification"] == {"version": "3.0.0"}
    item = document["interactions"][0]
    assert item["providerStates"] == [{"name": "one", "params": {"id": 1}}, {"name": "two"}]
    assert "type" not in item and "pending" not in item
    request, response = item["request"], item["response"]
    assert request["query"] == {"q": ["x y", "z"]}
    assert request["headers"]["Accept"] == "a, b"
    assert set(request["matchingRules"]) == {"path", "header"}
    assert request["matchingRules"]["path"] == {"combine": "AND", "matchers": [
        {"match": "regex", "regex": r"/users/\d+"}]}
    assert response["matchingRules"]["body"]["$.id"]["matchers"] == [{"match": "integer"}]
    assert response["generators"]["body"]["$.n"]["type"] == "RandomInt"
    assert isinstance(response["body"], dict)


def test_v4_layout() -> None:
    document = http_pact("V4").to_json()
    assert document["metadata"]["pactSpecification"] == {"version": "4.0"}
    item = document["interactions"][0]
    assert item["type"] == "Synchronous/HTTP" and item["pending"] is False
    assert item["request"]["headers"]["Accept"] == ["a", "b"]
    body = item["response"]["body"]
    assert body["contentType"] == "application/json" and body["encoded"] is False
    assert document["interactions"][1]["request"]["body"] == {
        "content": "hi", "contentType": "text/plain", "encoded": False}


def test_v3_message_pact() -> None:
    pact = Pact("worker", "events").with_specification("V3")
    (pact.upon_receiving("created", "Async").given("s", x=1)
     .with_body({"id": match.int(1)}).with_metadata(topic="t", k=match.regex("v1", regex=r"v\d")))
    document = pact.to_json()
    assert "interactions" not in document
    (message,) = document["messages"]
    assert message["contents"] == {"id": 1}
    assert message["metadata"] == {"topic": "t", "k": "v1", "contentType": "application/json"}
    assert set(message["matchingRules"]) == {"body", "metadata"}
    assert ffi_parses(document) == 1
    served(document)


def test_v4_mixed_pact() -> None:
    pact = http_pact("V4")
    pact.upon_receiving("created", "Async").with_body({"id": match.int(1)})
    (pact.upon_receiving("ask", "Sync").with_body("q", "text/plain").will_respond_with()
     .with_body({"a": match.str("x")}))
    pact.upon_receiving("bin").with_request("PUT", "/b").with_binary_body(b"\xff\x00")
    document = pact.to_json()
    types = [i["type"] for i in document["interactions"]]
    assert types == ["Synchronous/HTTP", "Synchronous/HTTP", "Asynchronous/Messages",
                     "Synchronous/Messages", "Synchronous/HTTP"]
    assert ffi_parses(document) == 5
    served(document)
