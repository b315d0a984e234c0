"""Several interactions match one request fully: the most specific answers, over real HTTP.

The pact is shaped like the reference's own test for this: the same route twice, once plain
and once requiring a header; the request carrying the header gets the specific answer.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import pactpool


def _pact(*interactions: dict[str, Any]) -> dict[str, Any]:
    return {"consumer": {"name": "c"}, "provider": {"name": "p"},
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
            "interactions": list(interactions)}


def _answer(description: str, request: dict[str, Any], body: str) -> dict[str, Any]:
    return {"description": description, "request": request,
            "response": {"status": 200, "headers": {"Content-Type": "text/plain"},
                         "body": body}}


PLAIN = _answer("plain", {"method": "GET", "path": "/users"}, "plain")


@pytest.mark.parametrize(("name", "value"), [("Authorization", "Bearer token"),
                                              ("Accept", "application/xml")])
def test_the_interaction_naming_the_header_answers(serve: Any, name: str, value: str) -> None:
    specific = _answer("specific", {"method": "GET", "path": "/users", "headers": {name: value}},
                       "specific")
    server = serve(_pact(PLAIN, specific))
    with httpx.Client() as client:
        with_header = client.get(server.url + "/users", headers={name: value})
        without = client.get(server.url + "/users", headers={"Accept": "text/plain"}
                             if name == "Authorization" else {})
    assert (with_header.status_code, with_header.text) == (200, "specific")
    assert (without.status_code, without.text) == (200, "plain")
    assert server.matched
    assert pactpool.mock_server_mismatches(server.port) == "[]"


def test_a_tie_goes_to_the_first_in_pact_order(serve: Any) -> None:
    server = serve(_pact(PLAIN, _answer("second", {"method": "GET", "path": "/users"}, "second")))
    response = httpx.get(server.url + "/users")
    assert (response.status_code, response.text) == (200, "plain")
