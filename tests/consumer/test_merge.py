"""write_file: merged by default, overwritten on request, nothing lost to parallel writers."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest
from pact_ffi_check import ffi_parses

from pactpool.consumer import Pact, match


def pact_with(*descriptions: str) -> Pact:
    pact = Pact("web", "users")
    for description in descriptions:
        (pact.upon_receiving(description).with_request("GET", f"/{description}")
         .will_respond_with(200).with_body({"id": match.int(1)}))
    return pact


def descriptions(path: Path) -> list[str]:
    return sorted(i["description"] for i in json.loads(path.read_text())["interactions"])


def test_merge_and_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "pacts" / "web-users.json"
    pact_with("a", "b").write_file(tmp_path / "pacts")
    pact_with("b", "c").write_file(str(tmp_path / "pacts"))
    assert descriptions(target) == ["a", "b", "c"]
    assert ffi_parses(target) == 3
    pact_with("d").write_file(tmp_path / "pacts", overwrite=True)
    assert descriptions(target) == ["d"]
    assert json.loads(target.read_text())["metadata"]["pactSpecification"]["version"] == "4.0"


def test_default_directory_is_the_working_directory(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    pact_with("a").write_file()
    assert (tmp_path / "web-users.json").is_file()


def test_a_file_is_not_a_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OSError, match="not a directory"):
        pact_with("a").write_file(blocker)


def _write(directory: str, index: int) -> None:
    pact_with(f"from-{index}").write_file(directory)
    os._exit(0)  # skip interpreter teardown in the child


def test_parallel_writers_lose_nothing(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_write, args=(str(tmp_path), i)) for i in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    assert descriptions(tmp_path / "web-users.json") == [f"from-{i}" for i in range(4)]
