"""What a passing test asks, answered without waking its worker.

A create from the warm pool returns once the pact is posted to the worker and checked here;
the worker says its verdict unasked, before the answer that changed it goes out; a cleanup
closes the port from here. Most tests below stop the worker (SIGSTOP) first: an answer that
still comes did not need it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
from process_tools import gone, process_state
from support import interaction, poll, refuses, simple_pact

import pactpool
from pactpool.api import finish_mock_server, get_controller
from pactpool.control import port_closer
from pactpool.control.pool import being_killed, open_stat

PACT = simple_pact(interaction("ping", "GET", "/ping"), interaction("pong", "GET", "/pong"))


@pytest.fixture
def stopped() -> Iterator[list[int]]:
    """Pids a test stopped; each is let go on at the end (a no-op once it is gone)."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):  # gone already
            os.kill(pid, signal.SIGCONT)


def stop(pid: int, stopped: list[int]) -> None:
    os.kill(pid, signal.SIGSTOP)
    stopped.append(pid)
    assert poll(lambda: process_state(pid) == "T")


def test_a_passing_servers_verdict_record_and_finish_need_no_worker(stopped: list[int]) -> None:
    server = pactpool.MockServer(PACT)
    for path in ("/ping", "/pong"):
        assert httpx.get(server.url + path).status_code == 200
    stop(server.pid, stopped)
    assert pactpool.mock_server_matched(server.port) is True
    assert pactpool.mock_server_mismatches(server.port) == "[]"
    assert finish_mock_server(server.port) == ("[]", None)
    assert refuses(server.port)  # at return, with the worker still stopped
    assert get_controller().drain_reaper()
    assert gone(server.pid)


def test_a_mismatch_turns_the_verdict_before_its_answer_arrives(stopped: list[int]) -> None:
    server = pactpool.MockServer(PACT)
    for path in ("/ping", "/pong"):
        assert httpx.get(server.url + path).status_code == 200
    assert server.matched
    assert httpx.get(server.url + "/nowhere").status_code == 500
    stop(server.pid, stopped)
    assert pactpool.mock_server_matched(server.port) is False  # said before the 500 went out
    os.kill(server.pid, signal.SIGCONT)
    kinds = [entry["type"] for entry in orjson.loads(pactpool.mock_server_mismatches(server.port)
                                                     or "null")]
    assert kinds == ["request-not-found"]
    assert pactpool.cleanup_mock_server(server.port)


def test_a_request_the_listener_refuses_turns_the_verdict_too(stopped: list[int]) -> None:
    server = pactpool.MockServer(simple_pact(interaction("ping", "GET", "/ping")))
    assert httpx.get(server.url + "/ping").status_code == 200
    assert server.matched
    with socket.create_connection((server.host, server.port)) as raw:
        raw.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        assert raw.recv(65536).startswith(b"HTTP/1.1 400")
    stop(server.pid, stopped)
    assert pactpool.mock_server_matched(server.port) is False
    os.kill(server.pid, signal.SIGCONT)
    kinds = [entry["type"] for entry in orjson.loads(pactpool.mock_server_mismatches(server.port)
                                                     or "null")]
    assert kinds == ["request-error"]
    assert pactpool.cleanup_mock_server(server.port)


def test_a_verdict_not_known_yet_is_asked_for() -> None:
    server = pactpool.MockServer(PACT)
    assert server.matched is False  # nothing served yet: two interactions missing
    assert len(server.mismatches()) == 2
    server.close()


def test_cleanup_of_a_stopped_worker_closes_its_port_at_return(stopped: list[int]) -> None:
    server = pactpool.MockServer(PACT)
    stop(server.pid, stopped)
    assert pactpool.cleanup_mock_server(server.port) is True
    assert refuses(server.port)
    assert get_controller().drain_reaper()
    assert gone(server.pid)


