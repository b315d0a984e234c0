"""verify(): each message's contents, generators applied, handed to the consumer's handler."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pactpool.consumer import Pact, generate, match
from pactpool.consumer.error import InteractionVerificationError, PactVerificationError


def events() -> Pact:
    pact = Pact("worker", "events")
    (pact.upon_receiving("a user was created", "Async").given("a user")
     .with_body({"id": generate.int(min=100, max=199), "name": match.str("Al")})
     .with_metadata({"topic": "users"}, version=match.int(2)))
    pact.upon_receiving("a text note", "Async").with_body("hello", "text/plain")
    pact.upon_receiving("a blob", "Async").with_binary_body(b"\x00\x01")
    return pact


def test_handler_gets_contents_and_metadata() -> None:
    seen: list[tuple[Any, dict[str, object]]] = []
    assert events().verify(lambda body, meta: seen.append((body, meta)), "Async") is None
    (json_text, json_meta), (text, text_meta), (blob, _) = seen
    assert isinstance(json_text, str)
    value = json.loads(json_text)
    assert 100 <= value["id"] <= 199 and value["name"] == "Al"
    assert json_meta == {"topic": "users", "version": 2, "contentType": "application/json"}
    assert text == "hello" and text_meta == {"contentType": "text/plain"}
    assert blob == b"\x00\x01"


def test_generators_draw_fresh_values() -> None:
    pact = Pact("worker", "events")
    pact.upon_receiving("n", "Async").with_body({"n": generate.int(min=0, max=10**9)})
    drawn: set[int] = set()
    for _ in range(5):
        pact.verify(lambda body, meta: drawn.add(json.loads(body or "")["n"]), "Async")
    assert len(drawn) > 1


def test_failing_handler_is_recorded() -> None:
    def handler(body: Any, metadata: dict[str, object]) -> None:
        if isinstance(body, bytes):
            raise ValueError("cannot handle bytes")

    with pytest.raises(PactVerificationError) as info:
        events().verify(handler, "Async")
    (error,) = info.value.errors
    assert isinstance(error, InteractionVerificationError)
    assert error.description == "a blob" and isinstance(error.error, ValueError)
    assert "cannot handle bytes" in str(info.value)
    errors = events().verify(handler, "Async", raises=False)
    assert errors is not None and len(errors) == 1


def test_sync_messages_hand_over_the_request() -> None:
    pact = Pact("client", "service")
    (pact.upon_receiving("ask", "Sync").with_body({"q": match.str("x")})
     .will_respond_with().with_body({"a": 1}))
    seen: list[Any] = []
    pact.verify(lambda body, meta: seen.append(json.loads(body or "")), "Sync")
    assert seen == [{"q": "x"}]


def test_a_message_without_contents_is_skipped_with_a_warning() -> None:
    pact = Pact("worker", "events")
    pact.upon_receiving("empty", "Async").with_metadata(topic="t")
    with pytest.warns(UserWarning, match="no contents"):
        pact.verify(lambda body, meta: None, "Async")
