"""The `pactpool` command's help, version and `check`, run in subprocesses as users run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
from support import interaction, simple_pact

import pactpool

COMMAND = [sys.executable, "-m", "pactpool.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=60)


def write(path: Path, doc: object) -> Path:
    path.write_bytes(orjson.dumps(doc) if not isinstance(doc, str) else doc.encode())
    return path


def test_help_lists_every_command_with_examples() -> None:
    out = run("--help").stdout
    for command in ("serve", "control", "check", "demo"):
        assert f"    {command}" in out
    assert "examples:" in out and "pactpool control --port 8080" in out
    assert "--log-level" in out and "--version" in out


def test_each_command_has_its_own_help() -> None:
    control = run("control", "--help").stdout
    assert "--server-key" in control and "--output" in control and "POST /shutdown" in control
    assert "pact_mock_server_cli" in control
    check = run("check", "--help").stdout
    assert "JSON path" in check


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"pactpool {pactpool.__version__}"


def test_check_lists_interactions_with_rule_and_generator_counts(tmp_path: Path) -> None:
    rules = {"body": {"$.id": {"matchers": [{"match": "integer"}]},
                      "$.name": {"matchers": [{"match": "type"}, {"match": "regex",
                                                                  "regex": ".+"}]}}}
    doc = simple_pact(
        interaction("get user", "GET", "/users/1", response_body={"id": 1, "name": "a"}),
        interaction("create user", "POST", "/users", status=201),
        version="3.0.0", consumer="web", provider="users")
    doc["interactions"][0]["response"]["matchingRules"] = rules
    doc["interactions"][0]["response"]["generators"] = {
        "body": {"$.id": {"type": "RandomInt", "min": 1, "max": 9}},
        "status": {"type": "RandomInt", "min": 200, "max": 200}}
    pact = write(tmp_path / "web-users.json", doc)
    result = run("check", str(pact))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (f"{pact}: web -> users, pact specification 3.0.0, 2 interactions")
    assert "Synchronous/HTTP" in lines[1] and "GET /users/1" in lines[1]
    assert "'get user'" in lines[1] and "(3 matching rules, 2 generators)" in lines[1]
    assert "POST /users" in lines[2] and "(0 matching rules, 0 generators)" in lines[2]


def test_check_counts_v2_rules_and_reads_v4_messages(tmp_path: Path) -> None:
    v2 = simple_pact(interaction("search", "GET", "/items", query="q=a"), consumer="a",
                     provider="b")
    v2["interactions"][0]["request"]["matchingRules"] = {"$.query.q": {"match": "regex",
                                                                       "regex": "\\w+"}}
    v4 = {"consumer": {"name": "a"}, "provider": {"name": "c"},
          "metadata": {"pactSpecification": {"version": "4.0"}},
          "interactions": [{"type": "Asynchronous/Messages", "description": "an event",
                            "contents": {"content": {"id": 1}, "contentType":
                                         "application/json", "encoded": False},
                            "matchingRules": {"body": {"$.id": {"matchers": [
                                {"match": "integer"}]}}}}]}
    result = run("check", str(write(tmp_path / "v2.json", v2)),
                 str(write(tmp_path / "v4.json", v4)))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "GET /items" in out and "(1 matching rule, 0 generators)" in out
    assert "Asynchronous/Messages" in out and "(message)" in out
    assert "'an event'  (1 matching rule, 0 generators)" in out
    assert out.splitlines()[-1] == "2 of 2 pact files are valid"


def test_check_names_the_file_and_json_path_of_an_invalid_pact(tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", simple_pact(interaction("ping", "GET", "/ping")))
    bad = simple_pact(interaction("ping", "GET", "/ping"))
    bad["interactions"][0]["response"]["status"] = "teapot"
    bad_path = write(tmp_path / "bad.json", bad)
    broken = write(tmp_path / "broken.json", '{"consumer": ')
    result = run("check", str(good), str(bad_path), str(broken), str(tmp_path / "absent.json"))
    assert result.returncode == 1
    err = result.stderr
    assert f"{bad_path}: error: invalid pact:" in err
    assert "(at $.interactions[0].response.status)" in err
    assert f"{broken}: error: invalid pact: the pact is not valid JSON" in err
    assert "absent.json: error: cannot read it" in err
    assert "Traceback" not in err
    assert "good.json: consumer -> provider" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 of 4 pact files are valid"


def test_log_level_is_accepted_before_or_after_the_command(tmp_path: Path) -> None:
    pact = write(tmp_path / "p.json", simple_pact(interaction("ping", "GET", "/ping")))
    assert run("--log-level", "debug", "check", str(pact)).returncode == 0
    assert run("check", "--log-level", "warn", str(pact)).returncode == 0
    wrong = run("check", "--log-level", "loud", str(pact))
    assert wrong.returncode == 2 and "invalid choice: 'loud'" in wrong.stderr


def test_check_says_what_it_read_leniently(tmp_path: Path) -> None:
    doc = simple_pact(interaction("get", "GET", "/x"), version="3.0.0")
    doc["interactions"][0]["providerStates"] = "a user exists"  # another writer's quirk
    pact = write(tmp_path / "quirky.json", doc)
    result = run("check", str(pact))
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stdout.splitlines() if "warning:" in line]
    assert len(warnings) == 1 and "$.interactions[0].providerStates" in warnings[0], \
        result.stdout
