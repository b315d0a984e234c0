"""Whatever arrives (wrong types, broken bodies, random bytes), matching answers, never raises."""

from __future__ import annotations

import base64
import random
from typing import Any

import pytest

from pactpool_worker.matching import InteractionIndex
from pactpool_worker.pact import load_pact, request_from_http

CONTENT_TYPES = ["application/json", "application/xml", "text/plain",
                 "application/x-www-form-urlencoded", "multipart/form-data; boundary=b",
                 "multipart/mixed", "application/octet-stream", "image/png", "", "garbage"]

BODIES = [b"", b"null", b"{", b'{"a": [1, {"b": null}]}', b"[1, 2, 3]", b"<a x='1'><b>t</b></a>",
          b"<a", b"a=1&a=2&b",
          b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--",
          b"--b\r\nbroken", b"\x89PNG\r\n\x1a\n\x00", b"\xff\xfe\x00", "ünïcode".encode(),
          b'{"a": "2020-13-45", "n": 1e400}']

RULES = {
    "body": {
        "$": {"matchers": [{"match": "type"}]},
        "$.a": {"combine": "OR", "matchers": [{"match": "date"}, {"match": "semver"},
                                              {"match": "notEmpty"}]},
        "$.a[*]": {"matchers": [{"match": "eachValue", "rules": [{"match": "integer"}]}]},
        "$.b": {"matchers": [{"match": "arrayContains", "variants": [{"index": 0}]}]},
        "$.c": {"matchers": [{"match": "eachKey", "rules": [{"match": "regex", "regex": "k"}]},
                             {"match": "values"}]},
        "$.d": {"matchers": [{"match": "contentType", "value": "image/png"}]},
        "$.e": {"matchers": [{"match": "statusCode", "status": "success"}]},
    },
    "header": {"X": {"matchers": [{"match": "timestamp"}, {"match": "boolean"}]}},
    "query": {"q": {"matchers": [{"match": "number"}, {"match": "type", "min": 2}]}},
    "path": {"matchers": [{"match": "regex", "regex": "/p.*"}]},
}


def _pact() -> dict[str, Any]:
    interactions = []
    for i, content_type in enumerate(CONTENT_TYPES):
        body = BODIES[i % len(BODIES)]
        request: dict[str, Any] = {
            "method": "POST", "path": f"/p{i}", "query": {"q": ["1", "2"]},
            "headers": {"X": "true", **({"Content-Type": content_type} if content_type else {})},
            "body": {"contentType": content_type or "application/octet-stream",
                     "encoded": "base64", "content": base64.b64encode(body).decode()},
            "matchingRules": RULES,
        }
        interactions.append({"type": "Synchronous/HTTP", "description": f"i{i}",
                             "request": request, "response": {"status": 200}})
    return {"consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": interactions,
            "metadata": {"pactSpecification": {"version": "4.0"}}}


@pytest.mark.parametrize("seed", range(20))
def test_matching_never_raises(seed: int) -> None:
    rng = random.Random(seed)
    index = InteractionIndex(load_pact(_pact()).interactions)
    for _ in range(60):
        headers = [("Content-Type", rng.choice(CONTENT_TYPES))] if rng.random() < 0.8 else []
        if rng.random() < 0.5:
            headers.append(("X", rng.choice(["true", "2020-01-01T00:00:00Z", "", "\u00e9"])))
        body = rng.choice(BODIES) if rng.random() < 0.8 else rng.randbytes(rng.randint(0, 64))
        query = rng.choice(["", "q=1", "q=x&q=2", "q", "q=%ff", "z=1"])
        actual = request_from_http("POST", rng.choice(["/p1", "/p5", "/x", ""]), query, headers,
                                   body)
        selection = index.select(actual)
        assert selection.kind in ("match", "mismatch", "not-found")
        for mismatch in selection.mismatches:
            assert isinstance(mismatch.to_json()["mismatch"], str)
