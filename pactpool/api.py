"""The public API: the Rust library's function names, and `MockServer` for Python users."""

from __future__ import annotations

import atexit
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar, Union

import orjson

from pactpool.control import signals
from pactpool.control.certificates import CertificateAuthority, ServerCertificate, user_certificate
from pactpool.control.controller import (
    EARLY_PACT_BYTES,
    Controller,
    mock_server_failed_entry,
    pact_is_servable,
)
from pactpool.errors import (
    InvalidPactError,
    PactMismatchError,
    PactPoolError,
    UnknownMockServerError,
    WorkerDiedError,
)
from pactpool.pact_files import write_pact
from pactpool.report import MismatchRecord, format_report, parse_mismatches

PactSource = Union[str, bytes, dict[str, Any], "os.PathLike[str]"]

_controller: Controller | None = None
_controller_lock = threading.Lock()


def get_controller() -> Controller:
    """The process-wide controller, made on first use and stopped at interpreter exit."""
    global _controller
    with _controller_lock:
        if _controller is None:
            _controller = Controller()
            atexit.register(_controller.stop_all)
            signals.install(_controller.stop_all)
        return _controller


def configure(*, timeout: float | None = None, start_timeout: float | None = None,
              log_level: str | None = None, max_body_bytes: int | None = None,
              max_header_count: int | None = None, idle_timeout: float | None = None,
              head_timeout: float | None = None, pool_size: int | None = None) -> None:
    """Process-wide settings for the servers created from now on.

    `timeout`: deadline of each controller call; `start_timeout`: of a worker's start;
    `log_level`: what workers keep in their logs; `max_body_bytes` (413 past it),
    `max_header_count` (431 past it), `idle_timeout` (seconds before an idle keep-alive
    connection is closed), `head_timeout` (seconds for a request head to arrive; 408 past
    it): the HTTP limits of each worker. `pool_size`: how many idle
    workers are kept forked and ready (default 2; 0 forks one per create).
    """
    ctl = get_controller()
    if pool_size is not None:
        if pool_size < 0:
            raise ValueError(f"pool_size must be 0 or more, not {pool_size!r}")
        ctl.pool_size = pool_size
    for name, value in (("max_body_bytes", max_body_bytes),
                        ("max_header_count", max_header_count),
                        ("idle_timeout", idle_timeout),
                        ("head_timeout", head_timeout)):
        if value is not None:
            if value <= 0:
                raise ValueError(f"{name} must be positive, not {value!r}")
            ctl.limits[name] = value
    if timeout is not None:
        ctl.timeout = timeout
    if start_timeout is not None:
        ctl.start_timeout = start_timeout
    if log_level is not None:
        ctl.log_level = log_level


def create_mock_server(pact: PactSource, addr: str = "127.0.0.1", port: int = 0, *,
                       cors_preflight: bool = False, tls: bool = False,
                       tls_cert: str | os.PathLike[str] | None = None,
                       tls_key: str | os.PathLike[str] | None = None) -> int:
    """Start a mock server for `pact` (JSON text, bytes, a dict or a file path); returns its port.

    Port 0 lets the worker's kernel pick a free port. Raises `InvalidPactError` for a pact
    that cannot be served and `AddressInUseError` for a taken port; no process is left behind.
    `tls=True` serves HTTPS with a certificate issued for this server by a per-process CA
    (trust `mock_server_ca_file(port)`), or with `tls_cert`/`tls_key` when given.
    """
    data, source = _pact_bytes(pact)
    certificate = _certificate(addr, tls, tls_cert, tls_key)
    try:
        return get_controller().create(data, addr, port, cors_preflight=cors_preflight,
                                   source=source, certificate=certificate).port
    except BaseException:
        if certificate is not None and certificate.ca_file is not None:
            _AUTHORITY.forget(certificate)
        raise


def mock_server_ca_file(port: int) -> str | None:
    """The PEM file of the CA a client should trust for this HTTPS server.

    None for a plain HTTP server or one serving the user's own certificate.
    """
    certificate = get_controller().worker(port).certificate
    return certificate.ca_file if certificate is not None else None


def get_tls_ca_certificate() -> str:
    """The PEM text of the CA that issues pactpool's HTTPS server certificates."""
    return _AUTHORITY.ca_pem()


def mock_server_matched(port: int) -> bool:
    """True when every interaction was hit and no unexpected or mismatched request came in.

    False for a port pactpool does not own, and for a server whose process died.
    """
    try:
        return get_controller().matched(port)
    except (UnknownMockServerError, WorkerDiedError):
        return False


