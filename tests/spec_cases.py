"""Find the official Pact specification matching cases (read in place, never copied)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

ENV_VAR = "PACTPOOL_SPEC_TESTCASES"
_DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "spec-testcases"


def spec_root() -> Path:
    """The folder holding v1/ .. v4/.

    `$PACTPOOL_SPEC_TESTCASES` overrides the default `../shared/spec-testcases`.
    """
    return Path(os.environ.get(ENV_VAR, _DEFAULT))


def missing_reason() -> str | None:
    """Why the cases cannot run here, or None when they can."""
    root = spec_root()
    if not (root / "v1").is_dir():
        return f"spec test cases not found at {root} (set {ENV_VAR} to their folder)"
    return None


def case_files(version: str, kind: str) -> list[Path]:
    """Every case file of one version and kind (`request`, `response`, `message`), sorted."""
    base = spec_root() / version / kind
    if not base.is_dir():
        return []
    return sorted(base.rglob("*.json"))


def case_id(path: Path) -> str:
    """A readable test id: `v2/request/body/array at top level`."""
    return path.relative_to(spec_root()).with_suffix("").as_posix()


def load_case(path: Path) -> dict[str, Any]:
    """Read one case; two v1 files start with a UTF-8 BOM."""
    text = path.read_text(encoding="utf-8-sig")
    case: dict[str, Any] = orjson.loads(text)
    return case
