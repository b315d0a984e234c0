"""write_pact_file: the file name, the spec version kept, merge without duplicates, overwrite."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from support import interaction, simple_pact

import pactpool
from pactpool.errors import PactFileError
from pactpool.pact_files import merge_documents

A = interaction("a", "GET", "/a")
B = interaction("b", "GET", "/b")


def read(path: str) -> dict:
    return orjson.loads(Path(path).read_bytes())


def test_writes_consumer_provider_json_in_the_pacts_version(serve, tmp_path: Path) -> None:
    server = serve(simple_pact(A, version="1.1.0", consumer="web", provider="api"))
    written = server.write_pact(tmp_path / "pacts")
    assert written == str(tmp_path / "pacts" / "web-api.json")
    document = read(written)
    assert document["metadata"]["pactSpecification"]["version"] == "1.1.0"
    assert document["metadata"]["pactpool"]["version"] == pactpool.__version__
    assert [i["description"] for i in document["interactions"]] == ["a"]


def test_merges_with_an_existing_file_and_new_copy_wins(serve, tmp_path: Path) -> None:
    serve(simple_pact(A, B)).write_pact(tmp_path)
    changed_a = {**A, "response": {"status": 204}}
    path = serve(simple_pact(changed_a)).write_pact(tmp_path)
    interactions = read(path)["interactions"]
    assert [i["description"] for i in interactions] == ["a", "b"]
    assert interactions[0]["response"] == {"status": 204}


def test_overwrite_replaces_the_file(serve, tmp_path: Path) -> None:
    serve(simple_pact(A, B)).write_pact(tmp_path)
    path = serve(simple_pact(B)).write_pact(tmp_path, overwrite=True)
    assert [i["description"] for i in read(path)["interactions"]] == ["b"]


def test_merging_into_another_consumers_file_fails(serve, tmp_path: Path) -> None:
    serve(simple_pact(A)).write_pact(tmp_path)
    (tmp_path / "consumer-provider.json").write_bytes(
        orjson.dumps(simple_pact(B, consumer="other")))
    with pytest.raises(pactpool.PactFileError, match="consumer 'other'"):
        serve(simple_pact(A)).write_pact(tmp_path)


def test_merge_drops_duplicates_and_matches_on_provider_states() -> None:
    with_state = {**A, "providerState": "ready"}
    merged = merge_documents(simple_pact(A, with_state), simple_pact(A, A, B))
    assert [(i["description"], i.get("providerState")) for i in merged["interactions"]] == [
        ("a", None), ("b", None), ("a", "ready")]


def test_merge_refuses_a_broken_existing_file(serve, tmp_path: Path) -> None:
    (tmp_path / "consumer-provider.json").write_text("{not json")
    with pytest.raises(pactpool.PactFileError, match="not valid JSON"):
        serve(simple_pact(A)).write_pact(tmp_path)
    assert issubclass(PactFileError, Exception)


WRITER = """
import sys, pactpool
n = int(sys.argv[1])
pact = {"consumer": {"name": "web"}, "provider": {"name": "api"},
        "interactions": [{"description": f"interaction {n}",
                          "request": {"method": "GET", "path": f"/item/{n}"},
                          "response": {"status": 200}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}}}
with pactpool.MockServer(pact) as server:
    print("ready", flush=True)
    sys.stdin.readline()  # start writing together
    server.write_pact(sys.argv[2])
print("written", flush=True)
"""


def test_eight_processes_writing_one_pact_file_lose_nothing(tmp_path: Path) -> None:
    import subprocess
    import sys

    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(n), str(tmp_path)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
               for n in range(8)]
    try:
        for writer in writers:
            assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        for writer in writers:  # release them all at once
            assert writer.stdin is not None
            writer.stdin.write("go\n")
            writer.stdin.flush()
        outputs = [writer.communicate(timeout=60)[0] for writer in writers]
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
    assert all(out.strip() == "written" for out in outputs)
    document = read(str(tmp_path / "web-api.json"))
    descriptions = sorted(i["description"] for i in document["interactions"])
    assert descriptions == [f"interaction {n}" for n in range(8)]  # each exactly once
    assert document["metadata"]["pactSpecification"]["version"] == "3.0.0"


def test_a_file_that_would_not_change_is_not_rewritten(serve, tmp_path: Path) -> None:
    path = Path(serve(simple_pact(A, B)).write_pact(tmp_path))
    first = path.stat()
    for overwrite in (False, True):  # the next test of a suite writes the same pact again
        assert serve(simple_pact(A, B)).write_pact(tmp_path, overwrite=overwrite) == str(path)
        again = path.stat()
        assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    serve(simple_pact({**A, "response": {"status": 204}})).write_pact(tmp_path)
    assert path.stat().st_ino != first.st_ino  # a real change replaces the file, whole
    assert [i["description"] for i in read(str(path))["interactions"]] == ["a", "b"]


def test_a_writer_killed_at_any_moment_leaves_a_whole_file(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import sys, pactpool\n"
        "from support import interaction, simple_pact\n"
        "pacts = [simple_pact(*[interaction(f'i{n}-{k}', 'GET', f'/{k}') for k in range(n)])\n"
        "         for n in (1, 40)]\n"
        "servers = [pactpool.MockServer(p) for p in pacts]\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        "    for s in servers:\n"
        "        s.write_pact(sys.argv[1], overwrite=True)\n")
    tests = str(Path(__file__).resolve().parents[1])
    for delay in (0.05, 0.11, 0.17):
        child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path)],
                                 stdout=subprocess.PIPE, text=True,
                                 env={**__import__("os").environ, "PYTHONPATH": tests})
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline:  # let it write for a while, then kill it mid-loop
            pass
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        document = read(str(tmp_path / "consumer-provider.json"))  # parses: never half a file
        assert len(document["interactions"]) in (1, 40)


def test_a_pact_document_is_written_without_a_server_and_only_when_servable(
        tmp_path: Path) -> None:
    from pactpool.api import write_pact_document

    path = write_pact_document(simple_pact(A, consumer="web", provider="api"), tmp_path)
    assert path == str(tmp_path / "web-api.json")
    assert [i["description"] for i in read(path)["interactions"]] == ["a"]
    broken = simple_pact({**A, "response": {"status": 99}}, consumer="bad", provider="api")
    with pytest.raises(pactpool.InvalidPactError, match=r"interactions\[0\]\.response\.status"):
        write_pact_document(broken, tmp_path)
    assert not (tmp_path / "bad-api.json").exists()


def test_writing_leaves_nothing_but_the_pact_in_the_folder(serve, tmp_path: Path) -> None:
    serve(simple_pact(A)).write_pact(tmp_path)
    serve(simple_pact(B)).write_pact(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["consumer-provider.json"]
