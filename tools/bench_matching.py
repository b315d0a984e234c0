"""Micro-benchmark of the matcher alone: one request against a pact of 100 V3 interactions.

    python tools/bench_matching.py [--runs N] [--interactions N]

Every interaction has V3 rules on its query, headers and JSON body (type, regex, integer,
decimal, date, timestamp, min-type on a list). The request is selected with
`InteractionIndex.select`, exactly as a mock server does. Each run gets a freshly parsed
actual request (so no parse is cached across runs); only `select` is timed. Prints the
median, p10 and p90 in microseconds per request for: a request that matches an interaction
in the middle of the pact, one that matches the last one, and one that matches none fully
(selection then scores the interactions, comparing only the bodies that could still win).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import orjson

from pactpool_worker.matching import InteractionIndex
from pactpool_worker.pact import Request, load_pact, request_from_http

RULES: dict[str, Any] = {
    "query": {"page": {"matchers": [{"match": "integer"}]}},
    "header": {"X-Request-Id": {"matchers": [{"match": "regex", "regex": "[0-9a-f-]{36}"}]}},
    "body": {
        "$.customer": {"matchers": [{"match": "type"}]},
        "$.customer.email": {"matchers": [{"match": "regex", "regex": "[^@]+@[^@]+\\.[a-z]+"}]},
        "$.quantity": {"matchers": [{"match": "integer"}]},
        "$.price": {"matchers": [{"match": "decimal"}]},
        "$.deliveryDate": {"matchers": [{"match": "date", "format": "yyyy-MM-dd"}]},
        "$.placedAt": {"matchers": [{"match": "timestamp",
                                     "format": "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"}]},
        "$.items": {"matchers": [{"match": "type", "min": 1}]},
        "$.items[*].sku": {"matchers": [{"match": "regex", "regex": "[A-Z]{3}-\\d{4}"}]},
    },
}


def body(i: int) -> dict[str, Any]:
    return {"customer": {"name": "Ann", "email": "ann@example.com"}, "quantity": i,
            "price": 12.5, "deliveryDate": "2024-03-01", "placedAt": "2024-02-01T10:00:00.000Z",
            "items": [{"sku": "ABC-0001", "qty": 1}], "note": f"order {i}"}


def pact(n: int) -> bytes:
    interactions = [{
        "description": f"place order {i}",
        "request": {"method": "POST", "path": f"/shops/{i}/orders", "query": {"page": ["1"]},
                    "headers": {"Content-Type": "application/json",
                                "X-Request-Id": "00000000-0000-0000-0000-000000000000"},
                    "body": body(i), "matchingRules": RULES},
        "response": {"status": 201},
    } for i in range(n)]
    return orjson.dumps({"consumer": {"name": "bench"}, "provider": {"name": "shop"},
                         "interactions": interactions,
                         "metadata": {"pactSpecification": {"version": "3.0.0"}}})


def actual(shop: int, *, quantity: Any = 7) -> Callable[[], Request]:
    data = orjson.dumps({**body(shop), "quantity": quantity, "price": 99.95,
                         "deliveryDate": "2025-12-24", "placedAt": "2025-12-01T08:30:00.250+01:00",
                         "customer": {"name": "Bo", "email": "bo@example.org"},
                         "items": [{"sku": "XYZ-9876", "qty": 2}, {"sku": "QRS-1234", "qty": 5}]})
    headers = [("Host", "127.0.0.1"), ("Content-Type", "application/json"),
               ("X-Request-Id", "3f2c1a9e-8d7b-4c6a-9e5f-0123456789ab")]
    return lambda: request_from_http("POST", f"/shops/{shop}/orders", "page=3", headers, data)


def measure(index: InteractionIndex, make: Callable[[], Request], runs: int,
            expect: str) -> list[float]:
    samples: list[float] = []
    requests = [make() for _ in range(runs)]
    assert index.select(make()).kind == expect, f"the request should give {expect}"
    gc.disable()
    try:
        for request in requests:
            start = time.perf_counter_ns()
            index.select(request)
            samples.append((time.perf_counter_ns() - start) / 1000)
    finally:
        gc.enable()
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--interactions", type=int, default=100)
    args = parser.parse_args(argv)
    n = args.interactions
    loaded = load_pact(pact(n))
    index = InteractionIndex(loaded.interactions)
    scenarios = [
        (f"match, interaction {n // 2} of {n}", actual(n // 2), "match"),
        (f"match, interaction {n - 1} of {n} (last)", actual(n - 1), "match"),
        (f"mismatch (body differs), best of {n}", actual(n // 2, quantity="seven"),
         "mismatch"),
    ]
    print(f"Python {sys.version.split()[0]}, {n} interactions with V3 rules, "
          f"{args.runs} runs each; microseconds per request (InteractionIndex.select)")
    for name, make, expect in scenarios:
        samples = sorted(measure(index, make, args.runs, expect))
        p10, p90 = samples[len(samples) // 10], samples[len(samples) * 9 // 10]
        print(f"  {name:<40} median {statistics.median(samples):8.1f}   p10 {p10:8.1f}   "
              f"p90 {p90:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
