"""pactpool: Pact mock servers, one process each.

The module-level functions keep the Rust library's names; `MockServer` is the Python way.
Names are imported on first use, so that loading the pytest plugin (which pytest does in
every run where pactpool is installed) costs next to nothing until a test uses a server.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pactpool.api import (
        MockServer,
        cleanup_mock_server,
        configure,
        create_mock_server,
        get_tls_ca_certificate,
        mock_server_ca_file,
        mock_server_logs,
        mock_server_matched,
        mock_server_mismatches,
        write_pact_file,
    )
    from pactpool.errors import (
        AddressInUseError,
        InvalidPactError,
        PactFileError,
        PactMismatchError,
        PactPoolError,
        UnknownMockServerError,
        WorkerDiedError,
        WorkerStartError,
        WorkerTimeoutError,
    )
    from pactpool.report import MismatchRecord

__version__ = "0.1.0"

_HOMES = {
    "pactpool.api": ("MockServer", "cleanup_mock_server", "configure", "create_mock_server",
                     "get_tls_ca_certificate", "mock_server_ca_file", "mock_server_logs",
                     "mock_server_matched", "mock_server_mismatches", "write_pact_file"),
    "pactpool.errors": ("AddressInUseError", "InvalidPactError", "PactFileError",
                        "PactMismatchError", "PactPoolError", "UnknownMockServerError",
                        "WorkerDiedError", "WorkerStartError", "WorkerTimeoutError"),
    "pactpool.report": ("MismatchRecord",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "AddressInUseError",
    "InvalidPactError",
    "MismatchRecord",
    "MockServer",
    "PactFileError",
    "PactMismatchError",
    "PactPoolError",
    "UnknownMockServerError",
    "WorkerDiedError",
    "WorkerStartError",
    "WorkerTimeoutError",
    "__version__",
    "cleanup_mock_server",
    "configure",
    "create_mock_server",
    "get_tls_ca_certificate",
    "mock_server_ca_file",
    "mock_server_logs",
    "mock_server_matched",
    "mock_server_mismatches",
    "write_pact_file",
]


def __getattr__(name: str) -> Any:
    module = _HOME_OF.get(name)
    if module is None:
        if importlib.util.find_spec(f"pactpool.{name}") is not None:
            return importlib.import_module(f"pactpool.{name}")  # `pactpool.api` and friends
        raise AttributeError(f"module 'pactpool' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME_OF])
