"""A consumer suite written for pact-python 4, ported by changing its imports alone.

The body below is pact-python 4 style (a `pact` fixture, `upon_receiving`, `serve`,
`srv.url`, `with_path`, message `verify`); only the import line names pactpool.consumer
instead of `pact`.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pactpool.consumer import Pact, generate, match  # was: from pact import Pact, match, generate


@pytest.fixture
def pact(tmp_path: Path) -> Generator[Pact, None, None]:
    pact = Pact("ported-consumer", "ported-provider").with_specification("V4")
    yield pact
    pact.write_file(tmp_path)


def test_get_user(pact: Pact) -> None:
    response: dict[str, Any] = {
        "id": match.int(123),
        "name": match.str("Alice"),
        "created_on": match.datetime("2024-01-01T00:00:00+0000", format="%Y-%m-%dT%H:%M:%S%z"),
    }
    (
        pact.upon_receiving("A user request")
        .given("the user exists", id=123, name="Alice")
        .with_request("GET", "/users/123")
        .will_respond_with(200)
        .with_body(response, content_type="application/json")
    )
    with pact.serve() as srv:
        data = httpx.get(str(srv.url.with_path("/users/123"))).json()
        assert data["id"] == 123 and data["name"] == "Alice"


def test_create_user(pact: Pact) -> None:
    (
        pact.upon_receiving("A request to create a new user")
        .given("the specified user doesn't exist")
        .with_request(method="POST", path="/users/")
        .with_body({"name": "Verna Hampton"}, content_type="application/json")
        .will_respond_with(status=201)
        .with_body({"id": match.int(1000), "name": "Verna Hampton"},
                   content_type="application/json")
        .with_header("Location", match.regex("/users/1000", regex=r"/users/\d+"))
    )
    with pact.serve() as srv:
        response = httpx.post(srv.url / "users/", json={"name": "Verna Hampton"})
        assert response.status_code == 201
        assert response.headers["Location"] == "/users/1000"


def test_generated_token(pact: Pact) -> None:
    (
        pact.upon_receiving("a token request")
        .with_request("GET", "/token")
        .with_query_parameter("scope", match.str("read"))
        .will_respond_with(200)
        .with_body({"token": generate.regex(r"[a-z]{8}"), "n": generate.int(min=5, max=9)})
    )
    with pact.serve() as srv:
        token = httpx.get(str(srv.url.with_path("/token").with_query({"scope": "x"}))).json()
        assert len(token["token"]) == 8 and 5 <= token["n"] <= 9


def test_message(pact: Pact) -> None:
    (
        pact.upon_receiving("a user created event", "Async")
        .given("a user was created")
        .with_body({"id": match.int(1)}, "application/json")
        .with_metadata({"topic": "users"})
    )
    seen: list[Any] = []
    pact.verify(lambda body, metadata: seen.append((json.loads(body or ""), metadata)), "Async")
    assert seen[0][0] == {"id": 1} and seen[0][1]["topic"] == "users"