def test_where_descriptors_cannot_be_copied_cleanup_asks_the_worker(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(port_closer, "_unavailable", True)
    server = pactpool.MockServer(PACT)
    assert httpx.get(server.url + "/ping").status_code == 200
    assert pactpool.cleanup_mock_server(server.port) is True
    assert refuses(server.port)
    assert poll(lambda: gone(server.pid))


def test_a_cleaned_port_can_be_bound_again_at_once() -> None:
    first = pactpool.MockServer(PACT)
    port = first.port
    first.close()
    with pactpool.MockServer(PACT, port=port) as second:
        assert second.port == port
        assert httpx.get(second.url + "/ping").status_code == 200


def test_a_request_sent_the_moment_create_returns_is_answered() -> None:
    for _ in range(20):
        with pactpool.MockServer(PACT) as server:
            with socket.create_connection((server.host, server.port)) as raw:
                raw.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                answer = b""
                while chunk := raw.recv(65536):
                    answer += chunk
            assert answer.startswith(b"HTTP/1.1 200")
            assert httpx.get(server.url + "/pong").status_code == 200
            assert server.matched


def bad_generator_pact() -> dict[str, Any]:
    pact = simple_pact(interaction("ping", "GET", "/ping", response_body={"count": 1}),
                       version="3.0.0")
    pact["interactions"][0]["response"]["generators"] = {
        "body": {"$.count": {"type": "RandomInt", "min": 9, "max": 1}}}
    return pact


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_bad_pact_fails_alike_from_the_pool_and_from_a_fresh_worker() -> None:
    before = get_controller().ports()
    with pytest.raises(pactpool.InvalidPactError) as pooled:
        pactpool.MockServer(bad_generator_pact())  # port 0: the pool's fast path
    with pytest.raises(pactpool.InvalidPactError) as fresh:
        pactpool.MockServer(bad_generator_pact(), port=free_port())  # waits for the worker
    assert str(pooled.value) == str(fresh.value)
    assert "greater than max" in str(pooled.value)
    with pytest.raises(pactpool.InvalidPactError):  # its check's verdict is kept: still bad
        pactpool.MockServer(bad_generator_pact())
    assert get_controller().ports() == before


def test_being_killed_sees_a_kill_before_the_process_is_torn_down() -> None:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child only waits to be killed
        signal.pause()
        os._exit(0)
    stat = open_stat(pid)
    assert stat is not None
    try:
        assert not being_killed(pid) and not being_killed(pid, stat)
        os.kill(pid, signal.SIGSTOP)
        assert poll(lambda: process_state(pid) == "T")
        os.kill(pid, signal.SIGKILL)  # pending, then exiting, then a zombie: never "idle"
        assert poll(lambda: being_killed(pid))
        assert poll(lambda: process_state(pid) == "Z")
        assert being_killed(pid) and being_killed(pid, stat)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    try:
        assert being_killed(pid, stat) and being_killed(pid)  # reaped: gone
    finally:
        os.close(stat)


def test_a_borrowed_descriptor_must_be_the_listener_on_that_port() -> None:
    with socket.socket() as listening, socket.socket() as idle:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        idle.bind(("127.0.0.1", 0))
        me = os.getpid()
        assert port_closer.borrow_listener(me, idle.fileno(), port) is None  # not listening
        assert port_closer.borrow_listener(me, listening.fileno(), port + 1) is None
        borrowed = port_closer.borrow_listener(me, listening.fileno(), port)
        if borrowed is None:
            pytest.skip("this system does not let a process copy another's descriptors "
                        "(pidfd_getfd); cleanup asks the worker instead")
        port_closer.shut(borrowed)
        assert refuses(port)


def test_a_name_that_resolves_to_the_pools_address_takes_a_pool_worker() -> None:
    first = socket.getaddrinfo("localhost", 0, type=socket.SOCK_STREAM,
                               flags=socket.AI_PASSIVE)[0][4][0]
    if first != "127.0.0.1":
        pytest.skip(f"localhost resolves to {first} first here, not the pool's 127.0.0.1")
    pactpool.MockServer(PACT).close()  # the pool starts with a first create
    assert get_controller().wait_for_pool()
    idle = get_controller().idle_pids()
    with pactpool.MockServer(PACT, addr="localhost") as server:  # pact-python's default
        assert server.pid in idle
        assert server.host == "127.0.0.1"
        assert httpx.get(server.url + "/ping").status_code == 200
    assert refuses(server.port)
