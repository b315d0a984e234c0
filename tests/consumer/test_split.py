"""pactpool.consumer._split: the bridge from matcher-laden values to a pact's example, rules and
generators; and proof that pactpool serves, and pact_ffi's verifier accepts, what it makes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import json_provider

import pactpool
from pactpool.consumer import match, xml
from pactpool.consumer._split import Split, field_path, rule_json, split, split_xml
from pactpool.errors import PactDefinitionError


def test_plain_json_passes_through() -> None:
    value = {"a": [1, 2.5, None, True, "x"], "b": {"c": {}}}
    assert split(value) == Split(value, {}, {})
    assert split([1, (2, 3)]).example == [1, [2, 3]]


def test_scalar_conversions_and_refusals() -> None:
    result = split({"d": Decimal("1.5"), "n": Decimal("3"), "day": dt.date(2024, 7, 20), 1: 2})
    assert result.example == {"d": 1.5, "n": 3, "day": "2024-07-20", "1": 2}
    with pytest.raises(TypeError, match=r"set is not a JSON value \(at \$\.s\)"):
        split({"s": {1}})
    with pytest.raises(TypeError, match="keys"):
        split({(1, 2): 1})


def test_paths_follow_pact_reference() -> None:
    assert field_path("$", "name") == "$.name"
    assert field_path("$", "_a1") == "$._a1"
    assert field_path("$", "a b") == "$['a b']"
    assert field_path("$", "1st") == "$['1st']"
    assert field_path("$", "it's") == "$['it\\'s']"
    assert field_path("$.x", "a-b") == "$.x['a-b']"
    body = {"a b": {"c": [match.int(1), {"d": match.str("x")}]}}
    assert set(split(body).rules) == {"$['a b'].c[0]", "$['a b'].c[1].d"}


def test_root_prefixes_every_path() -> None:
    result = split({"q": match.regex("1", regex=r"\d")}, root="$.body")
    assert set(result.rules) == {"$.body.q"}


def test_raw_integration_json_is_read_like_pact_ffi() -> None:
    body = {"id": {"pact:matcher:type": "integer", "value": 3,
                   "pact:generator:type": "RandomInt", "min": 1, "max": 9},
            "when": {"pact:matcher:type": "timestamp", "format": "yyyy", "value": "2024"},
            "both": {"pact:matcher:type": [{"pact:matcher:type": "type"},
                                           {"pact:matcher:type": "regex", "regex": "a+"}],
                     "value": "aa"},
            "gen": {"pact:generator:type": "RandomBoolean"}}
    result = split(body)
    assert result.example["id"] == 3
    assert result.rules["$.id"]["matchers"] == [{"match": "integer"}]
    assert result.generators["$.id"] == {"type": "RandomInt", "min": 1, "max": 9}
    assert result.rules["$.when"]["matchers"] == [{"match": "datetime", "format": "yyyy"}]
    assert result.rules["$.both"]["matchers"] == [{"match": "type"},
                                                  {"match": "regex", "regex": "a+"}]
    assert result.generators["$.gen"] == {"type": "RandomBoolean"}
    assert isinstance(result.example["gen"], bool)


def test_rule_json_names() -> None:
    assert rule_json({"match": "real"}) == {"match": "decimal"}
    assert rule_json({"match": "min", "min": 2}) == {"match": "type", "min": 2}
    assert rule_json({"match": "date", "date": "yyyy"}) == {"match": "date", "format": "yyyy"}
    assert rule_json({"match": "contentType", "value": "image/png"}) == \
        {"match": "contentType", "value": "image/png"}
    assert rule_json({"match": "statusCode"}) == {"match": "statusCode", "status": "success"}
    assert rule_json({"match": "notEmpty"}) == {"match": "notEmpty"}
    with pytest.raises(PactDefinitionError, match="unknown matching rule"):
        rule_json({"match": "sortOf"})
    with pytest.raises(PactDefinitionError, match="regex"):
        rule_json({"match": "regex"})


def test_unknown_generator_is_refused() -> None:
    with pytest.raises(PactDefinitionError, match="unknown generator"):
        split({"pact:matcher:type": "type", "value": 1, "pact:generator:type": "Dice"})


def test_duplicate_rules_from_repeated_items_are_written_once() -> None:
    result = split(match.each_like({"id": match.int(1)}, min=3))
    assert result.rules["$[*].id"]["matchers"] == [{"match": "integer"}]
    assert len(result.example) == 3


# ---- pactpool serves what split makes ---------------------------------------------------------

BODY = {
    "id": match.int(7), "name": match.str("Ann"), "tags": match.each_like(match.str("a"), min=2),
    "when": match.datetime("2024-07-20T14:30:00+0000"), "uid": match.uuid(),
    "scores": match.each_value_matches({"m": 1}, rules=match.int(1)),
    "keys": match.each_key_matches({"k-1": "x"}, rules=match.regex("k-1", regex=r"k-\d")),
    "perms": match.array_containing([match.regex("read", regex=r"r\w+"), {"a": match.int(1)}]),
    "price": match.float(1.5), "none": match.none(), "greeting": match.includes("ell"),
    "day": match.date("2024-07-20"), "flag": match.bool(True), "count": match.number(3),
    "odd key": match.int(1),
}


def pact_for(split_body: Split, content_type: str, provider: str) -> dict[str, Any]:
    return {
        "consumer": {"name": "consumer"}, "provider": {"name": provider},
        "interactions": [{
            "description": "a request for the thing",
            "request": {"method": "GET", "path": "/thing"},
            "response": {"status": 200, "headers": {"Content-Type": content_type},
                         "body": split_body.example,
                         "matchingRules": {"body": split_body.rules},
                         "generators": {"body": split_body.generators}},
        }],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def test_pactpool_serves_a_split_json_body() -> None:
    result = split(BODY)
    with pactpool.MockServer(pact_for(result, "application/json", "p-json")) as server:
        response = httpx.get(server.url + "/thing")
        server.assert_matched()
    assert response.status_code == 200
    served = response.json()
    assert served["id"] == 7 and served["tags"] == ["a", "a"]
    assert served["perms"] == ["read", {"a": 1}]
    assert served["uid"] != result.example["uid"] or len(served["uid"]) == 36  # generated


def test_pactpool_serves_a_split_xml_body() -> None:
    doc = xml.element("users", xml.element("user", xml.element("id", match.int(1))).each(
        min=1, examples=2))
    result = split_xml(doc)
    with pactpool.MockServer(pact_for(result, "application/xml", "p-xml")) as server:
        response = httpx.get(server.url + "/thing")
    assert response.status_code == 200
    assert response.text.count("<id>1</id>") == 2


# ---- pact_ffi's verifier reads the same pact and applies every rule ---------------------------

PROVIDER_BODY = {
    "id": 99, "name": "Bob", "tags": ["x", "y", "z"], "when": "2023-01-02T03:04:05+0100",
    "uid": "123e4567-e89b-12d3-a456-426614174000", "scores": {"a": 5, "b": 6},
    "keys": {"k-9": "y"}, "perms": ["zz", {"a": 5}, "rw"], "price": 2.25, "none": None,
    "greeting": "hello", "day": "2020-02-29", "flag": False, "count": 4.5, "odd key": 3,
}


@pytest.fixture
def provider() -> Iterator[tuple[str, dict[str, Any]]]:
    state: dict[str, Any] = {"body": PROVIDER_BODY}

    with json_provider(lambda: state["body"]) as url:
        yield url, state


def verify(pact_file: Path, url: str) -> str | None:
    pact = pytest.importorskip("pact")
    verifier = pact.Verifier("p-ffi", host="127.0.0.1").add_transport(url=url)
    verifier.add_source(str(pact_file))
    try:
        verifier.verify()
    except Exception:
        return str(verifier.output(strip_ansi=True))
    return None


def test_pact_ffi_verifier_accepts_and_applies_the_rules(
        tmp_path: Path, provider: tuple[str, dict[str, Any]]) -> None:
    url, state = provider
    pact_file = tmp_path / "consumer-p-ffi.json"
    pact_file.write_text(json.dumps(pact_for(split(BODY), "application/json", "p-ffi")))
    assert verify(pact_file, url) is None  # different values, same shapes: verified

    state["body"] = {**PROVIDER_BODY, "id": "99", "keys": {"kx": "y"}, "perms": ["zz"]}
    output = verify(pact_file, url)
    assert output is not None
    assert "$.id" in output and "$.keys" in output and "$.perms" in output
