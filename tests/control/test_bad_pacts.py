"""A pact that cannot be served raises a typed error naming the problem; nothing keeps running."""

from __future__ import annotations

from typing import Any

import pytest
from process_tools import worker_processes
from support import interaction, simple_pact

import pactpool

CASES: list[tuple[str, Any, str, str]] = [
    ("malformed JSON", b'{"consumer": ', "$", "JSON"),
    ("not an object", b"[1, 2]", "$", "object"),
    ("interaction not an object", {**simple_pact(), "interactions": [42]}, "$.interactions[0]",
     "object"),
    ("bad regex", simple_pact(interaction(
        "x", "GET", "/a", matchingRules={"$.path": {"match": "regex", "regex": "(unclosed"}})),
     "$.interactions[0].request.matchingRules", "regex"),
]


@pytest.mark.parametrize(("name", "pact", "path_prefix", "word"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_pact_raises_a_typed_error_and_leaves_no_process(name: str, pact: Any,
                                                              path_prefix: str, word: str) -> None:
    before = pactpool.api.get_controller().ports()
    with pytest.raises(pactpool.InvalidPactError) as failure:
        pactpool.create_mock_server(pact)
    assert failure.value.json_path.startswith(path_prefix), failure.value.json_path
    assert word.lower() in str(failure.value).lower()
    ctl = pactpool.api.get_controller()
    assert ctl.ports() == before == []
    assert ctl.wait_for_pool(timeout=30)
    assert len(worker_processes()) == ctl.pool_size  # only the idle pool is left


def test_a_missing_file_is_a_clear_error() -> None:
    with pytest.raises(pactpool.PactPoolError, match="cannot read pact file"):
        pactpool.create_mock_server("/no/such/pact.json")


def test_a_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="JSON text, bytes, a dict or a path"):
        pactpool.create_mock_server(12)  # type: ignore[arg-type]


def test_a_body_nested_too_deeply_to_serve_is_an_invalid_pact() -> None:
    deep: Any = "leaf"
    for _ in range(300):
        deep = [deep]
    pact = simple_pact(interaction("deep", "GET", "/d", response_body=deep))
    with pytest.raises(pactpool.InvalidPactError) as failure:
        pactpool.create_mock_server(pact)
    assert failure.value.json_path == "$.interactions[0].response.body"
    assert "nested" in str(failure.value)


def test_a_pact_too_large_for_one_pipe_message_is_an_invalid_pact(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from pactpool_worker import protocol

    monkeypatch.setattr(protocol, "MAX_MESSAGE_BYTES", 64)  # 2 GiB really: too big to test
    ctl = pactpool.api.get_controller()
    with pytest.raises(pactpool.InvalidPactError, match="at most 64 bytes"):
        pactpool.create_mock_server(simple_pact(interaction("ping", "GET", "/ping")))
    assert ctl.ports() == []
