"""pactpool: Pact mock servers, one process each.

The module-level functions keep the Rust library's names; `MockServer` is the Python way.
"""

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