def mock_server_mismatches(port: int) -> str | None:
    """The mismatches as JSON text (the reference's shape, keys sorted).

    None for a port pactpool does not own.
    """
    ctl = get_controller()
    try:
        if ctl.known_matched(port):
            return "[]"
        text = ctl.call(port, "mismatches")  # the worker's JSON text (keys sorted), unparsed
    except UnknownMockServerError:
        return None
    except WorkerDiedError:
        entries = [mock_server_failed_entry(ctl.worker(port))]
        return orjson.dumps(entries, option=orjson.OPT_SORT_KEYS).decode()
    return text.decode()  # type: ignore[no-any-return]


def mock_server_logs(port: int) -> str:
    """The worker's own log lines (a bounded ring, newest kept); raises for an unknown port."""
    ctl = get_controller()
    try:
        return str(ctl.call(port, "logs"))
    except WorkerDiedError as exc:
        return f"(the mock server process died: exit status {exc.exit_status})"


def write_pact_file(port: int, directory: str | os.PathLike[str], overwrite: bool = False) -> str:
    """Write `<consumer>-<provider>.json` into `directory`; merges unless `overwrite`.

    Returns the file's path. Safe to call from parallel processes writing the same pact.
    The pact written is the one the server was created from, exactly.
    """
    document = orjson.loads(get_controller().worker(port).pact)
    return write_pact(document, os.path.abspath(os.fspath(directory)), overwrite=overwrite,
                      writer_version=_version())


def write_pact_document(pact: PactSource, directory: str | os.PathLike[str],
                        overwrite: bool = False) -> str:
    """Write a pact (JSON text, bytes, a dict or a file path) as `write_pact_file` writes a
    served one: `<consumer>-<provider>.json` in `directory`, merged unless `overwrite`.

    No server is needed: this is how the consumer front writes the pact it declared. The
    pact is checked by the loader a server would use first: a pact no server could serve
    raises `InvalidPactError` and is never written.
    """
    from pactpool_worker.errors import PactLoadError
    from pactpool_worker.pact import load_pact

    data, source = _pact_bytes(pact)
    if len(data) <= EARLY_PACT_BYTES and pact_is_servable(data):  # checked when it was served
        document = orjson.loads(data)
    else:
        try:
            document = load_pact(data).raw
        except PactLoadError as exc:
            raise InvalidPactError(exc.reason, exc.json_path, source) from None
    return write_pact(document, os.path.abspath(os.fspath(directory)), overwrite=overwrite,
                      writer_version=_version())


def cleanup_mock_server(port: int) -> bool:
    """Stop the mock server; returns once its port refuses connections.

    The controller closes the port itself where the system allows (`control/port_closer`),
    else the worker closes its listener, answers and exits; either way the process is reaped
    in the background. False for a port pactpool does not own (already cleaned up included).
    """
    return bool(_stop(port, get_controller().stop))


def finish_mock_server(port: int) -> tuple[str, str | None] | None:
    """Stop the server as `cleanup_mock_server` does, and return what it recorded: the
    mismatches as JSON text (as `mock_server_mismatches` gives them) and, when there are
    any, its log. One call where asking and then cleaning up would take two (none at all
    for a server that said it matched).

    None for a port pactpool does not own.
    """
    final = _stop(port, get_controller().stop_with_record)
    if final is None:
        return None
    record, logs = final
    return record.decode(), logs


_Stopped = TypeVar("_Stopped")


def _stop(port: int, stop: Callable[[int], _Stopped]) -> _Stopped | None:
    """Stop the server on `port` with `stop`, then let go of its certificate; None for a port
    pactpool does not own."""
    ctl = get_controller()
    try:
        certificate = ctl.worker(port).certificate
    except UnknownMockServerError:
        return None
    stopped = stop(port)
    if stopped and certificate is not None and certificate.ca_file is not None:
        _AUTHORITY.forget(certificate)
    return stopped


