"""The import rules: `pactpool` -> `pactpool_worker`, never back, never the bare `worker` folder;
and inside each, the arrows between layers that docs/architecture.md draws."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for folder in ("pactpool", "worker", "tests", "tools")
                 for p in (ROOT / folder).rglob("*.py"))


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names imported from it) per absolute import; `import a` gives ("a", [])."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def imported_modules(path: Path) -> set[str]:
    return {module for module, _ in imports(path)}


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


# Each layer, and the layers it may import (besides itself). The sans-IO core (pact,
# matching, generators) imports no IO layer; the listener knows nothing of Pact; the service
# speaks only the listener's wire values; the process wires them together. In `pactpool`, the
# edges (cli, pytest plugin) go through the API, the API through the supervisor.
ALLOWED: dict[str, set[str]] = {
    "pactpool_worker": set(),
    "pactpool_worker.protocol": set(),
    "pactpool_worker.errors": {"pactpool_worker.protocol"},
    "pactpool_worker.pact": {"pactpool_worker.errors"},
    "pactpool_worker.matching": {"pactpool_worker.pact", "pactpool_worker.errors"},
    "pactpool_worker.generators": {"pactpool_worker.pact", "pactpool_worker.errors"},
    "pactpool_worker.records": {"pactpool_worker.matching"},
    "pactpool_worker.http": {"pactpool_worker.errors"},
    "pactpool_worker.service": {"pactpool_worker.http.wire", "pactpool_worker.pact",
                                "pactpool_worker.matching", "pactpool_worker.generators",
                                "pactpool_worker.records", "pactpool_worker.errors"},
    "pactpool_worker.process": {"pactpool_worker.http", "pactpool_worker.service",
                                "pactpool_worker.pact", "pactpool_worker.generators",
                                "pactpool_worker.errors", "pactpool_worker.protocol"},
    "pactpool.errors": {"pactpool_worker.protocol"},
    "pactpool.report": {"pactpool_worker.records", "pactpool_worker.matching"},
    "pactpool.control": {"pactpool.errors", "pactpool_worker.protocol", "pactpool_worker.records",
                         "pactpool_worker.generators", "pactpool_worker.service.mock",
                         "pactpool_worker.http.binding", "pactpool_worker.errors",
                         "pactpool_worker.process.launch", "pactpool_worker.process.main"},
    "pactpool.pact_files": {"pactpool.errors"},
    "pactpool.api": {"pactpool", "pactpool.control", "pactpool.errors", "pactpool.report",
                     "pactpool.pact_files", "pactpool_worker.pact", "pactpool_worker.errors"},
    "pactpool.cli": {"pactpool", "pactpool.api", "pactpool.errors", "pactpool.report",
                     "pactpool_worker.pact", "pactpool_worker.errors"},
    "pactpool.pytest_plugin": {"pactpool.api", "pactpool.errors", "pactpool.consumer"},
    "pactpool.consumer": {"pactpool", "pactpool.api", "pactpool.errors", "pactpool.report",
                          "pactpool_worker.pact", "pactpool_worker.matching",
                          "pactpool_worker.generators", "pactpool_worker.records",
                          "pactpool_worker.errors"},
    "pactpool": {"pactpool.api", "pactpool.errors", "pactpool.report"},
}
LAYERS = sorted(ALLOWED, key=len, reverse=True)  # the longest prefix names a module's layer


def layer_of(module: str) -> str | None:
    return next((name for name in LAYERS if module == name or module.startswith(name + ".")),
                None)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] == "worker":
        parts[0] = "pactpool_worker"
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> set[str]:
    """Modules imported, with `from a import b` counted as `a.b` (b may be a module)."""
    return {f"{module}.{name}" if name else module
            for module, names in imports(path) for name in (names or [""])}


PACKAGE_SOURCES = sorted(p for folder in ("pactpool", "worker")
                         for p in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", PACKAGE_SOURCES,
                         ids=[str(p.relative_to(ROOT)) for p in PACKAGE_SOURCES])
def test_imports_follow_the_arrows_between_layers(path: Path) -> None:
    here = layer_of(module_name(path))
    assert here is not None, f"{path} belongs to no layer: add it to ALLOWED"
    allowed = ALLOWED[here]
    bad = set()
    for name in imported_names(path):
        there = layer_of(name)
        if there is None or there == here:
            continue
        if not any(name == a or name.startswith(a + ".") or there == a for a in allowed):
            bad.add(name)
    assert not bad, f"{path.relative_to(ROOT)} ({here}) imports {sorted(bad)}, against the arrows"


def test_the_service_sees_only_the_listeners_wire_values() -> None:
    for path in (ROOT / "worker" / "service").rglob("*.py"):
        http = {n for n in imported_names(path) if n.startswith("pactpool_worker.http")}
        assert all(n.startswith("pactpool_worker.http.wire") for n in http), (path, http)
