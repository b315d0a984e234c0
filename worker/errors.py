"""Errors raised inside the worker; each carries a `kind` the controller maps to a typed error."""

from __future__ import annotations


class WorkerError(Exception):
    """Base of every error the worker reports back over the pipe."""

    kind = "worker-error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "message": self.message}


class InvalidPactError(WorkerError, ValueError):
    """The pact cannot be served; `json_path` points at the problem (`$.interactions[2]`)."""

    kind = "invalid-pact"

    def __init__(self, message: str, json_path: str = "$") -> None:
        super().__init__(f"{message} (at {json_path})")
        self.reason = message
        self.json_path = json_path

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "message": self.message, "reason": self.reason,
                "path": self.json_path}


class AddressInUseError(WorkerError):
    """The address and port asked for are already bound."""

    kind = "address-in-use"


class BindError(WorkerError):
    """The address cannot be bound for another reason (bad host, no permission)."""

    kind = "bind-failed"
