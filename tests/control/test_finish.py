"""finish_mock_server: the last record and the stop in one call, with cleanup's guarantees."""

from __future__ import annotations

import httpx
import orjson
from process_tools import gone
from support import interaction, poll, refuses, simple_pact

import pactpool
from pactpool.api import finish_mock_server

PACT = simple_pact(interaction("ping", "GET", "/ping"), interaction("pong", "GET", "/pong"))


def test_a_finished_server_hands_back_its_record_and_log_and_its_port_is_closed() -> None:
    server = pactpool.MockServer(PACT)
    assert httpx.get(server.url + "/ping").status_code == 200
    assert httpx.get(server.url + "/nowhere").status_code == 500
    expected = pactpool.mock_server_mismatches(server.port)
    final = finish_mock_server(server.port)
    assert final is not None
    record, logs = final
    assert record == expected  # the same JSON text, byte for byte
    kinds = [entry["type"] for entry in orjson.loads(record)]
    assert kinds == ["request-not-found", "missing-request"]
    assert logs is not None and "/nowhere" in logs
    assert refuses(server.port)  # closed when the call returned, as after cleanup
    assert poll(lambda: gone(server.pid), timeout=5)
    assert finish_mock_server(server.port) is None  # no longer ours
    assert not pactpool.cleanup_mock_server(server.port)


def test_a_matched_server_finishes_with_an_empty_record_and_no_log() -> None:
    server = pactpool.MockServer(PACT)
    for path in ("/ping", "/pong"):
        assert httpx.get(server.url + path).status_code == 200
    assert finish_mock_server(server.port) == ("[]", None)


def test_a_server_whose_process_died_finishes_with_a_failed_entry() -> None:
    import os
    import signal

    server = pactpool.MockServer(PACT)
    os.kill(server.pid, signal.SIGKILL)
    assert poll(lambda: gone(server.pid), timeout=5)
    final = finish_mock_server(server.port)
    assert final is not None
    assert [e["type"] for e in orjson.loads(final[0])] == ["mock-server-failed"]
