"""A dry run of one request's whole path, done by an idle pool worker before it is needed.

A forked worker shares the forkserver's memory copy-on-write: the first time it touches an
object (even to count a reference) the kernel copies that page. Done during a create, those
copies cost milliseconds. An idle pool worker rehearses instead: it loads a small pact,
builds a server, starts a listener and answers a matched and an unmatched request, all
in-process, so the pages a real create touches are already its own.
"""

from __future__ import annotations

import asyncio

from pactpool_worker.binding import bind_listener
from pactpool_worker.logbook import Logbook
from pactpool_worker.mock import MockOptions, MockService
from pactpool_worker.pact import load_pact
from pactpool_worker.server import HttpRequest, start_server

SAMPLE_PACT = b"""{
  "consumer": {"name": "rehearsal"}, "provider": {"name": "rehearsal"},
  "interactions": [{
    "description": "a rehearsed request",
    "request": {"method": "POST", "path": "/items", "query": {"page": ["1"]},
                "headers": {"Content-Type": "application/json"},
                "body": {"name": "lamp", "tags": ["a"]},
                "matchingRules": {"body": {"$.name": {"matchers": [{"match": "type"}]},
                                           "$.tags": {"matchers": [{"match": "type", "min": 1}]}},
                                  "query": {"page": {"matchers": [{"match": "regex",
                                                                   "regex": "\\\\d+"}]}}}},
    "response": {"status": 201, "headers": {"Content-Type": "application/json"},
                 "body": {"id": 1}}
  }],
  "metadata": {"pactSpecification": {"version": "3.0.0"}}
}"""


def rehearse(loop: asyncio.AbstractEventLoop) -> None:
    """Run the request path once; leaves nothing behind (no socket, no record)."""
    service = MockService(load_pact(SAMPLE_PACT), MockOptions(), Logbook())
    headers = [("content-type", "application/json")]
    for path, body in (("/items", b'{"name": "desk", "tags": ["b"]}'), ("/other", b"{}")):
        service.handle(HttpRequest("POST", path, "page=2", headers, body, "1.1", None))
    service.recorder.mismatches()
    sock = bind_listener("127.0.0.1", 0)
    server = loop.run_until_complete(start_server(sock, service.handle))
    server.close()
    loop.run_until_complete(server.wait_closed())
