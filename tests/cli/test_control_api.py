"""The HTTP control API, driven with a plain HTTP client against `pactpool control` run as a
subprocess, route by route, including every way a request can be wrong."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest
from support import interaction, poll, refuses, simple_pact

PACT = simple_pact(
    interaction("get item", "GET", "/items", query="page=1", response_body={"id": 1}),
    interaction("ping", "GET", "/ping"),
    consumer="web", provider="items",
)


@dataclass
class Control:
    """A running `pactpool control` process and what it printed at start."""

    process: subprocess.Popen[str]
    url: str
    key: str
    output: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)


def start_control(tmp_path: Path, *extra: str) -> Control:
    output = tmp_path / "pacts"
    log = (tmp_path / "control.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "pactpool.cli", "control", "--port", "0",
         "--output", str(output), *extra],
        stdout=subprocess.PIPE, stderr=log, text=True)
    assert process.stdout is not None
    listening = process.stdout.readline()
    found = re.search(r"listening on (http://\S+)", listening)
    assert found, listening
    key_line = process.stdout.readline()
    key = key_line.rsplit(":", 1)[1].strip()
    process.stdout.readline()  # where pacts go
    return Control(process, found.group(1), key, output)


def stop_control(control: Control) -> None:
    if control.process.poll() is None:
        control.process.terminate()
        try:
            control.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            control.process.kill()
            control.process.wait()
    if control.process.stdout is not None:
        control.process.stdout.close()


@pytest.fixture(scope="module")
def control(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Control]:
    running = start_control(tmp_path_factory.mktemp("control"))
    yield running
    stop_control(running)


@pytest.fixture
def client(control: Control) -> Iterator[httpx.Client]:
    with control.client() as http:
        yield http


def create(client: httpx.Client, pact: object = PACT, query: str = "") -> dict[str, object]:
    response = client.post("/" + query, content=orjson.dumps(pact))
    assert response.status_code == 200, response.text
    created: dict[str, object] = response.json()["mockServer"]
    assert response.headers["location"] == f"/mockserver/{created['id']}"
    return created


def test_starts_on_loopback_with_a_random_key(control: Control) -> None:
    assert control.url.startswith("http://127.0.0.1:")
    assert re.fullmatch(r"[A-Za-z0-9]{16}", control.key)


def test_lifecycle_create_list_verify_delete(control: Control, client: httpx.Client) -> None:
    created = create(client)
    server_id, port = str(created["id"]), int(str(created["port"]))
    assert re.fullmatch(r"[0-9a-f]{8}", server_id)

    listed = client.get("/").json()["mockServers"]
    entry = next(e for e in listed if e["id"] == server_id)
    assert entry == {"id": server_id, "port": port, "address": f"127.0.0.1:{port}",
                     "scheme": "http", "provider": "items", "status": "error",
                     "metrics": {"requests": 0, "requests_by_path": {}}}
    assert client.get(f"/mockserver/{port}").json()["id"] == server_id  # by port too

    mock = f"http://127.0.0.1:{port}"
    assert httpx.get(mock + "/items?page=1").json() == {"id": 1}
    failed = client.post(f"/mockserver/{server_id}/verify")
    assert failed.status_code == 422
    body = failed.json()
    assert body["mockServer"]["id"] == server_id
    assert body["mockServer"]["metrics"]["requests"] == 1
    assert [m["type"] for m in body["mismatches"]] == ["missing-request"]
    assert not (control.output / "web-items.json").exists()

    assert httpx.get(mock + "/ping").status_code == 200
    verified = client.post(f"/mockserver/{server_id}/verify")
    assert verified.status_code == 204 and verified.content == b""
    pact = json.loads((control.output / "web-items.json").read_text())
    assert [i["description"] for i in pact["interactions"]] == ["get item", "ping"]
    assert client.get(f"/mockserver/{server_id}").json()["status"] == "ok"

    assert client.delete(f"/mockserver/{server_id}").status_code == 204
    assert refuses(port)
    assert client.get(f"/mockserver/{server_id}").status_code == 404
    assert client.delete(f"/mockserver/{server_id}").status_code == 404
    assert all(e["id"] != server_id for e in client.get("/").json()["mockServers"])


def test_verify_reports_each_kind_of_mismatch(client: httpx.Client) -> None:
    created = create(client)
    mock = f"http://127.0.0.1:{created['port']}"
    httpx.get(mock + "/items?page=9")
    httpx.get(mock + "/nope")
    body = client.post(f"/mockserver/{created['id']}/verify").json()
    kinds = [m["type"] for m in body["mismatches"]]
    assert kinds == ["request-mismatch", "request-not-found", "missing-request"]
    assert body["mismatches"][0]["mismatches"][0]["mismatch"] == \
        "Expected query parameter 'page' with value '1' but was '9'"
    client.delete(f"/mockserver/{created['id']}")


def test_cors_query_turns_on_preflight_answers(client: httpx.Client) -> None:
    created = create(client, query="?cors=true")
    preflight = httpx.options(f"http://127.0.0.1:{created['port']}/items",
                              headers={"Origin": "http://a",
                                       "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 204
    client.delete(f"/mockserver/{created['id']}")


@pytest.mark.parametrize(("body", "error"), [
    (b"", "No pact json was supplied"),
    (b"  \n", "No pact json was supplied"),
    (b"{not json", "Failed to parse json body - "),
    (b'{"consumer": {"name": "a"}, "provider": {"name": "b"}, "interactions": 3}',
     "Failed to start mock server - invalid pact: 'interactions' must be a list"),
])
def test_create_refusals_are_422_with_a_json_error(client: httpx.Client, body: bytes,
                                                   error: str) -> None:
    response = client.post("/", content=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"].startswith(error)


def test_tls_servers_come_with_the_ca_to_trust(client: httpx.Client, tmp_path: Path) -> None:
    import ssl

    created = client.post("/?tls=true", content=orjson.dumps(PACT))
    assert created.status_code == 200
    server = created.json()["mockServer"]
    ca_file = tmp_path / "ca.pem"
    ca_file.write_text(server["tlsCaCertificate"])
    trusted = ssl.create_default_context(cafile=str(ca_file))
    try:
        listed = client.get(f"/mockserver/{server['id']}").json()
        assert listed["scheme"] == "https"
        with httpx.Client(verify=trusted) as https:
            assert https.get(f"https://127.0.0.1:{server['port']}/").status_code in (200, 500)
    finally:
        assert client.delete(f"/mockserver/{server['id']}").status_code == 204


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/mockserver/deadbeef", 404),
    ("DELETE", "/mockserver/deadbeef", 404),
    ("POST", "/mockserver/deadbeef/verify", 404),
    ("GET", "/mockserver/1", 404),
    ("GET", "/nothing/here", 404),
    ("GET", "/mockserver", 404),
    ("PUT", "/", 405),
    ("DELETE", "/", 405),
    ("GET", "/shutdown", 405),
    ("PATCH", "/shutdown", 405),
])
def test_unknown_ids_routes_and_methods_answer_json(client: httpx.Client, method: str,
                                                    path: str, status: int) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert "error" in response.json()
    if status == 405:
        assert response.headers["allow"]


def test_a_refused_body_does_not_spoil_the_next_request(client: httpx.Client) -> None:
    assert client.put("/", content=b'{"a": 1}' * 100).status_code == 405
    assert client.post("/mockserver/deadbeef/verify", content=b"x" * 50).status_code == 404
    assert client.get("/").status_code == 200
    chunked = client.post("/", content=iter([b'{"consumer": ', b"3"]))
    assert chunked.status_code == 422 and chunked.json()["error"].startswith("Failed to parse")


def test_wrong_methods_on_a_mock_server(client: httpx.Client) -> None:
    created = create(client)
    server_id = created["id"]
    assert client.put(f"/mockserver/{server_id}").status_code == 405
    assert client.get(f"/mockserver/{server_id}/verify").status_code == 405
    assert client.delete(f"/mockserver/{server_id}/verify").status_code == 405
    assert client.post(f"/mockserver/{server_id}").status_code == 422
    assert client.get(f"/mockserver/{server_id}/other").status_code == 404
    head = client.head("/")
    assert head.status_code == 200 and head.content == b""
    client.delete(f"/mockserver/{server_id}")


def test_garbage_on_the_wire_gets_a_json_400(control: Control) -> None:
    host, port = control.url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        raw.sendall(b"NOT A REQUEST\r\n\r\n")
        answer = b""
        while chunk := raw.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") or head.startswith(b"HTTP/1.0 400"), head
    assert "error" in json.loads(body)


def test_shutdown_needs_the_key_then_stops_everything(tmp_path: Path) -> None:
    control = start_control(tmp_path, "--server-key", "s3cret")
    try:
        assert control.key == "s3cret"
        with control.client() as client:
            port = int(str(create(client)["port"]))
            assert client.post("/shutdown").status_code == 403
            assert client.post("/shutdown", headers={"Authorization": "Bearer wrong"}) \
                .status_code == 403
            bad = client.post("/shutdown", headers={"Authorization": "Bearer s3cret"},
                              content=b"{oops")
            assert bad.status_code == 422 and "error" in bad.json()
            assert control.process.poll() is None
            done = client.post("/shutdown", headers={"Authorization": "Bearer s3cret"},
                               json={"period": 10})
            assert done.status_code == 204
        assert control.process.wait(timeout=20) == 0
        assert poll(lambda: refuses(port))
        assert refuses(int(control.url.rsplit(":", 1)[1]))
    finally:
        stop_control(control)


def test_sigterm_stops_every_mock_server(tmp_path: Path) -> None:
    control = start_control(tmp_path)
    try:
        with control.client() as client:
            ports = [int(str(create(client)["port"])) for _ in range(2)]
        control.process.terminate()
        assert control.process.wait(timeout=20) == 0
        assert all(refuses(port) for port in ports)
    finally:
        stop_control(control)


def test_a_taken_port_is_a_clear_error(control: Control) -> None:
    port = control.url.rsplit(":", 1)[1]
    result = subprocess.run([sys.executable, "-m", "pactpool.cli", "control", "--port", port],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
