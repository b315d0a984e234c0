"""What a person reads when `with pact.serve()` fails: each problem with where, expected, actual."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from pactpool.consumer import Pact, match
from pactpool.consumer.error import MismatchesError


def user_pact() -> Pact:
    pact = Pact("web", "users")
    (pact.upon_receiving("create a user")
     .with_request("POST", "/users")
     .with_query_parameter("dry", "true")
     .with_header("X-Api-Key", match.str("k1"))
     .with_body({"name": match.str("Al")}, "application/json")
     .will_respond_with(201))
    return pact


def post(url: str, *, params: dict[str, str] | None = None, json: object = None,
         content: str | None = None, headers: dict[str, str] | None = None) -> None:
    httpx.post(f"{url}/users", params=params if params is not None else {"dry": "true"},
               json=json if content is None else None, content=content,
               headers=headers if headers is not None else {"X-Api-Key": "k"})


def report(send: Callable[[str], object]) -> str:
    with pytest.raises(MismatchesError) as raised, user_pact().serve(verbose=False) as server:
        send(str(server.url))
    return str(raised.value)


def test_a_missing_request() -> None:
    text = report(lambda url: None)
    assert text.splitlines() == [
        "The pact was not honoured (1 mismatch):",
        "  (1) Missing request (expected, never received): POST /users",
        '      query: {"dry": ["true"]}',
        '      headers: {"Content-Type": "application/json", "X-Api-Key": "k1"}',
        '      body: {"name": "Al"}']


def test_a_wrong_query_value() -> None:
    text = report(lambda url: post(url, params={"dry": "false"}, json={"name": "x"}))
    assert "Request mismatch: POST /users" in text
    assert "Query mismatch, parameter 'dry': expected true, actual false" in text


def test_an_unexpected_query_parameter() -> None:
    text = report(lambda url: post(url, params={"dry": "true", "x": "1"}, json={"name": "x"}))
    assert "Query mismatch, parameter 'x': expected (nothing), actual [\"1\"]" in text


def test_a_missing_header() -> None:
    text = report(lambda url: post(url, json={"name": "x"}, headers={}))
    assert "Header mismatch, header 'X-Api-Key': expected" in text
    assert "actual (nothing) (Expected a header 'X-Api-Key' but was missing)" in text


def test_a_body_of_the_wrong_type() -> None:
    text = report(lambda url: post(url, json={"name": 5}))
    assert 'Body mismatch at $.name: expected "Al", actual 5' in text
    text = report(lambda url: post(url, content="name=Al",
                                   headers={"X-Api-Key": "k", "Content-Type": "text/plain"}))
    assert "Body type mismatch: expected application/json, actual text/plain" in text


def test_an_unexpected_request() -> None:
    def send(url: str) -> None:
        post(url, json={"name": "x"})
        httpx.delete(f"{url}/users/7")

    text = report(send)
    assert text.splitlines()[:2] == [
        "The pact was not honoured (1 mismatch):",
        "  (1) Unexpected request (matches no interaction): DELETE /users/7"]
