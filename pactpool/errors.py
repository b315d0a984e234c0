"""Every error pactpool raises, under one base class, each naming the problem and the fix."""

from __future__ import annotations

from typing import Any

from pactpool_worker import protocol


class PactPoolError(Exception):
    """Base class: catch this to catch anything pactpool raises on purpose."""


class InvalidPactError(PactPoolError, ValueError):
    """The pact cannot be served; `json_path` points at the problem (`$.interactions[2]`)."""

    def __init__(self, reason: str, json_path: str = "$", source: str | None = None) -> None:
        where = f" in {source}" if source else ""
        super().__init__(f"invalid pact{where}: {reason} (at {json_path})")
        self.reason = reason
        self.json_path = json_path
        self.source = source


class AddressInUseError(PactPoolError, OSError):
    """The address and port asked for are already bound; pass port=0 for a free one."""


class WorkerStartError(PactPoolError):
    """The worker process could not be started or could not bind its socket."""


class WorkerTimeoutError(PactPoolError, TimeoutError):
    """A worker did not answer within the deadline; `cleanup_mock_server` still stops it."""


class WorkerDiedError(PactPoolError):
    """The worker process ended on its own; `exit_status` is its exit code (negative: signal)."""

    def __init__(self, message: str, exit_status: int | None) -> None:
        super().__init__(message)
        self.exit_status = exit_status


class UnknownMockServerError(PactPoolError, LookupError):
    """No mock server managed by this process listens on that port."""

    def __init__(self, port: int) -> None:
        super().__init__(f"no mock server is running on port {port} in this process "
                         "(already cleaned up, or created by another process?)")
        self.port = port


class PactFileError(PactPoolError, OSError):
    """The pact file could not be written or merged."""


class PactMismatchError(PactPoolError, AssertionError):
    """The mock server did not see exactly the requests the pact expects.

    `mismatches` holds the parsed records; `str(error)` is a report a tester reads at a glance.
    """

    def __init__(self, report: str, mismatches: list[Any]) -> None:
        super().__init__(report)
        self.mismatches = mismatches


class PactDefinitionError(PactPoolError, ValueError):
    """A consumer test declared something no pact can hold: a matcher whose example fails it,
    an invalid regex, a body where none can go, an unknown specification version."""


def error_from_worker(error: dict[str, Any], source: str | None = None) -> PactPoolError:
    """Turn a worker's `error{kind, message}` reply into the matching typed exception."""
    kind = error.get("kind")
    message = str(error.get("message", "unknown error"))
    if kind == protocol.INVALID_PACT:
        return InvalidPactError(str(error.get("reason", message)), str(error.get("path", "$")),
                                source)
    if kind == protocol.ADDRESS_IN_USE:
        return AddressInUseError(message)
    if kind in (protocol.BIND_FAILED, protocol.TLS_SETUP):
        return WorkerStartError(message)
    return PactPoolError(f"worker error ({kind}): {message}")
