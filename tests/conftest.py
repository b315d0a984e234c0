"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import pactpool


@pytest.fixture
def serve() -> Iterator[Callable[..., pactpool.MockServer]]:
    """Start mock servers for one test; every one is cleaned up whatever the test does."""
    servers: list[pactpool.MockServer] = []

    def start(pact: Any, **kwargs: Any) -> pactpool.MockServer:
        server = pactpool.MockServer(pact, **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
