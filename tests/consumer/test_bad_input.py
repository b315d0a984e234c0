"""Bad input gets a clear error at the call that made it, never a pact the verifier rejects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from pactpool.consumer import Pact, match, xml
from pactpool.consumer.types import UNSET
from pactpool.errors import PactDefinitionError


def http() -> Any:
    return Pact("a", "b").upon_receiving("x")


@pytest.mark.parametrize(("call", "error"), [
    (lambda: Pact(1, "b"), TypeError),  # type: ignore[arg-type]
    (lambda: Pact("", "b"), PactDefinitionError),
    (lambda: Pact("a", "b").upon_receiving(3), TypeError),  # type: ignore[call-overload]
    (lambda: Pact("a", "b").upon_receiving(""), PactDefinitionError),
    (lambda: Pact("a", "b").with_specification(4), TypeError),
    (lambda: Pact("a", "b").with_metadata("ns", {"k": 1}), TypeError),
    (lambda: http().with_request(1, "/"), TypeError),
    (lambda: http().with_request("G ET", "/"), PactDefinitionError),
    (lambda: http().with_request("GET", 5), TypeError),
    (lambda: http().with_request("GET", "/a?b=1"), PactDefinitionError),
    (lambda: http().with_request("GET", "users"), PactDefinitionError),
    (lambda: http().will_respond_with("200"), TypeError),
    (lambda: http().will_respond_with(True), TypeError),
    (lambda: http().will_respond_with(99), PactDefinitionError),
    (lambda: http().will_respond_with(600), PactDefinitionError),
    (lambda: http().with_header(1, "x"), TypeError),
    (lambda: http().with_header("bad name", "x"), PactDefinitionError),
    (lambda: http().with_header("X", "a\r\nb"), PactDefinitionError),
    (lambda: http().set_header("X", 1), TypeError),
    (lambda: http().with_headers("X: y"), TypeError),
    (lambda: http().with_query_parameter("", "x"), PactDefinitionError),
    (lambda: http().with_body(b"bytes"), TypeError),
    (lambda: http().with_body("{not json", "application/json"), PactDefinitionError),
    (lambda: http().with_body({"a": 1}, "text/plain"), PactDefinitionError),
    (lambda: http().with_binary_body("text"), TypeError),
    (lambda: http().with_body("x", part="Body"), PactDefinitionError),
    (lambda: http().with_body("x", part=1), TypeError),
    (lambda: http().with_metadata({"a": "b"}), PactDefinitionError),
    (lambda: http().given(1), TypeError),
    (lambda: http().given("s", [1]), TypeError),
    (lambda: http().given("s", x=object()), TypeError),
    (lambda: http().set_pending(pending="yes"), TypeError),
    (lambda: http().with_matching_rules({"bogus": {}}), PactDefinitionError),
    (lambda: http().with_matching_rules("{bad"), PactDefinitionError),
    (lambda: http().with_multipart_file("f", Path("/nonexistent/file.png")),
     PactDefinitionError),
    (lambda: Pact("a", "b").upon_receiving("m", "Async").with_body("x", part="Response"),
     PactDefinitionError),
])
def test_bad_call_raises_at_the_call(call: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("status", [204, 304, 101])
def test_no_body_for_a_response_that_cannot_have_one(status: int) -> None:
    with pytest.raises(PactDefinitionError, match="cannot have a body"):
        http().with_request("GET", "/").will_respond_with(status).with_body({"a": 1})
    with pytest.raises(PactDefinitionError, match="cannot have a body"):
        http().with_request("GET", "/").with_body("x", part="Response").will_respond_with(status)


def test_no_body_for_a_head_response() -> None:
    with pytest.raises(PactDefinitionError, match="HEAD"):
        http().with_request("HEAD", "/").will_respond_with(200).with_body("x")


def test_duplicate_interactions_are_refused_before_serving() -> None:
    pact = Pact("a", "b")
    pact.upon_receiving("same").with_request("GET", "/1")
    pact.upon_receiving("same").with_request("GET", "/2")
    with pytest.raises(PactDefinitionError, match="same"):
        pact.to_json()
    with pytest.raises(PactDefinitionError), pact.serve():
        pass


def test_non_utf8_text_body_needs_v4() -> None:
    pact = Pact("a", "b").with_specification("V3")
    pact.upon_receiving("x").with_request("POST", "/").with_binary_body(b"\xff\x00",
                                                                        "text/plain")
    with pytest.raises(PactDefinitionError, match="V4"):
        pact.to_json()


@pytest.mark.parametrize("spec", ["V2", "V3"])
def test_binary_bodies_before_v4_are_base64_and_served_as_bytes(spec: str) -> None:
    # Text that is also valid base64 ("abcd") once came back decoded: written as base64, as
    # pact-reference writes a body of a binary content type, it is served as sent.
    pact = Pact("a", "b").with_specification(spec)
    (pact.upon_receiving("x").with_request("POST", "/b")
     .with_binary_body(b"abcd", "application/octet-stream")
     .will_respond_with(200).with_binary_body(b"\x00\xff", "image/png"))
    assert pact.to_json()["interactions"][0]["request"]["body"] == "YWJjZA=="
    with pact.serve() as server:
        response = httpx.post(server.url / "b", content=b"abcd",
                              headers={"Content-Type": "application/octet-stream"})
    assert response.content == b"\x00\xff"


def test_verify_needs_messages() -> None:
    pact = Pact("a", "b")
    pact.upon_receiving("h").with_request("GET", "/")
    with pytest.raises(PactDefinitionError, match="no Async message"):
        pact.verify(lambda body, meta: None, "Async")
    with pytest.raises(PactDefinitionError):
        pact.verify(lambda body, meta: None, "HTTP")  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        pact.verify("not callable", "Async")  # type: ignore[call-overload]


def test_a_matcher_whose_example_fails_it_is_refused() -> None:
    with pytest.raises(PactDefinitionError):
        http().with_request("GET", match.regex("/users/x", regex=r"/users/\d+"))


def test_unknown_transport() -> None:
    with pytest.raises(PactDefinitionError, match="transport"):
        Pact("a", "b").serve(transport="grpc")


def message() -> Any:
    return Pact("a", "b").upon_receiving("m", "Async")


@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda: Pact("a", "b").serve(raises="no"), TypeError, "raises must be a bool"),
    (lambda: Pact("a", "b").serve(verbose=1), TypeError, "verbose must be a bool"),
    (lambda: Pact("a", "b").serve(port=70000), ValueError, "65535"),
    (lambda: Pact("a", "b").serve(port=-1), ValueError, "65535"),
    (lambda: Pact("a", "b").write_file("x", overwrite="yes"), TypeError, "overwrite"),
    (lambda: Pact("a", "b").upon_receiving("x", 1), TypeError, "interaction type"),
    (lambda: Pact("a", "b").interactions(2), TypeError, "interaction kind"),
    (lambda: Pact("a", "b").verify(print, 1), TypeError, "message kind"),
    (lambda: Pact("a", "b").verify(print, "HTTP"), PactDefinitionError, "'Async', 'Sync'"),
    (lambda: http().with_body({"x": float("nan")}), PactDefinitionError, r"\$\.x"),
    (lambda: http().with_body([float("inf")]), PactDefinitionError, "NaN or infinity"),
    (lambda: http().with_query_parameter("q", float("nan")), PactDefinitionError, "JSON"),
    (lambda: http().given("s", x=float("nan")), PactDefinitionError, "JSON"),
    (lambda: http().set_comment("c", [float("inf")]), PactDefinitionError, "JSON"),
    (lambda: message().with_metadata(n=float("nan")), PactDefinitionError, "JSON"),
    (lambda: http().with_matching_rules({"body": 1}), PactDefinitionError, "JSON object"),
    (lambda: http().with_matching_rules({"body": {"$.a": {"matchers": [{"match": "nope"}]}}}),
     PactDefinitionError, "unknown matching rule 'nope'"),
    (lambda: http().with_matching_rules('{"query": {"q": {"match": "regex", "regex": "["}}}'),
     PactDefinitionError, "does not compile"),
    (lambda: http().with_generators({"body": {"$.a": {"type": "Nope"}}}), PactDefinitionError,
     "unknown generator type 'Nope'"),
    (lambda: http().with_generators({"body": {"$.a": 1}}), PactDefinitionError, "'type'"),
    (lambda: http().with_generators({"header": {"X": {"type": "RandomInt", "min": 5,
                                                      "max": 1}}}),
     PactDefinitionError, "greater than max"),
    (lambda: match.each_key_matches({"a": 1}, rules=1), TypeError, "rules must be a matcher"),
    (match.number, PactDefinitionError, "min, max, or precision"),
])
def test_each_call_refuses_what_it_cannot_use(call: Any, error: type[Exception],
                                              words: str) -> None:
    with pytest.raises(error, match=words):
        call()


def test_raw_rules_and_generators_the_loader_reads_are_kept() -> None:
    interaction = (http().with_request("GET", "/a")
                   .with_matching_rules({"path": {"match": "regex", "regex": "/[a-z]"},
                                         "body": {"$.a": {"match": "type"}}})
                   .with_generators('{"query": {"q": {"type": "Uuid"}}}'))
    request = interaction.to_json()["request"]
    assert request["matchingRules"]["path"] == {"combine": "AND", "matchers": [
        {"match": "regex", "regex": "/[a-z]"}]}
    assert request["generators"] == {"query": {"q": {"type": "Uuid"}}}


@pytest.mark.parametrize(("call", "words"), [
    (lambda: Pact("", "p"), "Consumer name cannot be empty"),
    (lambda: Pact("c", ""), "Provider name cannot be empty"),
    (lambda: Pact("c", "p").upon_receiving("x", "Other"), "Invalid interaction type: Other"),
    (lambda: list(Pact("c", "p").interactions("Other")), "Unknown interaction kind: Other"),
    (lambda: http().with_body("x", part="Other"), "Invalid part: Other"),
    (lambda: match.regex("a"), "A regex pattern must be provided"),
    (match.number, "At least one of min, max, or precision must be provided"),
    (lambda: match.type(UNSET), "A generator must be provided when value is not set"),
    (lambda: xml.element("a").each(min=0), "min must be at least 1, got 0"),
])
def test_value_errors_keep_pact_pythons_words(call: Any, words: str) -> None:
    # pact-python's own tests match these texts: `pytest.raises(ValueError, match=...)`
    with pytest.raises(ValueError, match=words):
        call()


def test_write_file_to_a_file_is_a_value_error_as_in_pact_python(tmp_path: Path) -> None:
    from pactpool.errors import PactFileError

    (tmp_path / "f").touch()
    pact = Pact("c", "p")
    pact.upon_receiving("x").with_request("GET", "/").will_respond_with(200)
    for error in (ValueError, PactFileError):
        with pytest.raises(error, match="is not a directory"):
            pact.write_file(tmp_path / "f")
