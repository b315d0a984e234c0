"""Helpers the tests share: a port probe, a deadline poll, pact builders."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any


def refuses(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing accepts connections on the port."""
    try:
        socket.create_connection((host, port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


def poll(predicate: Callable[[], bool], timeout: float = 5.0, interval: float = 0.01) -> bool:
    """Wait for a state with a deadline; never a bare sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)  # poll
    return predicate()


def simple_pact(*interactions: dict[str, Any], version: str = "2.0.0",
                consumer: str = "consumer", provider: str = "provider") -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": list(interactions),
        "metadata": {"pactSpecification": {"version": version}},
    }


def interaction(description: str, method: str = "GET", path: str = "/", *,
                status: int = 200, response_body: Any = None, **request: Any) -> dict[str, Any]:
    response: dict[str, Any] = {"status": status}
    if response_body is not None:
        response["headers"] = {"Content-Type": "application/json"}
        response["body"] = response_body
    return {"description": description, "request": {"method": method, "path": path, **request},
            "response": response}
