"""The hostile-pact faults of the chaos campaign: pacts built to stall or bloat a server.

Families: catastrophic regexes on every location (and in the pact's own example), huge
repeated values, out-of-range statuses, deep nesting, lone surrogates and invalid UTF-8,
huge pacts. After each: the hostile request, a known-good request (`GET /ping` must answer
200), and a controller query (`mock_server_mismatches`) within its deadline. A create that
fails must fail with `InvalidPactError`. `LARGEST` keeps the largest record and 500 answer
per family, which the report prints: they must grow with the input, never with its square.
"""

from __future__ import annotations

import random
import time
from typing import Any

import chaos_procs as procs
import httpx
import orjson
from chaos_world import Ledger, Outcome, Server, World

import pactpool

CLIENT = 10.0
"""A hang detector: an answer later than this is a stalled worker."""
PATTERNS = [r"(a+)+$", r"(a|aa)+$", r"(x+x+)+y", r"^(([a-z])+.)+[A-Z]([a-z])+$",
            r"(?=a)(a+)+$", r"(\w+\s?)+$"]
FAMILIES = ["regex-path", "regex-header", "regex-query", "regex-body", "regex-example",
            "huge-repeated", "bad-status", "deep-nesting", "bad-unicode", "huge-pact"]
LARGEST: dict[str, tuple[int, int, str]] = {}
"""family -> (largest record bytes, largest 500 answer bytes, for which input)."""
PING = {"description": "ping", "request": {"method": "GET", "path": "/ping"},
        "response": {"status": 200}}


def _pact(*interactions: dict[str, Any]) -> dict[str, Any]:
    return {"consumer": {"name": "chaos"}, "provider": {"name": "hostile"},
            "interactions": [*interactions, PING], "metadata": {"pactSpecification":
                                                                 {"version": "3.0.0"}}}


