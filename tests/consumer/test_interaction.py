"""The builder methods of the three interaction kinds, seen in the V4 JSON they produce."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from pactpool.consumer import Pact, generate, match


def only(pact: Pact, spec: str = "V4") -> dict[str, Any]:
    pact.with_specification(spec)
    document = pact.to_json()
    (item,) = document.get("interactions", document.get("messages"))
    return dict(item)


def test_request_and_response_parts_follow_will_respond_with() -> None:
    pact = Pact("a", "b")
    (pact.upon_receiving("x").with_request("get", "/items")
     .with_header("X-Req", "1").will_respond_with(201).with_header("X-Res", "2")
     .with_header("X-Also-Req", "3", part="Request"))
    item = only(pact)
    assert item["request"]["method"] == "GET"
    assert item["request"]["headers"] == {"X-Req": ["1"], "X-Also-Req": ["3"]}
    assert item["response"] == {"status": 201, "headers": {"X-Res": ["2"]}}


def test_repeated_headers_and_set_header() -> None:
    pact = Pact("a", "b")
    (pact.upon_receiving("x").with_request("GET", "/")
     .with_header("Accept", "a").with_header("accept", "b")
     .with_headers([("X-A", "1"), ("X-A", "2")])
     .with_header("X-M", {"value": ["p", "q"]})
     .set_header("X-S", "old").set_headers({"x-s": '{"json": true}'}))
    headers = only(pact)["request"]["headers"]
    assert headers["Accept"] == ["a", "b"]
    assert headers["X-A"] == ["1", "2"]
    assert headers["X-M"] == ["p", "q"]
    assert headers["x-s"] == ['{"json": true}']
    assert "X-S" not in headers
    assert only(pact, "V3")["request"]["headers"]["Accept"] == "a, b"


def test_matchers_in_path_header_query_and_body() -> None:
    pact = Pact("a", "b")
    (pact.upon_receiving("x")
     .with_request("GET", match.regex("/users/7", regex=r"/users/\d+"))
     .with_header("X-Ver", match.regex("1.2", regex=r"\d\.\d"))
     .with_query_parameter("page", match.int(2)).with_query_parameter("q", "a")
     .with_query_parameters({"q": "b"})
     .will_respond_with(200)
     .with_body({"id": match.int(1), "items": match.each_like({"n": match.str("x")}, min=1)}))
    item = only(pact)
    request, response = item["request"], item["response"]
    assert request["path"] == "/users/7"
    assert request["query"] == {"page": ["2"], "q": ["a", "b"]}
    rules = request["matchingRules"]
    assert rules["path"]["matchers"][0]["regex"] == r"/users/\d+"
    assert rules["header"]["X-Ver"]["matchers"][0]["match"] == "regex"
    assert rules["query"]["page"]["matchers"][0]["match"] == "integer"
    assert response["body"]["content"] == {"id": 1, "items": [{"n": "x"}]}
    assert response["body"]["contentType"] == "application/json"
    assert response["headers"]["Content-Type"] == ["application/json"]
    body_rules = response["matchingRules"]["body"]
    assert body_rules["$.id"]["matchers"] == [{"match": "integer"}]
    assert body_rules["$.items"]["matchers"][0]["min"] == 1
    assert "$.items[*].n" in body_rules


def test_generators_are_recorded() -> None:
    pact = Pact("a", "b")
    (pact.upon_receiving("x").with_request("GET", "/").will_respond_with(200)
     .with_header("X-Id", match.uuid()).with_body({"n": generate.int(min=1, max=5)}))
    generators = only(pact)["response"]["generators"]
    assert generators["body"]["$.n"] == {"type": "RandomInt", "min": 1, "max": 5}
    assert generators["header"]["X-Id"]["type"] == "Uuid"


def test_text_binary_and_empty_bodies() -> None:
    pact = Pact("a", "b")
    pact.upon_receiving("t").with_request("POST", "/t").with_body("hello")
    pact.upon_receiving("j").with_request("POST", "/j").with_body('{"a": 1}', "application/json")
    pact.upon_receiving("b").with_request("POST", "/b").with_binary_body(b"\x00\xff")
    pact.upon_receiving("e").with_request("POST", "/e").with_body(None, "text/plain")
    bodies = {i["description"]: i["request"]["body"] for i in pact.to_json()["interactions"]}
    assert bodies["t"] == {"content": "hello", "contentType": "text/plain", "encoded": False}
    assert bodies["j"]["content"] == {"a": 1}
    assert bodies["b"]["encoded"] == "base64"
    assert base64.b64decode(bodies["b"]["content"]) == b"\x00\xff"
    assert bodies["b"]["contentType"] == "application/octet-stream"
    assert bodies["e"]["content"] == ""


def test_content_type_header_wins_over_the_argument() -> None:
    pact = Pact("a", "b")
    (pact.upon_receiving("x").with_request("POST", "/")
     .with_header("Content-Type", "application/vnd.x+json").with_body({"a": 1}, "text/plain"))
    body = only(pact)["request"]["body"]
    assert body["contentType"] == "application/vnd.x+json"


def test_multipart_file(tmp_path: Path) -> None:
    picture = tmp_path / "a.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8)
    pact = Pact("a", "b")
    (pact.upon_receiving("upload").with_request("POST", "/upload")
     .with_multipart_file("photo", picture, "image/png", boundary="XyZ"))
    request = only(pact)["request"]
    assert request["headers"]["Content-Type"] == ["multipart/form-data; boundary=XyZ"]
    raw = base64.b64decode(request["body"]["content"])
    assert b'name="photo"; filename="a.png"' in raw and raw.endswith(b"--XyZ--\r\n")
    assert request["matchingRules"]["body"]["$.photo"]["matchers"] == [
        {"match": "contentType", "value": "image/png"}]
    assert request["matchingRules"]["header"]["Content-Type"]["matchers"][0]["match"] == "regex"


def test_provider_states_and_v4_annotations() -> None:
    pact = Pact("a", "b")
    (pact.upon_receiving("x").given("user exists", {"user-id": 1}, name="Al").given("plain")
     .set_key("key-1").set_pending(pending=True).set_comment("ticket", {"id": 7})
     .add_text_comment("one").add_text_comment("two")
     .add_external_reference("Jira", "TICKET", "T-1").test_name("test_x")
     .with_request("GET", "/"))
    item = only(pact)
    assert item["providerStates"] == [{"name": "user exists",
                                       "params": {"user-id": 1, "name": "Al"}},
                                      {"name": "plain"}]
    assert item["key"] == "key-1" and item["pending"] is True
    assert item["comments"] == {"ticket": {"id": 7}, "text": ["one", "two"],
                                "references": {"Jira": {"TICKET": "T-1"}},
                                "testname": "test_x"}
    pact.interactions().__next__().set_comment("ticket", None).set_key(None)
    item = only(pact)
    assert "ticket" not in item["comments"] and "key" not in item


def test_raw_matching_rules_and_generators() -> None:
    pact = Pact("a", "b")
    (pact.upon_receiving("x").with_request("GET", "/").will_respond_with(200)
     .with_body({"a": 1})
     .with_matching_rules({"body": {"$.a": {"combine": "AND",
                                            "matchers": [{"match": "integer"}]}}})
     .with_generators('{"body": {"$.a": {"type": "RandomInt", "min": 0, "max": 3}}}'))
    response = only(pact)["response"]
    assert response["matchingRules"]["body"]["$.a"]["matchers"] == [{"match": "integer"}]
    assert response["generators"]["body"]["$.a"]["type"] == "RandomInt"


def test_async_message_parts() -> None:
    pact = Pact("a", "b")
    (pact.upon_receiving("event", "Async").given("s")
     .with_body({"id": match.int(1)})
     .with_metadata({"topic": "t"}, k=match.regex("v1", regex=r"v\d"))
     .set_metadata(raw='{"n": 1}', drop="x").set_metadata(drop=None))  # type: ignore[arg-type]
    item = only(pact)
    assert item["type"] == "Asynchronous/Messages"
    assert item["contents"]["content"] == {"id": 1}
    assert item["metadata"] == {"topic": "t", "k": "v1", "raw": {"n": 1},
                                "contentType": "application/json"}
    assert item["matchingRules"]["metadata"]["k"]["matchers"][0]["regex"] == r"v\d"
    assert item["matchingRules"]["body"]["$.id"]["matchers"] == [{"match": "integer"}]


def test_sync_message_parts() -> None:
    pact = Pact("a", "b")
    (pact.upon_receiving("ask", "Sync").with_body({"q": 1}).with_metadata(m="req")
     .will_respond_with().with_body({"a": match.str("x")}).with_metadata(m="res"))
    item = only(pact)
    assert item["type"] == "Synchronous/Messages"
    assert item["request"]["contents"]["content"] == {"q": 1}
    assert item["request"]["metadata"]["m"] == "req"
    (reply,) = item["response"]
    assert reply["contents"]["content"] == {"a": "x"}
    assert reply["metadata"]["m"] == "res"
