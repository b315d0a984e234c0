"""`pactpool check` and `pactpool serve` read the pacts the consumer front writes, messages
included, as they read any other pact."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
from support import pactpool_serve

from pactpool.consumer import Pact, match

COMMAND = [sys.executable, "-m", "pactpool.cli"]


def _written(folder: Path) -> Path:
    """A V4 pact with an HTTP interaction and both kinds of message, as the front writes it."""
    pact = Pact("web", "users")
    (pact.upon_receiving("get user")
     .with_request("GET", "/users/1")
     .will_respond_with(200)
     .with_body({"id": match.int(1), "name": match.str("Ann")}))
    (pact.upon_receiving("user created", "Async")
     .with_body({"id": match.int(1)}, content_type="application/json")
     .with_metadata({"topic": "users"}))
    (pact.upon_receiving("sync ask", "Sync")
     .with_body({"q": 1}, content_type="application/json")
     .will_respond_with()
     .with_body({"a": match.str("x")}, content_type="application/json"))
    pact.write_file(folder)
    return folder / "web-users.json"


def test_check_lists_every_interaction_of_a_written_v4_pact(tmp_path: Path) -> None:
    path = _written(tmp_path)
    result = subprocess.run([*COMMAND, "check", str(path)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "pact specification 4.0, 3 interactions" in result.stdout
    for kind in ("Synchronous/HTTP", "Asynchronous/Messages", "Synchronous/Messages"):
        assert kind in result.stdout
    assert "warning:" not in result.stdout  # nothing read leniently: it is the reference's form


def test_check_reads_a_written_v3_message_pact(tmp_path: Path) -> None:
    folder = tmp_path / "v3"
    pact = Pact("web", "events").with_specification("V3")
    (pact.upon_receiving("user created", "Async")
     .with_body({"id": match.int(1)}, content_type="application/json")
     .with_metadata({"topic": "users"}))
    pact.write_file(folder)
    result = subprocess.run([*COMMAND, "check", str(folder / "web-events.json")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "pact specification 3.0.0, 1 interaction" in result.stdout
    assert "Asynchronous/Messages" in result.stdout


def test_serve_answers_a_written_pact_and_reports_it_honoured(tmp_path: Path) -> None:
    path = _written(tmp_path)
    with pactpool_serve(path) as run:
        assert httpx.get(run.url + "/users/1").json() == {"id": 1, "name": "Ann"}
    assert run.returncode == 0, run.out + run.err  # honoured: messages are never requests
