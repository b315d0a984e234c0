"""A dry run of one request's whole path, done by an idle pool worker before it is needed.

A forked worker shares the forkserver's memory copy-on-write: the first time it touches an
object (even to count a reference) the kernel copies that page. Done during a create, those
copies cost milliseconds. An idle pool worker rehearses instead: it loads a small pact,
builds a server, starts a listener and answers a matched and an unmatched request, all
in-process, so the pages a real create touches are already its own.
"""

from __future__ import annotations

import asyncio

from pactpool_worker.generators import GeneratorContext, base_url
from pactpool_worker.http.binding import bind_listener
from pactpool_worker.http.server import start_server
from pactpool_worker.http.wire import HttpRequest
from pactpool_worker.pact import load_pact
from pactpool_worker.service.logbook import Logbook
from pactpool_worker.service.mock import MockOptions, MockService

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
  }, {
    "description": "a rehearsed read",
    "providerState": "an item exists",
    "request": {"method": "GET", "path": "/items/1", "query": {"full": ["1"], "lang": ["en"]},
                "headers": {"Accept": "application/json"}},
    "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                 "body": {"id": 1, "name": "lamp", "price": 11, "tags": ["a", "b"]},
                 "generators": {"body": {"$.id": {"type": "RandomInt", "min": 1, "max": 9}}}}
  }],
  "metadata": {"pactSpecification": {"version": "3.0.0"}}
}"""

OTHER_SAMPLES = (b"""{
  "consumer": {"name": "rehearsal"}, "provider": {"name": "rehearsal"},
  "interactions": [{
    "description": "a V2 read", "providerState": "some state",
    "request": {"method": "GET", "path": "/items", "query": "page=1&size=2",
                "headers": {"Accept": "application/json"}},
    "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                 "body": [{"id": 1}], "matchingRules": {"$.body": {"min": 1, "match": "type"}}}
  }],
  "metadata": {"pactSpecification": {"version": "2.0.0"}}
}""", b"""{
  "consumer": {"name": "rehearsal"}, "provider": {"name": "rehearsal"},
  "interactions": [{
    "type": "Synchronous/HTTP", "key": "k1", "pending": false,
    "description": "a V4 write", "providerStates": [{"name": "a state", "params": {"id": 1}}],
    "request": {"method": "PUT", "path": "/items/1", "query": {"v": ["1"]},
                "headers": {"Content-Type": ["application/json"]},
                "body": {"content": {"name": "lamp"}, "contentType": "application/json",
                         "encoded": false},
                "matchingRules": {"header": {"Content-Type": {"combine": "AND", "matchers": [
                    {"match": "regex", "regex": "application/.*json"}]}}}},
    "response": {"status": 200, "headers": {"Content-Type": ["text/plain"]},
                 "body": {"content": "done", "contentType": "text/plain", "encoded": false}}
  }],
  "metadata": {"pactSpecification": {"version": "4.0"}}
}""")
"""More shapes of pact (V2 query strings, V4 typed bodies), so that loading is rehearsed too."""


def rehearse(loop: asyncio.AbstractEventLoop) -> None:
    """Run the request path once, over a real loopback connection; leaves nothing behind
    (no socket, no record, no file)."""
    service = rehearse_matching()
    sock = bind_listener("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = loop.run_until_complete(start_server(sock, service.handle))
    loop.run_until_complete(_one_request(port))
    server.close()
    loop.run_until_complete(server.wait_closed())


async def _one_request(port: int) -> None:
    """A keep-alive GET and its answer, as a test's client sends it: the connection's code
    (accept, parse, answer, close) runs once here, not on a create's first request."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET /items/1?full=1&lang=en HTTP/1.1\r\nHost: rehearsal\r\n"
                     b"Accept: application/json\r\n\r\n")
        await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2.0)
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
        pass  # a rehearsal: whatever happens here, the worker serves as it would have
    finally:
        writer.close()


def rehearse_matching() -> MockService:
    """The sans-IO part: load the samples, build servers, answer requests in-process.

    The forkserver runs this once before it freezes its heap, so that what a first run
    leaves behind (compiled regexes in `re`'s cache, the interpreter's specialised
    bytecode, lazily built tables) is made once and shared by every worker.
    """
    context = GeneratorContext.live(base_url("127.0.0.1", 1))
    for sample in OTHER_SAMPLES:
        MockService(load_pact(sample), MockOptions(), Logbook(), context)
    service = MockService(load_pact(SAMPLE_PACT), MockOptions(), Logbook(), context)
    headers = [("content-type", "application/json")]
    for path, body in (("/items", b'{"name": "desk", "tags": ["b"]}'), ("/other", b"{}")):
        service.handle(HttpRequest("POST", path, "page=2", headers, body, "1.1", None))
    service.handle(HttpRequest("GET", "/items/1", "full=1&lang=en",
                               [("accept", "application/json")], b"", "1.1", None))
    service.recorder.matched()
    service.recorder.mismatches()
    service.recorder.mismatch_json()
    service.log.text()
    for _ in service.warm_up():
        pass
    return service
