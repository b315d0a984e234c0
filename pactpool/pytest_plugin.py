"""pytest plugin: mock servers as fixtures, and a test fails when its pact was not honoured.

Registered through the `pytest11` entry point, so installing pactpool is enough:

    @pytest.mark.pact("pacts/web-users.json")
    def test_get_user(pact_server):
        assert httpx.get(pact_server.url + "/users/1").status_code == 200

After the test body returns, every server it used is checked; unmatched expectations fail
the test itself (not its teardown) with `MockServer.assert_matched()`'s report. With
`--pact-dir DIR` the pacts of passing tests are written there (merge mode, safe across
pytest-xdist workers). Servers are always cleaned up, whatever happens to the test.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # imported on first use: pytest loads this plugin in every run
    from pactpool.api import MockServer, PactSource
    from pactpool.consumer.pact import Pact

MARKER = "pact"
CONSUMER_MARKER = "pact_consumer"

_SERVED = pytest.StashKey[list["Served"]]()
_CONSUMER_PACTS = pytest.StashKey[list["Pact"]]()


@dataclass
class Served:
    """A server one test uses, and whether its pact is checked when the test body returns."""

    server: MockServer
    verify: bool


class PactServerFactory:
    """Starts mock servers for one test (`pact_servers(pact, ...)`); all are cleaned up after it.

    Keyword arguments are those of `MockServer` (`addr`, `port`, `cors_preflight`), plus
    `verify=False` for a server whose mismatches the test inspects itself.
    """

    def __init__(self, served: list[Served], test_dir: Path | None = None) -> None:
        self._served = served
        self._test_dir = test_dir

    def __call__(self, pact: PactSource, *, verify: bool = True, **kwargs: Any) -> MockServer:
        from pactpool.api import MockServer

        server = MockServer(resolve(pact, self._test_dir), **kwargs)
        self._served.append(Served(server, verify))
        return server

    @property
    def servers(self) -> list[MockServer]:
        """Every server started so far in this test, in start order."""
        return [s.server for s in self._served]

    def close(self) -> None:
        """Stop every server (idempotent); runs at teardown even when the test errored."""
        for served in self._served:
            served.server.close()


# -- options and marker ---------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pactpool", "pactpool mock servers")
    group.addoption("--pact-dir", metavar="DIR", default=None,
                    help="write the pacts of passing tests into DIR (merged with existing "
                         "files; safe under pytest-xdist)")
    group.addoption("--pactpool-timeout", metavar="SECONDS", type=float, default=None,
                    help="deadline of each call to a mock server process (default 5)")
    parser.addini("pact_dir", "default for --pact-dir", default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(pact, *, cors_preflight=False, addr='127.0.0.1', port=0, verify=True): the "
        "pact (file path, dict or JSON text) the `pact_server` fixture serves for this test")
    config.addinivalue_line(
        "markers",
        f"{CONSUMER_MARKER}(consumer, provider, *, specification='V4'): the names of the "
        "pactpool.consumer.Pact the `consumer_pact` fixture hands this test")
    timeout = config.getoption("--pactpool-timeout")
    if timeout is not None:
        if timeout <= 0:
            raise pytest.UsageError("--pactpool-timeout must be a positive number of seconds")
        from pactpool.api import configure

        configure(timeout=timeout)


# -- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def pact_servers(request: pytest.FixtureRequest) -> Iterator[PactServerFactory]:
    """A factory for several mock servers in one test; each is checked and cleaned up."""
    served = request.node.stash.setdefault(_SERVED, [])
    factory = PactServerFactory(served, request.path.parent)
    try:
        yield factory
    finally:
        factory.close()


@pytest.fixture
def pact_server(request: pytest.FixtureRequest, pact_servers: PactServerFactory) -> MockServer:
    """One mock server serving the pact named by `@pytest.mark.pact(...)`.

    Indirect parametrisation works too: `@pytest.mark.parametrize("pact_server", [pact],
    indirect=True)`, where each value is a pact or a dict of `MockServer` keyword arguments
    with the pact under `"pact"`.
    """
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    if hasattr(request, "param"):
        param = request.param
        if isinstance(param, dict) and "pact" in param:
            kwargs = dict(param)
            args = (kwargs.pop("pact"),)
        else:
            args, kwargs = (param,), {}
    else:
        marker = request.node.get_closest_marker(MARKER)
        if marker is None:
            raise pytest.UsageError(
                f"{request.node.nodeid}: the pact_server fixture needs a pact: add "
                "@pytest.mark.pact('path/to/pact.json') (or a dict, or JSON text), or "
                "parametrise pact_server indirectly")
        args, kwargs = marker.args, dict(marker.kwargs)
    if len(args) != 1:
        raise pytest.UsageError(f"{request.node.nodeid}: @pytest.mark.pact takes exactly one "
                                f"pact (a path, a dict or JSON text), got {len(args)}")
    return pact_servers(args[0], **kwargs)


@pytest.fixture
def consumer_pact(request: pytest.FixtureRequest) -> Pact:
    """A fresh `pactpool.consumer.Pact` named by `@pytest.mark.pact_consumer("web", "users")`.

    Serve it in the test (`with consumer_pact.serve() as server:`). When the test passes,
    the pact is written to `--pact-dir` (merged, safe under pytest-xdist); a server of it
    that was not honoured (even one served with `raises=False`) fails the test with the
    mismatch report.
    """
    from pactpool.consumer.pact import Pact

    marker = request.node.get_closest_marker(CONSUMER_MARKER)
    if marker is None or len(marker.args) != 2:
        raise pytest.UsageError(
            f"{request.node.nodeid}: the consumer_pact fixture needs the pact's names: add "
            f"@pytest.mark.{CONSUMER_MARKER}('consumer-name', 'provider-name')")
    pact = Pact(*marker.args)
    specification = marker.kwargs.get("specification")
    if specification is not None:
        pact.with_specification(specification)
    request.node.stash.setdefault(_CONSUMER_PACTS, []).append(pact)
    return pact


def resolve(pact: PactSource, test_dir: Path | None) -> PactSource:
    """A relative pact path is looked up next to the test file first, then from the cwd."""
    if test_dir is not None and isinstance(pact, (str, os.PathLike)) \
            and not str(pact).lstrip().startswith(("{", "[")):
        beside = test_dir / os.fspath(pact)
        if beside.is_file():
            return beside
    return pact


# -- the check, as part of the test's call phase --------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    """After a passing test body: fail the test if a pact was not honoured, else write pacts."""
    result = yield  # a failing test body raises here and is reported as it is
    served = item.stash.get(_SERVED, [])
    if served:
        _verify(served)
        _write_pacts(item.config, served)
    consumer_pacts = item.stash.get(_CONSUMER_PACTS, [])
    if consumer_pacts:
        _finish_consumer_pacts(item.config, consumer_pacts)
    return result


def _finish_consumer_pacts(config: pytest.Config, pacts: list[Pact]) -> None:
    """Fail on any unhonoured server of the test's consumer pacts; else write the pacts."""
    reports = [report for pact in pacts for report in pact._unhonoured_reports()]
    if reports:
        pytest.fail("\n\n".join(reports), pytrace=False)
    directory = pact_dir(config)
    if directory is not None:
        for pact in pacts:
            if pact._honoured() and any(True for _ in pact.interactions("All")):
                pact.write_file(directory)


