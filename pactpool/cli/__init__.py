"""The command line, the HTTP control API, `check` and `demo`: edges over `pactpool.api`."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """`pactpool ...`: the console script's entry point."""
    from pactpool.cli.commands import main as run

    return run(argv)