class MockServer:
    """A mock server as a Python object; a context manager that always cleans up.

    >>> with MockServer("pacts/consumer-provider.json") as server:   # doctest: +SKIP
    ...     requests.get(server.url + "/items")
    ...     server.assert_matched()
    """

    def __init__(self, pact: PactSource, addr: str = "127.0.0.1", port: int = 0, *,
                 cors_preflight: bool = False, tls: bool = False,
                 tls_cert: str | os.PathLike[str] | None = None,
                 tls_key: str | os.PathLike[str] | None = None) -> None:
        self.port = create_mock_server(pact, addr, port, cors_preflight=cors_preflight, tls=tls,
                                       tls_cert=tls_cert, tls_key=tls_key)
        worker = get_controller().worker(self.port)
        self.host = worker.host
        self.pid = worker.pid
        self.scheme = worker.scheme
        self.ca_file = worker.certificate.ca_file if worker.certificate else None
        self._closed = False

    @property
    def url(self) -> str:
        """`http://host:port` (`https` for TLS), with IPv6 hosts in brackets."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def matched(self) -> bool:
        return mock_server_matched(self.port)

    def mismatches(self) -> list[MismatchRecord]:
        """The parsed mismatch records (empty when matched)."""
        return parse_mismatches(mock_server_mismatches(self.port))

    def assert_matched(self) -> None:
        """Raise `PactMismatchError` with a readable report unless the pact was honoured."""
        records = self.mismatches()
        if records:
            raise PactMismatchError(format_report(self.url, records), records)

    def logs(self) -> str:
        return mock_server_logs(self.port)

    def write_pact(self, directory: str | os.PathLike[str], overwrite: bool = False) -> str:
        return write_pact_file(self.port, directory, overwrite)

    def finish(self) -> tuple[str, str | None] | None:
        """Stop the server and return its final record and log (`finish_mock_server`);
        None when it was already closed."""
        if self._closed:
            return None
        self._closed = True
        return finish_mock_server(self.port)

    def close(self) -> None:
        """Stop the server (idempotent)."""
        if not self._closed:
            self._closed = True
            cleanup_mock_server(self.port)

    def __enter__(self) -> MockServer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "running"
        return f"<MockServer {self.url} pid={self.pid} {state}>"


_AUTHORITY = CertificateAuthority()


def _certificate(addr: str, tls: bool, cert: str | os.PathLike[str] | None,
                 key: str | os.PathLike[str] | None) -> ServerCertificate | None:
    if (cert is None) != (key is None):
        raise PactPoolError("pass both tls_cert and tls_key, or neither")
    if cert is not None and key is not None:
        return user_certificate(cert, key)
    return _AUTHORITY.issue(addr) if tls else None


def _pact_bytes(pact: PactSource) -> tuple[bytes, str | None]:
    """The pact as JSON bytes, and a name for it in errors (the file path, if any)."""
    if isinstance(pact, dict):
        try:
            return orjson.dumps(pact), None
        except TypeError:
            pass  # very deep nesting or an odd type: the stdlib encoder may still manage
        _no_lone_surrogates(pact)
        try:
            return json.dumps(pact).encode(), None
        except (TypeError, ValueError, RecursionError) as exc:
            raise InvalidPactError(f"the pact dict cannot be serialised as JSON: {exc}") from exc
    if isinstance(pact, bytes):
        return pact, None
    if isinstance(pact, str):
        bad = _lone_surrogate(pact)
        if bad is not None:  # no file is named so, and no JSON text holds one
            raise InvalidPactError(f"the pact text is not valid Unicode: a lone surrogate "
                                   f"{pact[bad]!r} at index {bad} (UTF-8 cannot encode it)")
        if pact.lstrip().startswith(("{", "[")):
            return pact.encode(), None
    if isinstance(pact, (str, os.PathLike)):
        path = Path(pact)
        try:
            return path.read_bytes(), str(path)
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            raise InvalidPactError(f"cannot read pact file {path}: {reason}; pass a path to "
                                   "a pact JSON file, or the JSON text itself") from exc
    raise TypeError(f"pact must be JSON text, bytes, a dict or a path, not {type(pact).__name__}")


def _lone_surrogate(text: str) -> int | None:
    """The index of the first lone surrogate (U+D800-U+DFFF) in `text`, if any."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def _no_lone_surrogates(doc: object) -> None:
    """Name the first string of a pact dict that UTF-8 cannot encode, with its JSON path."""
    stack: list[tuple[object, str]] = [(doc, "$")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            bad = _lone_surrogate(value)
            if bad is not None:
                raise InvalidPactError(f"the pact holds a string that is not valid Unicode: a "
                                       f"lone surrogate {value[bad]!r} at index {bad} of {where}")
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                stack.append((key, f"{where} (a key)"))
                stack.append((item, f"{where}.{key}"))
        elif isinstance(value, (list, tuple)):
            stack.extend((item, f"{where}[{i}]") for i, item in reversed(list(enumerate(value))))


def _version() -> str:
    from pactpool import __version__

    return __version__
