"""Bind the listening socket inside the worker, so port 0 is chosen by the kernel, race-free."""

from __future__ import annotations

import errno
import socket
from typing import Any

from pactpool_worker.errors import AddressTakenError, BindError


def bind_listener(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A non-blocking listening TCP socket on the first address `host` resolves to."""
    family, sockaddr = address_for(host, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # Lets a port in TIME_WAIT be bound again; Linux still refuses a port someone listens on.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(sockaddr)
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        where = f"{host}:{port}"
        if exc.errno == errno.EADDRINUSE:
            raise AddressTakenError(
                f"address {where} is already in use; pass port=0 to let the system pick "
                "a free port, or stop whatever holds it") from exc
        raise BindError(f"cannot bind {where}: {exc.strerror}") from exc
    sock.setblocking(False)
    return sock


def address_for(host: str, port: int) -> tuple[socket.AddressFamily, tuple[Any, ...]]:
    """The family and socket address `bind_listener` binds for `host` (the resolver's first
    answer for a name); raises `BindError` for a name that does not resolve."""
    return _numeric_address(host, port) or _resolved_address(host, port)


def _numeric_address(host: str, port: int) -> tuple[socket.AddressFamily, tuple[Any, ...]] | None:
    """A literal IPv4 or IPv6 address needs no resolver (which costs a fresh worker 0.7 ms)."""
    try:
        socket.inet_pton(socket.AF_INET, host)
    except OSError:
        pass
    else:
        return socket.AF_INET, (host, port)
    try:
        socket.inet_pton(socket.AF_INET6, host)
    except OSError:
        return None  # a name, or a form only the resolver reads ("127.1", "fe80::1%eth0")
    return socket.AF_INET6, (host, port, 0, 0)


def _resolved_address(host: str, port: int) -> tuple[socket.AddressFamily, tuple[Any, ...]]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise BindError(f"cannot resolve host {host!r}: {exc.strerror}") from exc
    family, _, _, _, sockaddr = infos[0]
    return family, sockaddr


def bound_address(sock: socket.socket) -> tuple[str, int]:
    """The address and port the kernel actually gave us."""
    address = sock.getsockname()
    return str(address[0]), int(address[1])
