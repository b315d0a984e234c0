"""The `pactpool` command, run as a user runs it: in a subprocess."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import orjson
from support import interaction, pactpool_serve, poll, refuses, simple_pact

COMMAND = [sys.executable, "-m", "pactpool.cli"]


def test_demo_runs_and_closes_every_port() -> None:
    result = subprocess.run([*COMMAND, "demo"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("refuses connections") == 3
    assert "matched: True" in out and "matched: False" in out
    assert "Expected query parameter 'status' with value 'open' but was 'closed'" in out
    assert "missing: GET /products/LMP-1/stock" in out
    assert "unexpected: DELETE /invoices/INV-001" in out
    for port in re.findall(r"port (\d+) refuses", out):
        assert refuses(int(port))


def test_serve_runs_until_interrupted_then_reports(tmp_path: Path) -> None:
    pact = tmp_path / "pact.json"
    pact.write_bytes(orjson.dumps(simple_pact(interaction("ping", "GET", "/ping"))))
    with pactpool_serve(pact) as run:
        assert httpx.get(run.url + "/nothing").status_code == 500
    assert run.returncode == 2, run.err
    assert "unexpected: GET /nothing" in run.out
    assert "missing: GET /ping" in run.out
    port = int(run.url.rsplit(":", 1)[1])
    assert poll(lambda: refuses(port))


def test_serve_names_the_file_of_a_bad_pact(tmp_path: Path) -> None:
    pact = tmp_path / "broken.json"
    pact.write_text('{"consumer": ')
    result = subprocess.run([*COMMAND, "serve", str(pact)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert "broken.json" in result.stderr and "invalid pact" in result.stderr


def test_version_and_help() -> None:
    env = {**os.environ}
    version = subprocess.run([*COMMAND, "--version"], capture_output=True, text=True, env=env)
    assert version.stdout.startswith("pactpool ")
    helptext = subprocess.run([*COMMAND, "--help"], capture_output=True, text=True, env=env)
    assert "serve" in helptext.stdout and "demo" in helptext.stdout
