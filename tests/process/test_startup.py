"""A worker's start, in this process: the pact is read once, by whichever asks first.

A pool worker's port may be published before the worker read its pact (the controller
checks the pact itself), so a request that comes first must load it before it is answered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import multiprocess
import orjson
import pytest
from support import interaction, simple_pact

from pactpool_worker import protocol
from pactpool_worker.http.wire import HttpRequest
from pactpool_worker.process.main import ServiceSlot, Startup

PACT = orjson.dumps(simple_pact(interaction("ping", "GET", "/ping")))


@pytest.fixture
def pipe() -> Iterator[tuple[Any, Any]]:
    controller_end, worker_end = multiprocess.Pipe(duplex=True)
    yield controller_end, worker_end
    controller_end.close()
    worker_end.close()


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def ping() -> HttpRequest:
    return HttpRequest("GET", "/ping", "", [("Host", "x")], b"", "1.1", ("127.0.0.1", 1))


def test_a_request_that_comes_before_the_pact_was_read_loads_it_first(
        pipe: tuple[Any, Any], loop: asyncio.AbstractEventLoop) -> None:
    controller_end, worker_end = pipe
    slot = ServiceSlot(loop, worker_end)
    startup = Startup(worker_end, loop, slot, None, None)
    controller_end.send_bytes(protocol.encode_request(7, "load", {"host": "127.0.0.1"},
                                                      attachment=True))
    controller_end.send_bytes(PACT)
    try:
        assert slot.handle(ping()).status == 200
        assert startup.loaded.done() and startup.frame_id == 7
        verdict = protocol.decode_reply(controller_end.recv_bytes())  # said before the answer
        assert verdict["id"] == protocol.VERDICT_ID and verdict["result"] == {"matched": True}
        startup.load()  # the worker's own turn comes later: nothing is read twice
        assert not controller_end.poll(0)
    finally:
        if startup.sock is not None:
            startup.sock.close()


def test_a_request_with_no_pact_sent_is_refused_without_waiting(
        pipe: tuple[Any, Any], loop: asyncio.AbstractEventLoop) -> None:
    _, worker_end = pipe
    slot = ServiceSlot(loop, worker_end)
    startup = Startup(worker_end, loop, slot, None, None)
    assert slot.handle(ping()).status == 503
    assert not startup.loaded.done()  # still waiting for its pact


def test_a_bad_pact_read_first_by_a_request_is_reported_on_the_pipe(
        pipe: tuple[Any, Any], loop: asyncio.AbstractEventLoop) -> None:
    controller_end, worker_end = pipe
    slot = ServiceSlot(loop, worker_end)
    startup = Startup(worker_end, loop, slot, None, None)
    controller_end.send_bytes(protocol.encode_request(3, "load", {}, attachment=True))
    controller_end.send_bytes(b'{"consumer": {"name": "c"}, "interactions": 5}')
    assert slot.handle(ping()).status == 503  # no service: nothing to match against
    reply = protocol.decode_reply(controller_end.recv_bytes())
    assert reply["id"] == 3 and not reply["ok"]
    assert reply["error"]["kind"] == protocol.INVALID_PACT
    assert startup.serve() == 0  # and the worker ends
