"""A dry run of one request's whole path, done by an idle pool worker before it is needed.

A forked worker shares the forkserver's memory copy-on-write: the first time it touches an
object (even to count a reference) the kernel copies that page. Done during a create, those
copies cost milliseconds. The fork server runs the whole matching rehearsal (samples of
each pact version, matched and unmatched requests) before it freezes its heap, so every
worker inherits its work; an idle pool worker then loads one sample pact and answers one
request over a loopback connection, so the pages a real create touches are already its
own. It does so a step at a time while it waits, and stops the moment its pact arrives.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Generator, Iterator

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
}""", b"""{
  "consumer": {"name": "rehearsal"}, "provider": {"name": "rehearsal"},
  "interactions": [{
    "type": "Synchronous/HTTP", "description": "a V4 read with rules on its body",
    "request": {"method": "GET", "path": "/users/1"},
    "response": {"status": 200, "headers": {"Content-Type": ["application/json"]},
                 "body": {"content": {"id": 1, "name": "Ann", "score": 1.5, "ok": true,
                                      "at": "2024-01-01T10:00:00", "tags": ["a"]},
                          "contentType": "application/json", "encoded": false},
                 "matchingRules": {"body": {
                     "$.id": {"combine": "AND", "matchers": [{"match": "integer"}]},
                     "$.name": {"combine": "AND", "matchers": [{"match": "type"}]},
                     "$.score": {"combine": "AND", "matchers": [{"match": "decimal"}]},
                     "$.ok": {"combine": "AND", "matchers": [{"match": "boolean"}]},
                     "$.at": {"combine": "AND", "matchers": [
                         {"match": "datetime", "format": "yyyy-MM-dd'T'HH:mm:ss"}]},
                     "$.tags": {"combine": "AND", "matchers": [{"match": "type", "min": 1}]}}},
                 "generators": {"body": {"$.id": {"type": "RandomInt", "min": 1, "max": 9}}}}
  }, {
    "type": "Synchronous/HTTP", "description": "a V4 write with rules on its body",
    "request": {"method": "POST", "path": "/users",
                "headers": {"Content-Type": ["application/json"]},
                "body": {"content": {"id": 1, "email": "a@b.c", "n": 2},
                         "contentType": "application/json", "encoded": false},
                "matchingRules": {"body": {
                    "$.id": {"combine": "AND", "matchers": [{"match": "integer"}]},
                    "$.email": {"combine": "AND", "matchers": [
                        {"match": "regex", "regex": "[^@]+@[^@]+\\\\.[a-z]+"}]},
                    "$.n": {"combine": "AND", "matchers": [{"match": "number"}]}}}},
    "response": {"status": 201}
  }],
  "metadata": {"pactSpecification": {"version": "4.0"}}
}""")
"""More shapes of pact (V2 query strings, V4 typed bodies and their rules), so that loading
is rehearsed too."""


def rehearsal_steps(loop: asyncio.AbstractEventLoop) -> Generator[None, None, None]:
    """The whole rehearsal, one small unit per step, on the running `loop`.

    A pool worker runs one step per pass of its loop while it waits for its pact and drops
    the rest the moment the pact arrives (closing the generator closes what it opened), so
    a rehearsal never delays a create, and a suite that keeps the pool busy pays for none.
    It leaves nothing behind: no socket, no record, no file.
    """
    # One sample server and one real request: the whole matching rehearsal ran in the fork
    # server already (its work is shared); what a worker must make its own is the path of a
    # load and of a request. Measured: this light rehearsal made row 10 of
    # tools/bench_lifecycle.py faster than the full one (3.1-3.4 ms against 3.5-3.8 ms),
    # its CPU competing less with the test's.
    pact = load_pact(SAMPLE_PACT)
    yield  # steps of well under a millisecond: a pact that arrives waits for one at most
    service = MockService(pact, MockOptions(), Logbook(),
                          GeneratorContext.live(base_url("127.0.0.1", 1)))
    yield
    sock = bind_listener("127.0.0.1", 0)
    port = sock.getsockname()[1]
    starting = loop.create_task(start_server(sock, service.handle))
    request: asyncio.Task[None] | None = None
    try:
        while not starting.done():
            yield
        request = loop.create_task(_one_request(port))
        while not request.done():
            yield
    finally:
        if request is not None:
            request.cancel()
        if starting.done() and not starting.cancelled() and starting.exception() is None:
            starting.result().close()
        else:
            starting.cancel()
            sock.close()


async def _one_request(port: int) -> None:
    """A keep-alive GET and its answer, as a test's client sends it, over a raw socket: the
    listener's code (accept, parse, answer, close) runs once here, not on a create's first
    request."""
    loop = asyncio.get_running_loop()
    with socket.socket() as client:
        client.setblocking(False)
        try:
            await loop.sock_connect(client, ("127.0.0.1", port))
            await loop.sock_sendall(client, b"GET /items/1?full=1&lang=en HTTP/1.1\r\n"
                                            b"Host: rehearsal\r\nAccept: application/json"
                                            b"\r\n\r\n")
            await asyncio.wait_for(loop.sock_recv(client, 65536), 2.0)
        except (OSError, asyncio.TimeoutError):
            pass  # a rehearsal: whatever happens here, the worker serves as it would have


def rehearse_matching() -> MockService:
    """The sans-IO part, all at once: load the samples, build servers, answer requests
    in-process.

    The forkserver runs this before it freezes its heap, so that what a first run leaves
    behind (compiled regexes in `re`'s cache, the interpreter's specialised bytecode,
    lazily built tables) is made once and shared by every worker.
    """
    made: list[MockService] = []
    for _ in _matching_steps(made):
        pass
    return made[-1]


def _matching_steps(made: list[MockService]) -> Iterator[None]:
    """`rehearse_matching`, a step at a time; the sample server is appended to `made`."""
    context = GeneratorContext.live(base_url("127.0.0.1", 1))
    for sample in OTHER_SAMPLES:
        other = MockService(load_pact(sample), MockOptions(), Logbook(), context)
        yield
    json_type = [("content-type", "application/json")]
    other.handle(HttpRequest("GET", "/users/1", "", [], b"", "1.1", None))
    other.handle(HttpRequest("POST", "/users", "", json_type,
                             b'{"id": 7, "email": "x@y.z", "n": 2.5}', "1.1", None))
    other.handle(HttpRequest("POST", "/users", "", json_type, b'{"id": "7"}', "1.1", None))
    yield
    service = MockService(load_pact(SAMPLE_PACT), MockOptions(), Logbook(), context)
    made.append(service)
    yield
    headers = [("content-type", "application/json")]
    for path, body in (("/items", b'{"name": "desk", "tags": ["b"]}'), ("/other", b"{}")):
        service.handle(HttpRequest("POST", path, "page=2", headers, body, "1.1", None))
        yield
    service.handle(HttpRequest("GET", "/items/1", "full=1&lang=en",
                               [("accept", "application/json")], b"", "1.1", None))
    service.recorder.matched()
    service.recorder.mismatches()
    service.recorder.mismatch_json()
    service.log.text()
    yield
    yield from service.warm_up()
