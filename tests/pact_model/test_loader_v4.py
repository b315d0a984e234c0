"""The V3/V4 model: V4 interactions and their fields, messages, round-trips, and bad rules."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from pactpool_worker.errors import PactLoadError
from pactpool_worker.http.wire import HttpRequest
from pactpool_worker.matching import InteractionIndex, match_message
from pactpool_worker.pact import BodyState, load_pact
from pactpool_worker.service.logbook import Logbook
from pactpool_worker.service.mock import MockOptions, MockService

RICH_V4 = {
    "consumer": {"name": "shop-web"},
    "provider": {"name": "shop-api"},
    "interactions": [
        {
            "type": "Synchronous/HTTP",
            "key": "a1b2c3",
            "description": "create an order",
            "pending": True,
            "comments": {"text": ["created by the checkout test"], "testname": "checkout",
                         "references": {"jira": ["SHOP-12"]}},
            "providerStates": [{"name": "a basket exists", "params": {"basketId": 42,
                                                                      "items": ["x", "y"]}}],
            "request": {
                "method": "POST", "path": "/orders",
                "query": {"dryRun": ["false"]},
                "headers": {"Content-Type": ["application/json"], "X-Trace": ["t-1"]},
                "body": {"contentType": "application/json", "encoded": False,
                         "content": {"basket": 42, "placed": "2024-01-31T10:00:00Z"}},
                "matchingRules": {
                    "body": {"$.basket": {"combine": "AND", "matchers": [{"match": "integer"}]},
                             "$.placed": {"combine": "AND", "matchers": [
                                 {"match": "timestamp", "format": "yyyy-MM-dd'T'HH:mm:ssXXX"}]}},
                    "header": {"X-Trace": {"combine": "AND", "matchers": [
                        {"match": "regex", "regex": "t-\\d+"}]}},
                    "query": {"dryRun": {"combine": "OR", "matchers": [{"match": "boolean"}]}},
                },
                "generators": {"body": {"$.placed": {"type": "DateTime",
                                                     "format": "yyyy-MM-dd'T'HH:mm:ssXXX"}}},
            },
            "response": {
                "status": 201,
                "headers": {"Location": ["/orders/1"]},
                "body": {"contentType": "application/octet-stream", "encoded": "base64",
                         "content": "AAEC"},
                "matchingRules": {"status": {"combine": "AND", "matchers": [
                    {"match": "statusCode", "status": "success"}]}},
                "generators": {"header": {"Location": {"type": "MockServerURL",
                                                       "example": "/orders/1",
                                                       "regex": ".*/orders/\\d+"}}},
            },
            "transport": "http",
            "interactionMarkup": {"markup": "# Order", "markupType": "COMMON_MARK"},
            "pluginConfiguration": {"protobuf": {"descriptorKey": "abc"}},
        },
        {
            "type": "Asynchronous/Messages",
            "key": "m1",
            "description": "an order was placed",
            "providerStates": [{"name": "an order exists"}],
            "contents": {"contentType": "application/json", "encoded": False,
                         "content": {"orderId": 1}},
            "metadata": {"contentType": "application/json", "topic": "orders"},
            "matchingRules": {"content": {"$.orderId": {"matchers": [{"match": "integer"}]}},
                              "metadata": {"topic": {"matchers": [{"match": "regex",
                                                                   "regex": "orders|ledger"}]}}},
        },
        {
            "type": "Synchronous/Messages",
            "description": "price lookup",
            "request": {"contents": {"contentType": "text/plain", "encoded": False,
                                     "content": "sku-1"}},
            "response": [{"contents": {"contentType": "application/json", "encoded": "json",
                                       "content": "{\"price\": 1.5}"}}],
        },
    ],
    "metadata": {
        "pactSpecification": {"version": "4.0"},
        "pactRust": {"ffi": "0.4.0", "models": "1.1.0"},
        "plugins": [{"name": "protobuf", "version": "0.3.0", "configuration": {"x": 1}}],
    },
}


def test_a_rich_v4_document_round_trips_byte_for_byte() -> None:
    text = orjson.dumps(RICH_V4)
    pact = load_pact(text)
    assert orjson.dumps(pact.raw) == text
    before = copy.deepcopy(RICH_V4)
    assert orjson.dumps(load_pact(RICH_V4).raw) == orjson.dumps(before)
    assert before == RICH_V4  # loading a dict never changes it


def test_v4_interaction_fields() -> None:
    http, message, sync = load_pact(RICH_V4).interactions
    assert (http.type, http.key, http.pending, http.is_http) == \
        ("Synchronous/HTTP", "a1b2c3", True, True)
    assert http.comments == RICH_V4["interactions"][0]["comments"]  # type: ignore[index]
    assert http.provider_states == [{"name": "a basket exists",
                                     "params": {"basketId": 42, "items": ["x", "y"]}}]
    assert http.plugin_configuration == {"protobuf": {"descriptorKey": "abc"}}
    assert http.request is not None and http.response is not None
    assert http.request.generators == {"body": {"$.placed": {
        "type": "DateTime", "format": "yyyy-MM-dd'T'HH:mm:ssXXX"}}}
    assert http.response.generators is not None and "header" in http.response.generators
    assert http.response.body.content == b"\x00\x01\x02"
    assert (message.type, message.is_http, message.request) == ("Asynchronous/Messages", False,
                                                                None)
    assert message.message is not None and message.message.metadata["topic"] == "orders"
    assert orjson.loads(message.message.contents.content) == {"orderId": 1}
    assert sync.type == "Synchronous/Messages" and not sync.is_http
    assert sync.message is not None and sync.message.contents.content == b"sku-1"
    assert [orjson.loads(r.contents.content) for r in sync.replies] == [{"price": 1.5}]


def test_message_interactions_are_never_selected_and_never_crash_a_server() -> None:
    pact = load_pact(RICH_V4)
    assert len(InteractionIndex(pact.interactions).all) == 1
    service = MockService(pact, MockOptions(), Logbook("error"))
    body = b'{"basket": 7, "placed": "2025-05-05T05:05:05+02:00"}'
    answer = service.handle(HttpRequest("POST", "/orders", "dryRun=true",
                                        [("Content-Type", "application/json"),
                                         ("X-Trace", "t-99")], body, "1.1", None))
    assert answer.status == 201
    other = service.handle(HttpRequest("GET", "/nothing", "", [], b"", "1.1", None))
    assert other.status == 500
    assert [m["type"] for m in service.recorder.mismatches()] == ["request-not-found"]


def test_message_contents_and_metadata_match_with_their_rules() -> None:
    template = load_pact(RICH_V4).interactions[1].message
    doc = copy.deepcopy(RICH_V4)
    actual_item = doc["interactions"][1]  # type: ignore[index]
    actual_item["contents"]["content"] = {"orderId": 99}
    actual_item["metadata"]["topic"] = "ledger"
    assert template is not None
    actual = load_pact(doc).interactions[1].message
    assert actual is not None
    assert match_message(template, actual) == []
    actual_item["contents"]["content"] = {"orderId": "99"}
    actual_item["metadata"] = {"contentType": "application/json"}
    failed = load_pact(doc).interactions[1].message
    assert failed is not None
    assert [m.to_json() for m in match_message(template, failed)] == [
        {"type": "BodyMismatch", "path": "$.orderId", "expected": "1", "actual": '"99"',
         "mismatch": "Expected '99' (String) to be an integer"},
        {"type": "MetadataMismatch", "key": "topic", "expected": "orders", "actual": "",
         "mismatch": "Expected metadata with key 'topic' but was missing"}]


def test_v3_message_pacts_load_their_messages() -> None:
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"},
           "metadata": {"pactSpecification": {"version": "3.0.0"}},
           "messages": [{"description": "m", "providerStates": [{"name": "s"}],
                         "contents": {"a": 1}, "metaData": {"contentType": "application/json"},
                         "matchingRules": {"body": {"$.a": {"matchers": [{"match": "type"}]}}}}]}
    interaction = load_pact(doc).interactions[0]
    assert interaction.type == "Asynchronous/Messages" and interaction.message is not None
    assert interaction.message.contents.state is BodyState.PRESENT
    assert interaction.message.metadata == {"contentType": "application/json"}


# ---------------------------------------------------------------------------------------------
# Bad input: each refusal names the interaction, the category and the rule path


def _pact_with_rules(rules: dict[str, Any], part: str = "request") -> dict[str, Any]:
    doc = copy.deepcopy(RICH_V4)
    doc["interactions"] = [doc["interactions"][0]]  # type: ignore[index]
    doc["interactions"][0][part]["matchingRules"] = rules  # type: ignore[index]
    return doc


REQ = "$.interactions[0].request.matchingRules"
BAD_RULES: list[tuple[str, dict[str, Any], str, str]] = [
    ("regex that does not compile", {"body": {"$.a": {"matchers": [
        {"match": "regex", "regex": "(unclosed"}]}}},
     f"{REQ}.body.$.a.matchers[0].regex", "does not compile"),
    ("date format that cannot be parsed", {"body": {"$.a": {"matchers": [
        {"match": "date", "format": "yyyy-bb-dd"}]}}},
     f"{REQ}.body.$.a.matchers[0].format", "unknown pattern letter 'b'"),
    ("unclosed quote in a timestamp format", {"body": {"$.a": {"matchers": [
        {"match": "timestamp", "format": "yyyy'T"}]}}},
     f"{REQ}.body.$.a.matchers[0].format", "unclosed quote"),
    ("path syntax", {"body": {"$.a[x": {"matchers": [{"match": "type"}]}}},
     f"{REQ}.body.$.a[x", "unclosed '['"),
    ("path that can never exist in a header", {"header": {"$.x-trace.deeper": {"matchers": [
        {"match": "type"}]}}}, f"{REQ}.header.$.x-trace.deeper", "can never match"),
    ("min greater than max", {"body": {"$.list": {"matchers": [
        {"match": "type", "min": 3, "max": 1}]}}},
     f"{REQ}.body.$.list.matchers[0]", "greater than 'max'"),
    ("negative min", {"body": {"$.list": {"matchers": [{"match": "type", "min": -1}]}}},
     f"{REQ}.body.$.list.matchers[0].min", "non-negative"),
    ("unknown rule", {"body": {"$.a": {"matchers": [{"match": "frobnicate"}]}}},
     f"{REQ}.body.$.a.matchers[0].match", "unknown matching rule 'frobnicate'"),
    ("jvm-only rule", {"body": {"$.a": {"matchers": [{"match": "equalsIgnoreOrder"}]}}},
     f"{REQ}.body.$.a.matchers[0].match", "Pact-JVM extension"),
    ("include without a value", {"body": {"$.a": {"matchers": [{"match": "include"}]}}},
     f"{REQ}.body.$.a.matchers[0].value", "'value'"),
    ("contentType without a value", {"body": {"$": {"matchers": [{"match": "contentType"}]}}},
     f"{REQ}.body.$.matchers[0].value", "'value'"),
    ("arrayContains without variants", {"body": {"$.a": {"matchers": [
        {"match": "arrayContains"}]}}}, f"{REQ}.body.$.a.matchers[0].variants", "variants"),
    ("bad regex inside a variant", {"body": {"$.a": {"matchers": [
        {"match": "arrayContains", "variants": [{"index": 0, "rules": {
            "$.id": {"matchers": [{"match": "regex", "regex": "["}]}}}]}]}}},
     f"{REQ}.body.$.a.matchers[0].variants[0].rules.$.id.matchers[0].regex", "does not compile"),
    ("eachKey without rules", {"body": {"$.a": {"matchers": [{"match": "eachKey"}]}}},
     f"{REQ}.body.$.a.matchers[0].rules", "non-empty 'rules'"),
    ("bad rule inside eachValue", {"body": {"$.a": {"matchers": [
        {"match": "eachValue", "rules": [{"match": "date", "format": "qqqqqq"}]}]}}},
     f"{REQ}.body.$.a.matchers[0].rules[0].format", "too many pattern letters"),
    ("bad combine", {"body": {"$.a": {"combine": "XOR", "matchers": [{"match": "type"}]}}},
     f"{REQ}.body.$.a.combine", "AND"),
]


@pytest.mark.parametrize(("rules", "json_path", "words"),
                         [pytest.param(r, p, w, id=n) for n, r, p, w in BAD_RULES])
def test_bad_rules_name_interaction_category_and_rule_path(rules: dict[str, Any], json_path: str,
                                                           words: str) -> None:
    with pytest.raises(PactLoadError) as info:
        load_pact(_pact_with_rules(rules))
    assert info.value.json_path == json_path
    assert words in info.value.reason


def test_bad_status_class_names_the_response_rule() -> None:
    rules = {"status": {"matchers": [{"match": "statusCode", "status": "great"}]}}
    with pytest.raises(PactLoadError) as info:
        load_pact(_pact_with_rules(rules, "response"))
    assert info.value.json_path == "$.interactions[0].response.matchingRules.status.matchers[0]" \
                                   ".status"
    assert "'great' is not a status class" in info.value.reason


def test_a_regex_in_a_message_is_never_evaluated_so_only_warned_about() -> None:
    doc = copy.deepcopy(RICH_V4)
    doc["interactions"][1]["matchingRules"]["content"]["$.orderId"]["matchers"] = [  # type: ignore[index]
        {"match": "regex", "regex": "*"}]
    pact = load_pact(doc)
    assert [w.path for w in pact.warnings] == [
        "$.interactions[1].matchingRules.content.$.orderId.matchers[0].regex"]


@pytest.mark.parametrize(("field", "value"), [("key", 3), ("pending", "yes"),
                                              ("comments", ["x"])])
def test_bad_v4_fields(field: str, value: Any) -> None:
    doc = copy.deepcopy(RICH_V4)
    doc["interactions"][0][field] = value  # type: ignore[index]
    with pytest.raises(PactLoadError) as info:
        load_pact(doc)
    assert info.value.json_path == f"$.interactions[0].{field}"
