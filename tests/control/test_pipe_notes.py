"""What the controller keeps of the frames a worker sends unasked, or answers late."""

from __future__ import annotations

from typing import Any

from pactpool.control.controller import mock_server_failed_entry
from pactpool.control.pipe import Worker, _note
from pactpool_worker import protocol


def worker(posted: int | None = None) -> Worker:
    handle = Worker(process=None, conn=None, pid=4321)
    handle.posted = posted
    return handle


def reply(frame: bytes) -> Any:
    return protocol.decode_reply(frame)


def test_a_verdict_frame_is_kept_as_said() -> None:
    held = worker()
    _note(held, reply(protocol.encode_verdict(True)))
    assert held.verdict is True
    _note(held, reply(protocol.encode_verdict(False)))
    assert held.verdict is False


def test_the_ready_answer_to_a_posted_load_clears_it_and_says_the_first_verdict() -> None:
    held = worker(posted=3)
    ready = {"host": "127.0.0.1", "port": 5000, "pid": 4321, "scheme": "http",
             "listener_fd": 7, "matched": False}
    _note(held, reply(protocol.encode_result(3, ready)))
    assert held.posted is None and held.verdict is False and held.late_failure is None


def test_other_answers_say_nothing_of_the_verdict() -> None:
    held = worker()
    _note(held, reply(protocol.encode_result(9, {"matched": True})))  # not unasked, not ready
    _note(held, reply(protocol.encode_result(10, True)))
    assert held.verdict is None


def test_a_posted_load_that_failed_late_is_named_in_the_failed_entry() -> None:
    held = worker(posted=2)
    error = {"kind": protocol.INVALID_PACT, "message": "invalid pact: x",
             "reason": "the pact cannot be served: ValueError: x", "path": "$"}
    _note(held, reply(protocol.encode_error(2, error)))
    assert held.posted is None
    assert held.late_failure == "the pact cannot be served: ValueError: x"
    held.exit_status = 0
    entry = mock_server_failed_entry(held)
    assert entry["type"] == "mock-server-failed"
    assert "could not serve its pact: the pact cannot be served" in entry["error"]
