"""A typed consumer test as a pact-python 4.2 user writes it, with pactpool.consumer imported.

Not collected by pytest: `test_typing.py` runs `mypy --strict` over it, so user code that
type-checks against pact-python type-checks against pactpool.consumer (the same file with
`pact` in place of `pactpool.consumer` passes too).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from pactpool.consumer import Pact, generate, match, xml
from pactpool.consumer.error import InteractionVerificationError, Mismatch, MismatchesError
from pactpool.consumer.generate import AbstractGenerator
from pactpool.consumer.match import AbstractMatcher


def build(pact: Pact) -> None:
    body: dict[str, Any] = {
        "id": match.int(1),
        "name": match.str("Alice"),
        "score": match.float(1.5, precision=2),
        "when": match.datetime("2024-01-01T00:00:00+0000"),
        "items": match.each_like({"sku": match.regex("A1", regex=r"[A-Z]\d")}, min=1),
        "roles": match.array_containing([match.str("admin")]),
        "keys": match.each_key_matches({"a": 1}, rules=match.regex("a", regex="[a-z]")),
        "n": match.like(1, generator=generate.int(min=0, max=9)),
    }
    matcher: AbstractMatcher[int] = match.int(5)
    gen: AbstractGenerator = generate.uuid()
    (
        pact.upon_receiving("a request")
        .given("a state", {"id": 1}, name="x")
        .with_request("GET", match.regex("/users/1", regex=r"/users/\d+"))
        .with_query_parameter("q", matcher)
        .with_header("Accept", "application/json")
        .with_headers({"X-A": "1"})
        .will_respond_with(200)
        .with_body(body, content_type="application/json")
        .with_header("X-Id", match.uuid())
    )
    message = pact.upon_receiving("an event", "Async").with_body({"id": match.int(1)})
    message.with_metadata({"topic": "users"})
    sync = pact.upon_receiving("a call", "Sync").with_body({"q": 1}).will_respond_with()
    sync.with_body({"a": 2})
    document = xml.body(xml.element("user", xml.element("id", match.int(1)), attrs={"v": "1"}))
    pact.upon_receiving("xml").with_request("GET", "/x").will_respond_with(200).with_body(
        document, content_type="application/xml")
    _ = gen


def test_user(tmp_path: Path) -> None:
    pact = Pact("web", "users").with_specification("V4")
    build(pact)
    with pact.serve(raises=False) as server:
        response = httpx.get(server.url / "users" / "1")
        port: int | None = server.port
        mismatches: list[Mismatch] = server.mismatches
        ok: bool = server.matched
        print(response, port, mismatches, ok, str(server.url))

    def handler(contents: str | bytes | None, metadata: dict[str, object]) -> None:
        json.loads(contents or "{}")

    errors: list[InteractionVerificationError] | None = pact.verify(handler, "Async",
                                                                    raises=False)
    print(errors)
    pact.write_file(tmp_path, overwrite=True)
    try:
        pass
    except MismatchesError as exc:
        print(exc.mismatches)
