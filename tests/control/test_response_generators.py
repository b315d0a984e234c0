"""Each generator location of a response, through one real server (V3 and V4 pacts).

Response locations are status, header and body (JSON and XML); `path`, `query` and `method`
generators belong to requests, so on a response they change nothing (checked too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from support import simple_pact

import pactpool

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
DIGITS = r"\d{1,3}"

# location -> (response with its generators, check of the served response)
CASES: dict[str, dict[str, Any]] = {
    "status": {"status": 200, "generators": {"status": {"type": "RandomInt", "min": 201,
                                                        "max": 203}}},
    "header": {"status": 200, "headers": {"X-Id": "abc"},
               "generators": {"header": {"x-id": {"type": "Uuid"}}}},
    "header-path-key": {"status": 200, "headers": {"X-Id": "abc"},
                        "generators": {"header": {"$['X-Id']": {"type": "Uuid"}}}},
    "header-multi-value": {"status": 200, "headers": {"X-N": ["1", "2"]},
                           "generators": {"header": {"X-N": {"type": "RandomInt",
                                                             "min": 100, "max": 999}}}},
    "header-absent": {"status": 200, "generators": {"header": {"X-Id": {"type": "Uuid"}}}},
    "body-json": {"status": 200, "headers": {"Content-Type": "application/json"},
                  "body": {"id": 1}, "generators": {"body": {"$.id": {"type": "RandomInt",
                                                                       "min": 100,
                                                                       "max": 999}}}},
    "body-xml-text": {"status": 200, "headers": {"Content-Type": "application/xml"},
                      "body": "<?xml version='1.0'?><o><id>1</id><e/></o>",
                      "generators": {"body": {"$.o.id['#text']": {"type": "RandomInt",
                                                                   "min": 100, "max": 999},
                                              "$.o.e['#text']": {"type": "Uuid"}}}},
    "body-xml-attribute": {"status": 200, "headers": {"Content-Type": "text/xml"},
                           "body": '<n:o xmlns:n="urn:x" n:id="1"><i k="a"/><i k="b"/></n:o>',
                           "generators": {"body": {"$['n:o']['@n:id']": {"type": "Uuid"},
                                                   "$['n:o'].i['@k']": {"type": "Regex",
                                                                         "regex": "[x-z]{3}"}}}},
    "request-only": {"status": 200, "generators": {
        "path": {"type": "RandomString"}, "query": {"q": {"type": "RandomInt"}}}},
}


def check(location: str, response: httpx.Response) -> None:
    if location == "status":
        assert response.status_code in (201, 202, 203)
        return
    assert response.status_code == 200
    if location in ("header", "header-path-key"):
        assert re.fullmatch(UUID, response.headers["x-id"])
    elif location == "header-multi-value":
        assert re.fullmatch(r"\d{3}, \d{3}", response.headers["x-n"])
    elif location == "header-absent":
        assert "x-id" not in response.headers  # as the reference: replaced, never added
    elif location == "body-json":
        assert 100 <= response.json()["id"] <= 999
    elif location == "body-xml-text":
        assert re.fullmatch(rf"<\?xml version='1.0'\?><o><id>{DIGITS}</id><e>{UUID}</e></o>",
                            response.text)
    elif location == "body-xml-attribute":
        assert re.fullmatch(rf'<n:o xmlns:n="urn:x" n:id="{UUID}"><i k="[x-z]{{3}}"/>'
                            r'<i k="[x-z]{3}"/></n:o>', response.text)
    else:
        assert response.content == b""


@pytest.fixture(scope="module", params=["3.0.0", "4.0"])
def server(request: pytest.FixtureRequest) -> Iterator[pactpool.MockServer]:
    interactions = []
    for location, response in CASES.items():
        item: dict[str, Any] = {"description": location,
                                "request": {"method": "GET", "path": f"/{location}"},
                                "response": response}
        if request.param == "4.0":
            item["type"] = "Synchronous/HTTP"
        interactions.append(item)
    started = pactpool.MockServer(simple_pact(*interactions, version=request.param))
    try:
        yield started
    finally:
        started.close()


@pytest.mark.parametrize("location", list(CASES))
def test_generated_response(server: pactpool.MockServer, location: str) -> None:
    first = httpx.get(f"{server.url}/{location}")
    check(location, first)
    if location.startswith("body"):  # drawn per request
        draws = {first.content} | {httpx.get(f"{server.url}/{location}").content
                                   for _ in range(3)}
        assert len(draws) > 1