def _regex_pact(where: str, pattern: str, example: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pact, and the request (httpx keywords) that sends the evil value."""
    rule = {"matchers": [{"match": "regex", "regex": pattern}]}
    evil = "a" * 49 + "!"
    request: dict[str, Any] = {"method": "GET", "path": "/aaa"}
    send: dict[str, Any] = {"method": "GET", "url": "/aaa"}
    if where == "path":
        request["path"] = "/" + example
        request["matchingRules"] = {"path": {"matchers": [{"match": "regex",
                                                           "regex": "/" + pattern}]}}
        send["url"] = "/" + evil
    elif where == "header":
        request["headers"] = {"X-Evil": example}
        request["matchingRules"] = {"header": {"X-Evil": rule}}
        send["headers"] = {"X-Evil": evil}
    elif where == "query":
        request["query"] = {"q": [example]}
        request["matchingRules"] = {"query": {"q": rule}}
        send["params"] = {"q": evil}
    else:
        request.update(method="POST", headers={"Content-Type": "application/json"},
                       body={"ref": example}, matchingRules={"body": {"$.ref": rule}})
        send.update(method="POST", json={"ref": evil})
    return _pact({"description": f"evil {where}", "request": request,
                  "response": {"status": 200}}), send


def draw(rng: random.Random) -> tuple[str, dict[str, Any]]:
    """One hostile pact: (family, params with `pact` (dict, str or bytes), `send`, `label`)."""
    family = rng.choice(FAMILIES)
    pattern = rng.choice(PATTERNS)
    if family.startswith("regex-"):
        where = family[len("regex-"):]
        if where == "example":
            pact, send = _regex_pact(rng.choice(["path", "header", "query", "body"]), pattern,
                                     "a" * 49 + "!")
        else:
            pact, send = _regex_pact(where, pattern, "aaa")
        return family, {"pact": pact, "send": send, "label": pattern}
    if family == "huge-repeated":
        count = rng.choice([1000, 4000, 10000])
        pact = _pact({"description": "many", "request": {"method": "GET", "path": "/x",
                                                         "query": {"q": ["v"] * count}},
                      "response": {"status": 200}})
        return family, {"pact": pact, "send": {"method": "GET", "url": "/x?q=v"},
                        "label": f"{count} values"}
    if family == "bad-status":
        status = rng.choice([-1, 100, 101, 199, 600, 999, 1000, "abc"])
        pact = _pact({"description": "status", "request": {"method": "GET", "path": "/s"},
                      "response": {"status": status}})
        return family, {"pact": pact, "send": {"method": "GET", "url": "/s"},
                        "label": f"status {status}"}
    if family == "deep-nesting":
        depth = rng.choice([50, 200, 1000, 5000])
        opens = "".join(rng.choice(['{"a":', "["]) for _ in range(depth))
        closes = "".join("}" if o == "{" else "]" for o in reversed(opens.replace('"a":', "")))
        pact = _pact({"description": "deep", "request": {
            "method": "POST", "path": "/d", "headers": {"Content-Type": "application/json"},
            "body": "DEEP"}, "response": {"status": 200}})
        text = orjson.dumps(pact).replace(b'"DEEP"', f'{opens}"leaf"{closes}'.encode())
        return family, {"pact": text, "send": {"method": "POST", "url": "/d", "json": [1]},
                        "label": f"depth {depth}"}
    if family == "bad-unicode":
        choice = rng.choice(["str", "dict", "bytes", "path"])
        text = '{"consumer": {"name": "c\ud800"}, "provider": {"name": "p"}, "interactions": []}'
        pact_value: Any = {"str": text, "path": "c\ud800",
                           "bytes": text.encode("utf-8", "surrogatepass").replace(
                               b"\xed\xa0\x80", b"\xff"),
                           "dict": _pact({"description": "bad \udcff", "request": {
                               "method": "GET", "path": "/u"}, "response": {"status": 200}})
                           }[choice]
        return family, {"pact": pact_value, "send": None, "label": choice}
    count = rng.choice([500, 2000])
    value = "x" * rng.choice([10, 1000])
    many = [{"description": f"i{i}", "request": {"method": "GET", "path": f"/h/{i}",
                                                 "headers": {"X-V": value}},
             "response": {"status": 200, "body": value}} for i in range(count)]
    return "huge-pact", {"pact": _pact(*many),
                         "send": {"method": "GET", "url": "/h/0", "headers": {"X-V": "y"}},
                         "label": f"{count} interactions x {len(value)} chars"}


def run(world: World, family: str, params: dict[str, Any], out: Outcome) -> None:
    """Create, send the hostile request and a good one, query the record, clean up."""
    try:
        port = pactpool.create_mock_server(params["pact"])
    except pactpool.InvalidPactError as exc:
        out.notes.append(f"InvalidPactError: {str(exc)[:120]}")
        return
    except Exception as exc:
        out.problems.append(f"untyped error at create: {type(exc).__name__}: {exc}"[:300])
        return
    pid = world.ctl.worker(port).pid
    server = Server(f"hostile {family}", port, procs.identify(pid) or procs.ProcId(pid, -1),
                    Ledger(0))
    world.running[port] = server
    url = f"http://127.0.0.1:{port}"
    answer_size = 0
    try:
        send = params["send"]
        if send is not None:
            start = time.monotonic()
            try:
                answer = httpx.request(send["method"], url + send["url"], timeout=CLIENT,
                                       **{k: v for k, v in send.items()
                                          if k not in ("method", "url")})
                answer_size = len(answer.content)
            except httpx.TimeoutException:
                out.problems.append(f"hang: no answer in {CLIENT} s ({params['label']})")
            out.measure("hostile request answered", time.monotonic() - start, CLIENT)
        try:
            good = httpx.get(url + "/ping", timeout=CLIENT)
            out.expect(good.status_code == 200, f"the known-good request got {good.status_code}")
        except httpx.TimeoutException:
            out.problems.append("unresponsive worker: the known-good request got no answer")
        try:
            record = pactpool.mock_server_mismatches(port) or ""
        except pactpool.WorkerTimeoutError:
            out.problems.append("unresponsive worker: mock_server_mismatches timed out")
            record = ""
        largest = LARGEST.get(family, (0, 0, ""))
        if len(record) >= largest[0]:
            LARGEST[family] = (len(record), max(largest[1], answer_size), params["label"])
        else:
            LARGEST[family] = (largest[0], max(largest[1], answer_size), largest[2])
    finally:
        out.expect(world.cleanup(server) is True, "cleanup_mock_server did not return True")


def report_lines() -> list[str]:
    """The largest record and 500 answer per family."""
    if not LARGEST:
        return []
    lines = ["", "hostile pacts: largest record and answer per family",
             f"  {'family':16}{'record bytes':>14}{'answer bytes':>14}  input"]
    for family in FAMILIES:
        if family in LARGEST:
            record, answer, label = LARGEST[family]
            lines.append(f"  {family:16}{record:>14,}{answer:>14,}  {label}")
    return lines
