"""The worker's HTTP/1.1 listener: serve a bound socket, one `Connection` per client.

It knows nothing of Pact: requests go to a handler, answers come back (see `connection` and
`wire`).
"""

from __future__ import annotations

import asyncio
import socket
import ssl as ssl_module

from pactpool_worker.http.connection import Connection
from pactpool_worker.http.wire import Handler, Limits, RejectHook

__all__ = ["start_server"]

_DEFAULT_LIMITS = Limits()


async def start_server(
    sock: socket.socket,
    handler: Handler,
    *,
    limits: Limits = _DEFAULT_LIMITS,
    ssl: ssl_module.SSLContext | None = None,
    on_reject: RejectHook | None = None,
) -> asyncio.AbstractServer:
    """Serve the caller's bound, listening `sock` on the running loop (binding stays race-free).

    `on_reject(status, message, client)` is told of every request the listener answers by
    itself (400, 408, 413, 431), so that a record of what clients sent loses nothing.
    """
    loop = asyncio.get_running_loop()

    def factory() -> Connection:
        return Connection(handler, limits, loop, on_reject)

    return await loop.create_server(
        factory,
        sock=sock,
        ssl=ssl,
        backlog=1024,
        ssl_handshake_timeout=limits.head_timeout if ssl is not None else None,
    )

