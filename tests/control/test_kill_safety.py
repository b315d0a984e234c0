"""No worker outlives its owner or keeps its port, whatever kills what.

Each test uses real processes and real signals: a harness script in a subprocess that is
killed, a forkserver that is killed, a harness that forks. States are polled with deadlines.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
from process_tools import gone, open_fds, parent_of, process_state, worker_processes
from support import interaction, poll, refuses, simple_pact

import pactpool

PACT = simple_pact(interaction("ping", "GET", "/ping"))

HARNESS = """
import os, sys, orjson, pactpool
pact = {pact!r}
servers = [pactpool.MockServer(pact) for _ in range(3)]
ctl = pactpool.api.get_controller()
{extra}
print(orjson.dumps({{"ports": [s.port for s in servers],
                    "pids": [s.pid for s in servers]}}).decode(), flush=True)
sys.stdin.readline()  # wait until killed
"""


@pytest.fixture
def harness() -> Iterator[Any]:
    """Start a harness script that creates three servers; yields (process, info)."""
    started: list[subprocess.Popen[str]] = []

    def start(extra: str = "") -> tuple[subprocess.Popen[str], dict[str, list[int]]]:
        script = HARNESS.format(pact=PACT, extra=textwrap.dedent(extra))
        process = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append(process)
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else ""
        return process, orjson.loads(line)

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream:
                stream.close()


def all_dead(info: dict[str, list[int]]) -> bool:
    return all(gone(pid) for pid in info["pids"]) and all(refuses(p) for p in info["ports"])


def test_sigkilled_harness_takes_every_worker_along(harness: Any) -> None:
    process, info = harness()
    assert not any(refuses(p) for p in info["ports"])
    process.kill()
    assert poll(lambda: all_dead(info), timeout=5), "a worker outlived its SIGKILLed harness"


def test_a_sigkilled_harness_takes_a_deaf_worker_along(harness: Any) -> None:
    # No pact can keep a worker busy any more (rule regexes run in bounded time), so the
    # worker that cannot read its pipe is a stopped one: it must die with the harness too.
    deaf = f"""
        import signal
        deaf = pactpool.MockServer({PACT!r})
        os.kill(deaf.pid, signal.SIGSTOP)
        servers.append(deaf)
        """
    process, info = harness(deaf)
    deaf_pid = info["pids"][-1]
    assert poll(lambda: process_state(deaf_pid) == "T", timeout=5)
    process.kill()
    assert poll(lambda: all_dead(info), timeout=5), "a deaf worker outlived its harness"


def test_the_chain_holds_through_the_forkserver(harness: Any) -> None:
    process, info = harness()
    forkservers = {parent_of(pid) for pid in info["pids"]}
    assert len(forkservers) == 1 and forkservers != {process.pid}  # a process sits between
    (forkserver,) = forkservers
    assert parent_of(forkserver) == process.pid
    process.kill()
    assert poll(lambda: all_dead(info) and gone(forkserver), timeout=5)


def test_a_forked_copy_of_the_harness_does_not_keep_workers_alive(harness: Any) -> None:
    fork_child = """
        child = os.fork()
        if child == 0:
            sys.stdin.readline()  # the copy lives on, holding duplicates of every descriptor
            os._exit(0)
        """
    process, info = harness(fork_child)
    process.kill()  # the copy survives its parent, still blocked on stdin
    assert poll(lambda: all_dead(info), timeout=5), "a forked copy kept the workers alive"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_clean_up_without_swallowing_the_signal(harness: Any,
                                                                   signum: int) -> None:
    process, info = harness()
    process.send_signal(signum)
    assert process.wait(timeout=30) == -signum  # the process still dies of the signal
    assert all_dead(info)  # and by then every worker was stopped and reaped


def test_workers_run_in_their_own_process_group(serve: Any) -> None:
    server = serve(PACT)
    assert os.getpgid(server.pid) == server.pid != os.getpgid(0)


def test_a_killed_forkserver_takes_its_workers_and_a_new_one_starts() -> None:
    server = pactpool.MockServer(PACT)
    forkserver = parent_of(server.pid)
    os.kill(forkserver, signal.SIGKILL)
    assert poll(lambda: gone(server.pid) and refuses(server.port), timeout=5)
    assert not server.matched
    assert [r.type for r in server.mismatches()] == ["mock-server-failed"]
    server.close()
    with pactpool.MockServer(PACT) as fresh:  # the next create starts a new forkserver
        assert parent_of(fresh.pid) != forkserver
        assert httpx.get(fresh.url + "/ping").status_code == 200


def test_cleanup_leaves_descriptors_threads_and_children_where_they_were() -> None:
    ctl = pactpool.api.get_controller()
    pactpool.cleanup_mock_server(pactpool.create_mock_server(PACT))  # forkserver and pool up
    assert ctl.wait_for_pool(timeout=30)
    assert ctl.drain_reaper()
    before = (open_fds(), threading.active_count(), len(worker_processes()))
    for _ in range(100):
        port = pactpool.create_mock_server(PACT)
        assert pactpool.cleanup_mock_server(port)
        assert refuses(port)
    assert ctl.wait_for_pool(timeout=30)
    assert ctl.drain_reaper()  # stopped workers are collected in the background
    after = (open_fds(), threading.active_count(), len(worker_processes()))
    assert after == before


def test_creating_servers_while_other_threads_log_never_deadlocks() -> None:
    import logging

    logger = logging.getLogger("pactpool-test-noise")
    logger.addHandler(logging.NullHandler())
    logger.setLevel(logging.DEBUG)
    stop = threading.Event()

    def noisy() -> None:
        while not stop.is_set():
            logger.debug("busy %s", threading.get_ident())

    def create_some(results: list[bool]) -> None:
        for _ in range(10):
            with pactpool.MockServer(PACT) as server:
                results.append(httpx.get(server.url + "/ping").status_code == 200)

    loggers = [threading.Thread(target=noisy, daemon=True) for _ in range(4)]
    results: list[bool] = []
    creators = [threading.Thread(target=create_some, args=(results,)) for _ in range(3)]
    for thread in loggers + creators:
        thread.start()
    for thread in creators:
        thread.join(timeout=60)
    stop.set()
    assert not any(t.is_alive() for t in creators), "a create deadlocked"
    assert results == [True] * 30


RUST_IN_THE_HARNESS = """
import threading, httpx, pactpool
from pact_ffi.ffi import ffi, lib

