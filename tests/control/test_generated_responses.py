"""Generators through a real server: fresh values per request, the real URL, bad ones refused."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from support import simple_pact

import pactpool

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
EXAMPLE_URL = "http://localhost:8080/orders/1234"


def order_interaction(**body_generators: Any) -> dict[str, Any]:
    return {
        "description": "create an order",
        "request": {"method": "POST", "path": "/orders"},
        "response": {
            "status": 201,
            "headers": {"Content-Type": "application/json", "X-Request-Id": "example",
                        "Location": EXAMPLE_URL},
            "body": {"id": "00000000-0000-4000-8000-000000000000", "count": 3,
                     "code": "AB-123", "token": "aaaaaaaaaaaaaaaaaaaa",
                     "created": "2000-01-01", "self": EXAMPLE_URL, "state": "kept",
                     "lines": [{"sku": 1}, {"sku": 2}]},
            "generators": {
                "status": {"type": "RandomInt", "min": 201, "max": 202},
                "header": {
                    "X-Request-Id": {"type": "Uuid"},
                    "Location": {"type": "MockServerURL", "example": EXAMPLE_URL,
                                 "regex": r".*(/orders/\d+)$"},
                },
                "body": {
                    "$.id": {"type": "Uuid"},
                    "$.count": {"type": "RandomInt", "min": 10, "max": 99},
                    "$.code": {"type": "Regex", "regex": r"[A-Z]{2}-\d{3}"},
                    "$.token": {"type": "RandomString", "size": 20},
                    "$.created": {"type": "Date", "format": "yyyy-MM-dd"},
                    "$.self": {"type": "MockServerURL", "example": EXAMPLE_URL,
                               "regex": r".*(/orders/\d+)$"},
                    "$.state": {"type": "ProviderState", "expression": "${state}"},
                    "$.lines[*].sku": {"type": "RandomHexadecimal", "digits": 8},
                    **body_generators,
                },
            },
        },
    }


def test_a_v3_pact_with_generators_serves_fresh_values(serve: Any) -> None:
    server = serve(simple_pact(order_interaction(), version="3.0.0"))
    first, second = (httpx.post(server.url + "/orders") for _ in range(2))
    for response in (first, second):
        assert response.status_code in (201, 202)
        body = response.json()
        assert re.fullmatch(UUID, body["id"])
        assert isinstance(body["count"], int) and 10 <= body["count"] <= 99
        assert re.fullmatch(r"[A-Z]{2}-\d{3}", body["code"])
        assert re.fullmatch(r"[A-Za-z0-9]{20}", body["token"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", body["created"])
        assert body["self"] == server.url + "/orders/1234"
        assert body["state"] == "kept"  # consumer mode: ProviderState keeps the example
        assert all(re.fullmatch(r"[0-9A-F]{8}", line["sku"]) for line in body["lines"])
        assert re.fullmatch(UUID, response.headers["x-request-id"])
        assert response.headers["location"] == server.url + "/orders/1234"
        assert response.headers["content-type"] == "application/json"
    a, b = first.json(), second.json()
    assert a["id"] != b["id"] and a["token"] != b["token"]
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert pactpool.mock_server_matched(server.port)


def test_interactions_without_generators_are_served_unchanged(serve: Any) -> None:
    plain = {"description": "plain", "request": {"method": "GET", "path": "/plain"},
             "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                          "body": {"id": 1}}}
    server = serve(simple_pact(plain, order_interaction(), version="3.0.0"))
    responses = [httpx.get(server.url + "/plain") for _ in range(2)]
    assert [r.content for r in responses] == [b'{"id":1}'] * 2


@pytest.mark.parametrize(("generator", "path", "word"), [
    ({"$.count": {"type": "RandomInt", "min": 9, "max": 1}},
     "$.interactions[0].response.generators.body.$.count", "greater than max"),
    ({"$.code": {"type": "Regex", "regex": "([A-Z]"}},
     "$.interactions[0].response.generators.body.$.code", "regular expression"),
    ({"$.created": {"type": "Date", "expression": "the day after tomorrow"}},
     "$.interactions[0].response.generators.body.$.created", "expression"),
    ({"$.id": {"type": "NoSuchGenerator"}},
     "$.interactions[0].response.generators.body.$.id", "unknown generator type"),
])
def test_a_bad_generator_fails_create_with_its_path(generator: dict[str, Any], path: str,
                                                    word: str) -> None:
    before = pactpool.api.get_controller().ports()
    with pytest.raises(pactpool.InvalidPactError) as failure:
        pactpool.create_mock_server(simple_pact(order_interaction(**generator),
                                                version="3.0.0"))
    assert failure.value.json_path == path
    assert word in str(failure.value)
    assert pactpool.api.get_controller().ports() == before  # nothing left serving


def test_two_servers_never_repeat_each_others_values(serve: Any) -> None:
    pact = simple_pact(order_interaction(), version="3.0.0")
    first, second = serve(pact), serve(pact)
    ids = [httpx.post(server.url + "/orders").json()["id"] for server in (first, second)]
    assert ids[0] != ids[1]  # each worker seeds its own randomness after it starts


def test_a_v4_pact_with_a_typed_body(serve: Any) -> None:
    interaction = {
        "type": "Synchronous/HTTP", "description": "v4 order",
        "request": {"method": "GET", "path": "/v4"},
        "response": {
            "status": 200, "headers": {"Content-Type": ["application/json"]},
            "body": {"contentType": "application/json", "encoded": False,
                     "content": {"id": 1, "at": "2000-01-01T00:00:00"}},
            "generators": {"body": {
                "$.id": {"type": "RandomInt", "min": 100, "max": 200},
                "$.at": {"type": "DateTime", "format": "yyyy-MM-dd'T'HH:mm:ss",
                         "expression": "today @ midnight"},
            }},
        },
    }
    server = serve(simple_pact(interaction, version="4.0"))
    body = httpx.get(server.url + "/v4").json()
    assert 100 <= body["id"] <= 200
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00", body["at"])
