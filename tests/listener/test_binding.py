"""Binding the listener: literal addresses skip the resolver, names and odd forms still resolve."""

from __future__ import annotations

import socket

import pytest

from pactpool_worker.errors import AddressTakenError, BindError
from pactpool_worker.http.binding import bind_listener, bound_address


@pytest.mark.parametrize(("host", "family", "shown"), [
    ("127.0.0.1", socket.AF_INET, "127.0.0.1"),
    ("localhost", socket.AF_INET, "127.0.0.1"),
    ("127.1", socket.AF_INET, "127.0.0.1"),  # a form only the resolver reads
])
def test_the_listener_binds_literals_names_and_short_forms(host: str, family: int,
                                                           shown: str) -> None:
    sock = bind_listener(host, 0)
    try:
        assert sock.family == family
        address, port = bound_address(sock)
        assert address == shown and port > 0
        socket.create_connection((shown, port), timeout=2).close()  # it listens
    finally:
        sock.close()


def test_an_ipv6_literal_binds_ipv6() -> None:
    try:
        sock = bind_listener("::1", 0)
    except BindError as exc:
        pytest.skip(f"no IPv6 loopback on this machine: {exc}")
    try:
        assert sock.family == socket.AF_INET6
        assert bound_address(sock)[0] == "::1"
    finally:
        sock.close()


def test_a_taken_port_and_an_unknown_name_are_typed_errors() -> None:
    taken = bind_listener("127.0.0.1", 0)
    try:
        with pytest.raises(AddressTakenError, match="already in use"):
            bind_listener("127.0.0.1", bound_address(taken)[1])
    finally:
        taken.close()
    with pytest.raises(BindError, match="cannot resolve host"):
        bind_listener("no-such-host.invalid", 0)
