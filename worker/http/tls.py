"""The worker's side of HTTPS: a server TLS context from the files the controller names."""

from __future__ import annotations

import ssl
from typing import Any

from pactpool_worker.errors import TlsSetupError


def server_tls_context(spec: Any) -> ssl.SSLContext | None:
    """None for plain HTTP; else a context serving `spec["cert"]` with `spec["key"]`."""
    if not spec:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(str(spec["cert"]), str(spec["key"]))
    except (OSError, ssl.SSLError, KeyError) as exc:
        raise TlsSetupError(f"cannot load the TLS certificate {spec.get('cert')!r} and key "
                            f"{spec.get('key')!r}: {exc}") from exc
    return context
