"""Every error raised inside the worker; each carries the `kind` the controller maps to a typed
`pactpool.errors` exception. No name here is shared with `pactpool.errors`: a worker error is
what crosses the pipe, a `pactpool` error is what callers catch."""

from __future__ import annotations

from typing import ClassVar

from pactpool_worker import protocol


class WorkerError(Exception):
    """Base of every error the worker reports back over the pipe."""

    kind: ClassVar[protocol.ErrorKind] = protocol.WORKER_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "message": self.message}


class PactLoadError(WorkerError, ValueError):
    """The pact cannot be served; `json_path` points at the problem (`$.interactions[2]`)."""

    kind = protocol.INVALID_PACT

    def __init__(self, message: str, json_path: str = "$") -> None:
        super().__init__(f"{message} (at {json_path})")
        self.reason = message
        self.json_path = json_path

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "message": self.message, "reason": self.reason,
                "path": self.json_path}


class AddressTakenError(WorkerError):
    """The address and port asked for are already bound."""

    kind = protocol.ADDRESS_IN_USE


class BindError(WorkerError):
    """The address cannot be bound for another reason (bad host, no permission)."""

    kind = protocol.BIND_FAILED


class TlsSetupError(WorkerError):
    """The certificate or key cannot be loaded (missing, unreadable, not matching)."""

    kind = protocol.TLS_SETUP

