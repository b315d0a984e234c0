"""The chaos campaign (tools/chaos.py) runs end to end, and a seed fixes its faults.

The campaign itself checks pactpool; this only makes sure a short one still runs, tries every
fault kind and survives them all, and that the same seed plans the same faults.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
CHAOS = ROOT / "tools" / "chaos.py"
KINDS = ("kill-parent", "kill-worker", "stop-worker", "malformed-http", "malformed-pact",
         "hostile-pact")


def test_a_short_campaign_survives_every_fault_kind() -> None:
    result = subprocess.run([sys.executable, str(CHAOS), "--faults", "30", "--seed", "1"],
                            capture_output=True, text=True, timeout=100, cwd=ROOT)
    table = result.stdout
    assert result.returncode == 0, table + result.stderr
    for kind in KINDS:
        row = re.search(rf"^{kind}\s+(\d+)\s+(\d+)\s+(\d+)", table, re.MULTILINE)
        assert row, f"{kind} is missing from the table:\n{table}"
        injected, survived, failed = map(int, row.groups())
        assert injected > 0 and survived == injected and failed == 0, table
    assert re.search(r"^total\s+30\s+30\s+0", table, re.MULTILINE), table
    assert "failures: 0" in table and "end state:" in table and "ok" in table


def _load_chaos() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pactpool_chaos_tool", CHAOS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    saved = list(sys.path)
    try:
        spec.loader.exec_module(module)  # it puts tools/ on sys.path for its helpers
    finally:
        sys.path[:] = saved
    return module


def test_a_seed_fixes_the_faults_and_the_first_faults_cover_every_kind() -> None:
    chaos = _load_chaos()
    first = chaos.make_plans(2026, 60, chaos.KINDS)
    again = chaos.make_plans(2026, 60, chaos.KINDS)
    other = chaos.make_plans(2027, 60, chaos.KINDS)
    assert chaos.digest(first) == chaos.digest(again) != chaos.digest(other)
    assert [(p.kind, p.variant) for p in first] == [(p.kind, p.variant) for p in again]
    assert {p.kind for p in first[:len(KINDS)]} == set(KINDS)
    longer = chaos.make_plans(2026, 80, chaos.KINDS)  # a longer campaign starts the same way
    assert chaos.digest(longer[:60]) == chaos.digest(first)
