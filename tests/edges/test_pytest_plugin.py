"""The pytest plugin, driven as users drive it: inner pytest runs through `pytester`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import orjson
import pytest
from support import interaction, refuses, simple_pact

pytest_plugins = ["pytester"]

PACT = simple_pact(
    interaction("get item", "GET", "/items", query="page=1", response_body={"id": 1}),
    interaction("ping", "GET", "/ping"),
    consumer="web", provider="items",
)


def write_pact(pytester: pytest.Pytester, name: str = "items.json") -> Path:
    path = pytester.path / name
    path.write_bytes(orjson.dumps(PACT))
    return path


def test_marker_fixture_passes_when_the_pact_is_honoured(pytester: pytest.Pytester) -> None:
    write_pact(pytester)
    pytester.makepyfile(f"""
        import httpx, pytest

        PACT = {PACT!r}

        def use(server):
            assert httpx.get(server.url + "/items?page=1").json() == {{"id": 1}}
            assert httpx.get(server.url + "/ping").status_code == 200

        @pytest.mark.pact("items.json")
        def test_file_beside_the_test(pact_server):
            use(pact_server)

        @pytest.mark.pact(PACT)
        def test_dict(pact_server):
            use(pact_server)

        @pytest.mark.parametrize("pact_server", [PACT, {{"pact": PACT, "cors_preflight": True}}],
                                 indirect=True)
        def test_indirect(pact_server):
            use(pact_server)
    """)
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=4)


def test_unhonoured_pact_fails_the_test_with_the_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(f"""
        import httpx, pytest

        @pytest.mark.pact({PACT!r})
        def test_wrong_calls(pact_server):
            with open("port.txt", "w") as f:
                f.write(str(pact_server.port))
            httpx.get(pact_server.url + "/items?page=9")
            httpx.get(pact_server.url + "/nope")
    """)
    result = pytester.runpytest("-q")
    result.assert_outcomes(failed=1)  # a failure of the test, not an error in teardown
    text = result.stdout.str()
    assert "did not match its pact" in text
    result.stdout.fnmatch_lines([
        "*mismatch: GET /items was received but did not match:",
        "*query 'page': Expected query parameter 'page' with value '1' but was '9'"
        " (expected 1, actual 9)",
        "*unexpected: GET /nope matches no interaction",
        "*missing: GET /ping was expected but never received",
    ])
    assert "Traceback" not in text and "pytest_plugin.py" not in text
    assert refuses(int((pytester.path / "port.txt").read_text()))


def test_a_failing_body_is_reported_as_is_and_servers_still_stop(
        pytester: pytest.Pytester) -> None:
    pytester.makepyfile(f"""
        import pytest

        def test_crash(pact_servers):
            ports = [pact_servers({PACT!r}).port for _ in range(2)]
            with open("ports.txt", "w") as f:
                f.write(" ".join(map(str, ports)))
            raise RuntimeError("consumer bug")
    """)
    result = pytester.runpytest("-q")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*RuntimeError: consumer bug*"])
    assert "did not match its pact" not in result.stdout.str()
    ports = [int(p) for p in (pytester.path / "ports.txt").read_text().split()]
    assert all(refuses(port) for port in ports)


def test_factory_serves_several_pacts_and_verify_false_opts_out(
        pytester: pytest.Pytester) -> None:
    pytester.makepyfile(f"""
        import httpx

        def test_two_servers(pact_servers):
            checked = pact_servers({PACT!r})
            unchecked = pact_servers({PACT!r}, verify=False)
            httpx.get(checked.url + "/items?page=1")
            httpx.get(checked.url + "/ping")
            httpx.get(unchecked.url + "/nope")
            assert pact_servers.servers == [checked, unchecked]
            assert [r.type for r in unchecked.mismatches()][0] == "request-not-found"
    """)
    pytester.runpytest("-q").assert_outcomes(passed=1)


def test_missing_marker_is_a_clear_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_no_pact(pact_server):
            pass
    """)
    result = pytester.runpytest("-q")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*needs a pact: add @pytest.mark.pact(*"])


def test_pact_dir_gets_the_pacts_of_passing_tests_only(pytester: pytest.Pytester) -> None:
    other = simple_pact(interaction("ping", "GET", "/ping"), consumer="web", provider="other")
    pytester.makepyfile(f"""
        import httpx, pytest

        @pytest.mark.pact({PACT!r})
        def test_passes(pact_server):
            httpx.get(pact_server.url + "/items?page=1")
            httpx.get(pact_server.url + "/ping")

        @pytest.mark.pact({other!r})
        def test_fails(pact_server):
            pass
    """)
    result = pytester.runpytest("-q", "--pact-dir", "out/pacts")
    result.assert_outcomes(passed=1, failed=1)
    written = sorted(p.name for p in (pytester.path / "out" / "pacts").glob("*.json"))
    assert written == ["web-items.json"]
    pact = json.loads((pytester.path / "out" / "pacts" / "web-items.json").read_text())
    assert [i["description"] for i in pact["interactions"]] == ["get item", "ping"]


def test_timeout_option_configures_the_controller(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        from pactpool import api

        def test_timeout():
            assert api.get_controller().timeout == 7.5
    """)
    pytester.runpytest_subprocess("-q", "--pactpool-timeout", "7.5").assert_outcomes(passed=1)
    bad = pytester.runpytest_subprocess("-q", "--pactpool-timeout", "0")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR


def test_xdist_workers_merge_into_one_pact_file(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist", reason="pytest-xdist is in the test extra")
    pieces = [interaction(f"get item {n}", "GET", f"/items/{n}") for n in range(6)]
    tests = "\n".join(f"""
@pytest.mark.pact(pact_of({n}))
def test_item_{n}(pact_server):
    assert httpx.get(pact_server.url + "/items/{n}").status_code == 200
    open(f"worker-{n}.txt", "w").write(os.environ["PYTEST_XDIST_WORKER"])
""" for n in range(6))
    pytester.makepyfile(f"""
import os, httpx, pytest

PIECES = {pieces!r}

def pact_of(n):
    return {{"consumer": {{"name": "web"}}, "provider": {{"name": "items"}},
            "interactions": [PIECES[n]],
            "metadata": {{"pactSpecification": {{"version": "2.0.0"}}}}}}

def test_runs_in_a_worker():
    assert os.environ.get("PYTEST_XDIST_WORKER")
{tests}
""")
    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "2", "--pact-dir", "pacts")
    result.assert_outcomes(passed=7)
    workers = {p.read_text() for p in pytester.path.glob("worker-*.txt")}
    assert workers == {"gw0", "gw1"}  # two processes wrote the same pact file
    pact = json.loads((pytester.path / "pacts" / "web-items.json").read_text())
    assert sorted(i["description"] for i in pact["interactions"]) == \
        [f"get item {n}" for n in range(6)]


def test_the_complete_example_in_the_docs_runs(pytester: pytest.Pytester) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "pytest.md").read_text()
    pact_json = re.search(r"```json\n(.*?)```", docs, re.S)
    test_code = re.search(r"`tests/test_users_client\.py`:\n\n```python\n(.*?)```", docs, re.S)
    opt_out = re.search(r"opts out per server:\n\n```python\n(.*?)```", docs, re.S)
    assert pact_json and test_code and opt_out
    (pytester.path / "tests" / "pacts").mkdir(parents=True)
    (pytester.path / "tests" / "pacts" / "web-users.json").write_text(pact_json.group(1))
    code = test_code.group(1) + "\n\n" + opt_out.group(1)
    (pytester.path / "tests" / "test_users_client.py").write_text(code)
    result = pytester.runpytest("-q", "--pact-dir", "build/pacts")
    result.assert_outcomes(passed=5)
    assert sorted(p.name for p in (pytester.path / "build" / "pacts").glob("*.json")) == \
        ["web-orders.json", "web-users.json"]
