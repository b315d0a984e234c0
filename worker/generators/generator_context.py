"""What a generator may draw on: randomness, a clock, and this mock server's URL.

Injected rather than global so tests fix the seed and the time, and so each worker makes its
own `random.Random` after fork: one made in the forkserver would give every server the same
"random" values.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], datetime]


def local_now() -> datetime:
    """The current local time with its UTC offset (the reference uses the local clock too)."""
    return datetime.now().astimezone()


class GeneratorContext:
    """Randomness, clock and server URL shared by the generators of one mock server."""

    __slots__ = ("_rng", "clock", "mock_server_url")

    def __init__(self, rng: random.Random | None, clock: Clock = local_now,
                 mock_server_url: str | None = None) -> None:
        self._rng = rng
        self.clock = clock
        self.mock_server_url = mock_server_url

    @property
    def rng(self) -> random.Random:
        """Seeded from the OS on first use: most servers never draw, and seeding costs a
        create about 9 us."""
        if self._rng is None:
            self._rng = random.Random()
        return self._rng

    @classmethod
    def live(cls, mock_server_url: str | None = None) -> GeneratorContext:
        """A context for serving: fresh OS-seeded randomness and the real clock."""
        return cls(None, local_now, mock_server_url)

    @classmethod
    def fixed(cls, seed: int = 0, now: datetime | None = None,
              mock_server_url: str | None = None) -> GeneratorContext:
        """A deterministic context for tests: a seeded generator and, if given, a frozen time."""
        clock: Clock = local_now if now is None else (lambda: now)
        return cls(random.Random(seed), clock, mock_server_url)


def base_url(host: str, port: int) -> str:
    """`http://host:port` for a bound address (IPv6 hosts in brackets), as MockServerURL uses."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"