handle = lib.pactffi_new_pact(b"rust-consumer", b"rust-provider")
interaction = lib.pactffi_new_interaction(handle, b"ping")
lib.pactffi_with_request(interaction, b"GET", b"/ping")
lib.pactffi_response_status(interaction, 200)
rust_port = lib.pactffi_create_mock_server_for_transport(handle, b"127.0.0.1", 0, b"http",
                                                         ffi.NULL)
assert rust_port > 0, rust_port
assert httpx.get(f"http://127.0.0.1:{rust_port}/ping").status_code == 200
PACT = {"consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": [
    {"description": "ping", "request": {"method": "GET", "path": "/ping"},
     "response": {"status": 200}}]}
results = []

def create_some():
    for _ in range(5):
        with pactpool.MockServer(PACT) as server:
            results.append(httpx.get(server.url + "/ping").status_code == 200 and server.matched)

threads = [threading.Thread(target=create_some) for _ in range(3)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join(timeout=60)
lib.pactffi_cleanup_mock_server(rust_port)
print("ok" if results == [True] * 15 else f"bad {results}", flush=True)
"""


def test_a_threaded_native_library_in_the_harness_does_not_deadlock_creates() -> None:
    pytest.importorskip("pact_ffi", reason="pact-python-ffi (the Rust pact_ffi) is not installed")
    result = subprocess.run([sys.executable, "-c", RUST_IN_THE_HARNESS], capture_output=True,
                            text=True, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
