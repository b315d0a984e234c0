"""Parallel test processes (pytest-xdist) share one machine's ports without a clash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SUITE = '''
import threading
import httpx
import pytest
import pactpool

PACT = {"consumer": {"name": "c"}, "provider": {"name": "p"},
        "interactions": [{"description": "d", "request": {"method": "GET", "path": "/"},
                          "response": {"status": 200}}]}


def cycle(count):
    for _ in range(count):
        with pactpool.MockServer(PACT) as server:
            assert httpx.get(server.url + "/").status_code == 200
            assert server.matched


@pytest.mark.parametrize("n", range(8))
def test_servers(n):
    threads = [threading.Thread(target=cycle, args=(3,)) for _ in range(2)]  # concurrent
    for thread in threads:
        thread.start()
    cycle(4)
    for thread in threads:
        thread.join()
'''


def test_four_xdist_workers_create_and_clean_servers_concurrently(tmp_path: Path) -> None:
    (tmp_path / "test_generated.py").write_text(SUITE)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "xdist", "-n", "4", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), str(tmp_path)],
        capture_output=True, text=True, timeout=170, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "8 passed" in result.stdout
