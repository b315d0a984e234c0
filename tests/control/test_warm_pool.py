"""The warm pool: creates take pre-forked workers, each exactly once, and the pool refills."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from process_tools import gone
from support import interaction, poll, simple_pact

import pactpool

PACT = simple_pact(interaction("ping", "GET", "/ping"))


@pytest.fixture
def ctl() -> Any:
    controller = pactpool.api.get_controller()
    pactpool.cleanup_mock_server(pactpool.create_mock_server(PACT))
    assert controller.wait_for_pool(timeout=30)
    return controller


def test_a_create_takes_an_idle_worker_and_the_pool_refills(ctl: Any) -> None:
    idle = ctl.idle_pids()
    assert len(idle) == ctl.pool_size > 0
    with pactpool.MockServer(PACT) as server:
        assert server.pid in idle
        assert httpx.get(server.url + "/ping").status_code == 200
        assert ctl.wait_for_pool(timeout=30)
        assert server.pid not in ctl.idle_pids()  # handed out once, never pooled again


def test_concurrent_creates_never_share_a_worker(ctl: Any) -> None:
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(8) as executor:
        servers = list(executor.map(lambda _: pactpool.MockServer(PACT), range(8)))
    try:
        assert len({s.pid for s in servers}) == len({s.port for s in servers}) == 8
        _each_serves(servers)
    finally:
        for server in servers:
            server.close()


def _each_serves(servers: list[pactpool.MockServer]) -> None:
    for server in servers:
        assert httpx.get(server.url + "/ping").status_code == 200
        assert server.matched


def test_a_dead_idle_worker_is_replaced(ctl: Any) -> None:
    victim = ctl.idle_pids()[0]
    os.kill(victim, signal.SIGKILL)
    assert poll(lambda: gone(victim))
    assert poll(lambda: victim not in ctl.idle_pids() and len(ctl.idle_pids()) == ctl.pool_size,
                timeout=10)
    with pactpool.MockServer(PACT) as server:
        assert server.pid != victim
        assert httpx.get(server.url + "/ping").status_code == 200


def test_a_requested_address_or_port_binds_on_demand(ctl: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pactpool.MockServer(PACT, port=port) as server:
        assert server.port == port
        assert httpx.get(server.url + "/ping").status_code == 200


def test_pool_size_zero_forks_per_create(ctl: Any) -> None:
    pactpool.configure(pool_size=0)
    try:
        with pactpool.MockServer(PACT) as server:
            assert httpx.get(server.url + "/ping").status_code == 200
            assert ctl.idle_pids() == []
    finally:
        pactpool.configure(pool_size=2)


def test_workers_made_during_a_burst_skip_the_rehearsal_and_serve_alike(
        ctl: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from pactpool.control import pool

    monkeypatch.setattr(pool, "BURST_WINDOW", 3600.0)  # every refill of an empty pool: a burst
    monkeypatch.setattr(pool, "REFILL_DELAY", 3600.0)  # no refill until the pool is empty
    made: list[bool] = []
    spawn = ctl._pool._spawn
    monkeypatch.setattr(ctl._pool, "_spawn", lambda rehearse: made.append(rehearse) or
                        spawn(rehearse))
    servers = [pactpool.MockServer(PACT) for _ in range(ctl.pool_size + 1)]  # drain the pool
    monkeypatch.setattr(pool, "REFILL_DELAY", 0.0)
    try:
        assert ctl.wait_for_pool(timeout=30)
        assert made and made[0] is False  # made for an empty pool: no rehearsal
        servers += [pactpool.MockServer(PACT) for _ in range(ctl.pool_size)]
        _each_serves(servers)
    finally:
        for server in servers:
            server.close()


def test_creates_that_outpace_the_pool_grow_it_and_quiet_shrinks_it(
        ctl: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from pactpool.control import pool

    monkeypatch.setattr(pool, "SHRINK_AFTER", 0.2)
    monkeypatch.setattr(pool, "PRUNE_INTERVAL", 0.05)
    size = ctl.pool_size
    servers = [pactpool.MockServer(PACT) for _ in range(size + 3)]  # misses: an empty pool
    try:
        grown_to = ctl._pool.target
        assert grown_to > size
        # the refill aims past `size` now: a suite creating this fast finds warm workers
        assert poll(lambda: len(ctl.idle_pids()) == grown_to, timeout=30)
        _each_serves(servers)
    finally:
        for server in servers:
            server.close()
    # no take for a while: back to `size`, one worker at a time, each one stopped
    grown = set(ctl.idle_pids())
    assert poll(lambda: len(ctl.idle_pids()) == size and ctl._pool.target == size, timeout=30)
    assert poll(lambda: all(gone(pid) for pid in grown - set(ctl.idle_pids())), timeout=10)


def _listening_ports(pid: int) -> set[int]:
    """The TCP ports a process listens on (from /proc/net and its descriptors)."""
    sockets = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            sockets.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and f"socket:[{fields[9]}]" in sockets:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def test_a_pact_that_arrives_mid_rehearsal_stops_it_and_finds_a_clean_server(ctl: Any) -> None:
    # Right after hello a pool worker rehearses a step at a time; a create interrupts it.
    for _ in range(5):
        assert ctl.wait_for_pool(timeout=30)  # the newest idle worker said hello just now
        servers = [pactpool.MockServer(PACT) for _ in range(ctl.pool_size)]
        try:
            for server in servers:
                status = ctl.call(server.port, "status")
                assert status["requests"] == 0  # the rehearsal recorded nothing here
                assert _listening_ports(server.pid) == {server.port}  # its listener is gone
                assert httpx.get(server.url + "/ping").status_code == 200
                assert server.matched
        finally:
            for server in servers:
                server.close()


def test_a_create_right_after_the_idle_workers_were_killed_still_serves(ctl: Any) -> None:
    # A killed worker's pipe reads as idle until the kernel has torn it down; a create that
    # takes it then finds it dead at `load` and starts a fresh one instead of failing.
    for _ in range(5):
        assert ctl.wait_for_pool(timeout=30)
        for pid in ctl.idle_pids():
            os.kill(pid, signal.SIGKILL)
        with pactpool.MockServer(PACT) as server:
            assert httpx.get(server.url + "/ping").status_code == 200
            assert server.matched
