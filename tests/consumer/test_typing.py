"""User code type-checks against pactpool.consumer as it does against pact-python."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_a_typed_consumer_test_passes_mypy_strict() -> None:
    api = pytest.importorskip("mypy.api")
    out, err, status = api.run(["--strict", "--no-error-summary",
                                str(Path(__file__).with_name("typing_usage.py"))])
    assert status == 0, out + err
