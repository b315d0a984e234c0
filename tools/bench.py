"""Speed of pactpool's mock servers, measured by hand (never in the test suite).

    python tools/bench.py [--rounds N]

Prints medians for: create (pact text -> port accepts), cleanup (-> port refused),
sequential keep-alive GETs per second, and `mock_server_matched` after many requests.
Every figure is a median of N rounds on this machine, so compare runs made side by side.
"""

from __future__ import annotations

import argparse
import http.client
import platform
import socket
import statistics
import time
from collections.abc import Callable

import orjson

import pactpool


def pact_with(n: int) -> bytes:
    interactions = [{"description": f"item {i}",
                     "request": {"method": "GET", "path": f"/items/{i}", "query": "full=1"},
                     "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                                  "body": {"id": i, "name": f"item {i}"}}} for i in range(n)]
    return orjson.dumps({"consumer": {"name": "bench"}, "provider": {"name": "items"},
                         "interactions": interactions,
                         "metadata": {"pactSpecification": {"version": "2.0.0"}}})


def accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except ConnectionRefusedError:
        return False
    return True


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:8.2f} ms"


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench_lifecycle(n: int, rounds: int) -> tuple[list[float], list[float]]:
    pact = pact_with(n)
    creates, cleanups = [], []
    for _ in range(rounds):
        pactpool.api.controller().wait_for_pool()  # measure a create from a full warm pool
        start = time.perf_counter()
        port = pactpool.create_mock_server(pact)
        assert accepts(port)
        creates.append(time.perf_counter() - start)
        start = time.perf_counter()
        pactpool.cleanup_mock_server(port)
        assert not accepts(port)
        cleanups.append(time.perf_counter() - start)
    return creates, cleanups


def bench_requests(n_interactions: int, seconds: float) -> tuple[float, float]:
    """Sequential keep-alive GETs for `seconds`; returns (requests per second, matched() ms)."""
    port = pactpool.create_mock_server(pact_with(n_interactions))
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port)
        count = 0
        deadline = time.perf_counter() + seconds
        start = time.perf_counter()
        while time.perf_counter() < deadline:
            connection.request("GET", f"/items/{count % n_interactions}?full=1")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            count += 1
        rate = count / (time.perf_counter() - start)
        connection.close()
        matched_time = statistics.median(
            timed(lambda: pactpool.mock_server_matched(port)) for _ in range(21))
        return rate, matched_time * 1000
    finally:
        pactpool.cleanup_mock_server(port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}, {socket.gethostname()}")
    pactpool.cleanup_mock_server(pactpool.create_mock_server(pact_with(1)))  # start forkserver
    for n in (1, 50):
        creates, cleanups = bench_lifecycle(n, args.rounds)
        print(f"{n:3} interactions: create -> accepting {median_ms(creates)}   "
              f"cleanup -> refused {median_ms(cleanups)}   (median of {args.rounds})")
    for n in (1, 50):
        rate, matched_ms = bench_requests(n, args.seconds)
        print(f"{n:3} interactions: sequential keep-alive GET {rate:8.0f} req/s   "
              f"mock_server_matched after them {matched_ms:.3f} ms")


if __name__ == "__main__":
    main()
