"""The pipe's frames: the whole contract between the controller and a worker.

Each frame is one orjson-encoded object sent as one length-prefixed message on a duplex
`multiprocess` pipe. The controller sends requests, the worker answers each with a reply
carrying the same `id`, so a reply that arrives after its caller gave up is recognised and
dropped. A request may be followed by one raw binary attachment (the pact text), so that
large documents cross the pipe without being escaped into a JSON string.
"""

from __future__ import annotations

import struct
from typing import Any, Final, Literal, TypedDict

import orjson

Op = Literal["load", "matched", "mismatches", "logs", "status", "shutdown"]
OPS: frozenset[str] = frozenset(
    {"load", "matched", "mismatches", "logs", "status", "shutdown"}
)


HELLO_ID: Final = 0
"""The id of the first frame a worker sends unasked: `{"idle": true, "pid": ...}`, with
`host`, `port` and `listener_fd` (its descriptor number) from a pool worker that already
listens."""
VERDICT_ID: Final = -2
"""The id of the frames a serving worker sends unasked each time its verdict changes:
`{"matched": bool}`, written before the answer to the request that changed it."""

ErrorKind = Literal["worker-error", "invalid-pact", "address-in-use", "bind-failed", "tls",
                    "protocol", "internal"]
"""What went wrong in a worker; the controller maps each kind to a typed `pactpool` error."""
WORKER_ERROR: Final = "worker-error"
INVALID_PACT: Final = "invalid-pact"
ADDRESS_IN_USE: Final = "address-in-use"
BIND_FAILED: Final = "bind-failed"
TLS_SETUP: Final = "tls"
PROTOCOL: Final = "protocol"
"""A frame out of order or unreadable."""
INTERNAL: Final = "internal"
"""A bug in the worker: an exception no handler expected."""

MAX_MESSAGE_BYTES = 0x7FFFFFFF
"""The largest message one 4-byte length header carries (2 GiB - 1)."""


class RequestFrame(TypedDict):
    """Controller to worker: do `op` with `args`; `attachment` says a raw frame follows."""

    id: int
    op: str
    args: dict[str, Any]
    attachment: bool


class ErrorBody(TypedDict, total=False):
    """What went wrong, with a `kind` the controller maps to a typed exception."""

    kind: ErrorKind
    message: str
    reason: str
    path: str


class ReplyFrame(TypedDict, total=False):
    """Worker to controller: `result` when `ok`, else `error`. With `attachment`, a raw
    message follows (JSON text the controller hands on without parsing): `attached`."""

    id: int
    ok: bool
    result: Any
    error: ErrorBody
    attachment: bool
    attached: bytes


class ProtocolError(Exception):
    """A frame that does not follow this module's contract."""


def encode_request(frame_id: int, op: Op, args: dict[str, Any] | None = None,
                   *, attachment: bool = False) -> bytes:
    """One request frame."""
    frame: RequestFrame = {"id": frame_id, "op": op, "args": args or {}, "attachment": attachment}
    return orjson.dumps(frame)


def encode_result(frame_id: int, result: Any) -> bytes:
    """A successful reply."""
    return orjson.dumps({"id": frame_id, "ok": True, "result": result})


def encode_verdict(matched: bool) -> bytes:
    """The unasked frame that says what `matched` is now (see `VERDICT_ID`)."""
    return orjson.dumps({"id": VERDICT_ID, "ok": True, "result": {"matched": matched}})


def encode_raw_result(frame_id: int, payload: bytes, result: Any = None) -> bytes:
    """A successful reply whose `payload` follows as its attachment, in the pipe's wire form
    (the reply frame, then the payload): one write, the payload never re-encoded. `result`,
    if any, is what the frame itself carries beside it."""
    return wire_messages(orjson.dumps({"id": frame_id, "ok": True, "attachment": True,
                                       "result": result}), payload)


def encode_error(frame_id: int, error: dict[str, Any]) -> bytes:
    """A failed reply; `error` has at least `kind` and `message`."""
    return orjson.dumps({"id": frame_id, "ok": False, "error": error})


def wire_messages(*payloads: bytes) -> bytes:
    """Several messages in the pipe's wire form, to leave in one write: one wake-up.

    The form is `multiprocess.Connection`'s (a 4-byte big-endian length, then the bytes),
    so the other end reads each with `recv_bytes` as usual.
    """
    parts: list[bytes] = []
    for payload in payloads:
        if len(payload) > MAX_MESSAGE_BYTES:
            raise ProtocolError(f"a message over {MAX_MESSAGE_BYTES:,} bytes does not fit "
                                "the pipe's frame")
        parts += (struct.pack("!i", len(payload)), payload)
    return b"".join(parts)


def decode_request(data: bytes) -> RequestFrame:
    """Parse and check a request frame."""
    frame = _decode(data)
    if not isinstance(frame.get("id"), int) or frame.get("op") not in OPS:
        raise ProtocolError(f"not a request frame: {data[:200]!r}")
    args = frame.get("args")
    if not isinstance(args, dict):
        raise ProtocolError("request frame args must be an object")
    return {"id": frame["id"], "op": frame["op"], "args": args,
            "attachment": bool(frame.get("attachment", False))}


def decode_reply(data: bytes) -> ReplyFrame:
    """Parse and check a reply frame."""
    frame = _decode(data)
    if not isinstance(frame.get("id"), int) or not isinstance(frame.get("ok"), bool):
        raise ProtocolError(f"not a reply frame: {data[:200]!r}")
    reply: ReplyFrame = {"id": frame["id"], "ok": frame["ok"]}
    if frame["ok"]:
        reply["result"] = frame.get("result")
        if frame.get("attachment"):
            reply["attachment"] = True
    else:
        error = frame.get("error")
        if not isinstance(error, dict) or not isinstance(error.get("kind"), str):
            raise ProtocolError("error reply without an error kind")
        reply["error"] = error  # type: ignore[typeddict-item]
    return reply


def _decode(data: bytes) -> dict[str, Any]:
    try:
        frame = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ProtocolError(f"frame is not JSON: {exc}") from exc
    if not isinstance(frame, dict):
        raise ProtocolError("frame is not a JSON object")
    return frame
