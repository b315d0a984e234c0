"""The `consumer_pact` fixture: a fresh Pact per test, written on success, failing on mismatch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pact_ffi_check import ffi_parses

pytest_plugins = ["pytester"]

TEST_FILE = '''
import httpx
import pytest
from pactpool.consumer import match

pytestmark = pytest.mark.pact_consumer("fx-web", "fx-users")


def declare(pact, path):
    (pact.upon_receiving(f"get {path}").with_request("GET", path)
     .will_respond_with(200).with_body({"id": match.int(1)}))


def test_passes(consumer_pact):
    declare(consumer_pact, "/a")
    with consumer_pact.serve() as server:
        assert httpx.get(server.url + "/a").json() == {"id": 1}


def test_passes_too(consumer_pact):
    declare(consumer_pact, "/b")
    with consumer_pact.serve() as server:
        httpx.get(server.url + "/b")


def test_unhonoured_without_raising(consumer_pact):
    declare(consumer_pact, "/never")
    with consumer_pact.serve(raises=False):
        pass


def test_unhonoured(consumer_pact):
    declare(consumer_pact, "/never-either")
    with consumer_pact.serve():
        pass


@pytest.mark.pact_consumer("fx-web", "fx-other", specification="V3")
def test_other_provider(consumer_pact):
    assert str(consumer_pact.specification) == "V3"
    declare(consumer_pact, "/c")
    with consumer_pact.serve() as server:
        httpx.get(server.url + "/c")
'''


def test_fixture_writes_passing_pacts_and_fails_unhonoured_ones(
        pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_consumer=TEST_FILE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--pact-dir", "pacts")
    result.assert_outcomes(passed=3, failed=2)
    result.stdout.fnmatch_lines(["*Missing request*GET /never*"])
    result.stdout.fnmatch_lines(["*MismatchesError*"])
    folder = Path(pytester.path) / "pacts"
    users = folder / "fx-web-fx-users.json"
    names = sorted(i["description"] for i in json.loads(users.read_text())["interactions"])
    assert names == ["get /a", "get /b"]
    other = json.loads((folder / "fx-web-fx-other.json").read_text())
    assert other["metadata"]["pactSpecification"]["version"] == "3.0.0"
    assert ffi_parses(users) == 2


def test_fixture_needs_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_unmarked="def test_x(consumer_pact):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*pact_consumer*"])
    assert result.ret != 0
