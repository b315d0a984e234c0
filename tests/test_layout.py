"""The import rule: `pactpool` -> `pactpool_worker`, never back, never the bare `worker` folder."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for folder in ("pactpool", "worker", "tests", "tools")
                 for p in (ROOT / folder).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_no_bare_worker_import(path: Path) -> None:
    bad = {m for m in imported_modules(path) if m == "worker" or m.startswith("worker.")}
    assert not bad, f"{path.name} imports {bad}; import pactpool_worker instead"


@pytest.mark.parametrize("path", sorted((ROOT / "worker").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_worker_never_imports_pactpool(path: Path) -> None:
    bad = {m for m in imported_modules(path) if m == "pactpool" or m.startswith("pactpool.")}
    assert not bad, f"{path.name} imports {bad}: the worker must not depend on the controller"


def test_installed_worker_package_is_the_worker_folder() -> None:
    import pactpool_worker

    assert Path(pactpool_worker.__file__).resolve().parent == ROOT / "worker"


def test_every_public_name_resolves_and_is_listed() -> None:
    import pactpool

    for name in pactpool.__all__:
        assert getattr(pactpool, name) is not None, name
    assert set(pactpool._HOME_OF) | {"__version__"} == set(pactpool.__all__)


def test_submodules_resolve_as_attributes_without_an_import() -> None:
    import subprocess
    import sys

    code = "import pactpool; print(pactpool.api.get_controller.__name__, pactpool.errors.__name__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["get_controller", "pactpool.errors"], result.stderr
