"""A harness script needs no `if __name__ == "__main__"` guard: workers never re-run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = '''
import httpx, pactpool
print("script body ran", flush=True)
pact = {"consumer": {"name": "c"}, "provider": {"name": "p"},
        "interactions": [{"description": "d", "request": {"method": "GET", "path": "/"},
                          "response": {"status": 200}}]}
with pactpool.MockServer(pact) as server:
    httpx.get(server.url + "/")
    print("matched", server.matched, flush=True)
'''


def test_unguarded_script_runs_once(tmp_path: Path) -> None:
    script = tmp_path / "harness.py"
    script.write_text(SCRIPT)
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("script body ran") == 1
    assert "matched True" in result.stdout