def _verify(served: list[Served]) -> None:
    from pactpool.errors import PactMismatchError

    reports: list[str] = []
    for entry in served:
        if entry.verify and not _closed(entry.server):
            try:
                entry.server.assert_matched()
            except PactMismatchError as exc:
                reports.append(str(exc))
    if reports:
        pytest.fail("\n\n".join(reports), pytrace=False)


def _write_pacts(config: pytest.Config, served: list[Served]) -> None:
    directory = pact_dir(config)
    if directory is None:
        return
    for entry in served:
        # an unchecked server's pact is written only if it was honoured all the same
        if not _closed(entry.server) and (entry.verify or entry.server.matched):
            entry.server.write_pact(directory)


def pact_dir(config: pytest.Config) -> str | None:
    """`--pact-dir` (relative to where pytest was started), else the `pact_dir` ini value
    (relative to the rootdir); None when neither is set."""
    option = config.getoption("--pact-dir")
    if option:
        return os.path.join(config.invocation_params.dir, option)
    ini = config.getini("pact_dir")
    if ini:
        return os.path.join(config.rootpath, str(ini))
    return None


def _closed(server: MockServer) -> bool:
    """True for a server the test already closed itself: there is nothing left to check."""
    return bool(getattr(server, "_closed", False))


__all__ = ["CONSUMER_MARKER", "MARKER", "PactServerFactory", "Served", "pact_dir", "resolve"]
