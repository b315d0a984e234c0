"""Certificates for HTTPS mock servers: one private CA per test process, one leaf per server.

Clients should verify, not switch verification off: each TLS server gets a certificate for
its loopback names issued by a CA that exists only in this process, and the CA's PEM file
is what the client trusts (`MockServer.ca_file`, `mock_server_ca_file(port)`). Keys and
certificates live in a private temporary folder, removed at exit. Generation uses
`trustme` (the optional `tls` extra), which is built for exactly this.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pactpool.errors import PactPoolError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class ServerCertificate:
    """The files a TLS worker loads, and the CA file a client trusts (None: the user's own)."""

    cert_file: str
    key_file: str
    ca_file: str | None


class CertificateAuthority:
    """A per-process CA, made on first use; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ca: Any = None
        self._folder: Path | None = None
        self._issued = 0

    def issue(self, host: str) -> ServerCertificate:
        """A fresh leaf certificate for the loopback names (and `host`)."""
        with self._lock:
            ca, folder = self._ensure()
            self._issued += 1
            names = dict.fromkeys((*LOOPBACK_NAMES, host))
            leaf = ca.issue_cert(*names)
            cert_file = folder / f"server-{os.getpid()}-{self._issued}.pem"
            key_file = folder / f"server-{os.getpid()}-{self._issued}.key"
            _write_private(key_file, leaf.private_key_pem.bytes())
            _write_private(cert_file, b"".join(p.bytes() for p in leaf.cert_chain_pems))
            return ServerCertificate(str(cert_file), str(key_file), str(folder / "ca.pem"))

    def ca_pem(self) -> str:
        """The CA certificate as PEM text, for clients that take it inline."""
        with self._lock:
            ca, _ = self._ensure()
            return str(ca.cert_pem.bytes().decode())

    def forget(self, certificate: ServerCertificate) -> None:
        """Remove a stopped server's key and certificate."""
        for name in (certificate.cert_file, certificate.key_file):
            with contextlib.suppress(OSError):
                os.unlink(name)

    def _ensure(self) -> tuple[Any, Path]:
        if self._ca is None or self._folder is None:
            try:
                import trustme
            except ImportError as exc:
                raise PactPoolError("HTTPS mock servers need the 'tls' extra: "
                                    "pip install 'pactpool[tls]' (it installs trustme)") from exc
            folder = Path(tempfile.mkdtemp(prefix="pactpool-tls-"))
            atexit.register(shutil.rmtree, folder, True)
            ca = trustme.CA(organization_name="pactpool test CA")
            _write_private(folder / "ca.pem", ca.cert_pem.bytes())
            self._ca, self._folder = ca, folder
        return self._ca, self._folder


def user_certificate(cert_file: str | os.PathLike[str],
                     key_file: str | os.PathLike[str]) -> ServerCertificate:
    """A certificate and key the user brings; they know which CA to trust."""
    for name in (cert_file, key_file):
        if not os.path.isfile(name):
            raise PactPoolError(f"TLS file {os.fspath(name)} does not exist")
    return ServerCertificate(os.path.abspath(cert_file), os.path.abspath(key_file), None)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
