"""Create, serve, query, clean up: the mock server's whole life through the public API."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

import httpx
import orjson
import pytest
from support import interaction, poll, refuses, simple_pact

import pactpool

USER = interaction("get user", "GET", "/users/1", response_body={"id": 1, "name": "Ada"})
ITEMS = interaction("list items", "GET", "/items", query="page=1")


def test_create_serves_the_interaction_and_cleanup_closes_the_port() -> None:
    port = pactpool.create_mock_server(simple_pact(USER))
    try:
        response = httpx.get(f"http://127.0.0.1:{port}/users/1")
        assert response.status_code == 200
        assert response.json() == {"id": 1, "name": "Ada"}
        assert response.headers["content-type"] == "application/json"
        assert response.headers["access-control-allow-origin"] == "*"
        assert pactpool.mock_server_matched(port) is True
        assert orjson.loads(pactpool.mock_server_mismatches(port) or "") == []
    finally:
        assert pactpool.cleanup_mock_server(port) is True
    assert refuses(port)
    assert pactpool.cleanup_mock_server(port) is False


def test_cleanup_reaps_the_worker_process() -> None:
    server = pactpool.MockServer(simple_pact(USER))
    pid = server.pid
    server.close()
    assert refuses(server.port)  # at once: the worker closed its port before answering
    assert pactpool.api.get_controller().drain_reaper()  # the exit itself is collected off-path
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # reaped: not even a zombie is left
    server.close()  # idempotent


@pytest.mark.parametrize("where", ["pool worker", "requested port"])
def test_no_request_is_served_after_cleanup_returns(where: str) -> None:
    port = 0
    if where == "requested port":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    server = pactpool.MockServer(simple_pact(USER), port=port)
    with httpx.Client(timeout=5) as client:  # one keep-alive connection, opened before
        assert client.get(server.url + "/users/1").status_code == 200
        server.close()
        assert refuses(server.port)
        with pytest.raises(httpx.TransportError):
            client.get(server.url + "/users/1")


@pytest.mark.parametrize("form", ["dict", "text", "bytes", "path", "pathlike"])
def test_pact_sources(form: str, tmp_path: Path) -> None:
    pact = simple_pact(USER)
    file = tmp_path / "pact.json"
    file.write_bytes(orjson.dumps(pact))
    source = {"dict": pact, "text": orjson.dumps(pact).decode(), "bytes": orjson.dumps(pact),
              "path": str(file), "pathlike": file}[form]
    with pactpool.MockServer(source) as server:
        assert httpx.get(server.url + "/users/1").status_code == 200
        assert server.matched


def test_the_record_is_taken_before_the_response_is_sent(serve) -> None:
    server = serve(simple_pact(USER))
    with httpx.Client() as client:
        for _ in range(20):
            assert client.get(server.url + "/users/1").status_code == 200
            assert server.matched  # no polling: the response implies the record


def test_unknown_port_answers_like_the_reference() -> None:
    unused = 1  # nothing pactpool owns listens on port 1
    assert pactpool.mock_server_matched(unused) is False
    assert pactpool.mock_server_mismatches(unused) is None
    assert pactpool.cleanup_mock_server(unused) is False
    with pytest.raises(pactpool.UnknownMockServerError, match="port 1"):
        pactpool.mock_server_logs(unused)
    with pytest.raises(pactpool.UnknownMockServerError):
        pactpool.write_pact_file(unused, "/tmp")


def test_unexpected_request_gets_500_and_is_recorded(serve) -> None:
    server = serve(simple_pact(USER))
    response = httpx.get(server.url + "/nope?x=1", headers={"X-Trace": "abc"})
    assert response.status_code == 500
    assert response.headers["x-pact"] == "Unexpected-Request"
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert "Unexpected-Request" in response.json()["error"]
    records = orjson.loads(pactpool.mock_server_mismatches(server.port) or "")
    assert [r["type"] for r in records] == ["request-not-found", "missing-request"]
    not_found = records[0]
    assert not_found["method"] == "GET" and not_found["path"] == "/nope"
    assert not_found["request"]["query"] == {"x": ["1"]}
    assert not_found["request"]["headers"]["x-trace"] == "abc"
    assert records[1]["path"] == "/users/1"
    assert not server.matched


def test_mismatched_request_gets_500_and_covers_its_interaction(serve) -> None:
    server = serve(simple_pact(ITEMS))
    response = httpx.get(server.url + "/items?page=2")
    assert response.status_code == 500
    assert response.headers["x-pact"] == "Request-Mismatch"
    text = pactpool.mock_server_mismatches(server.port) or ""
    records = orjson.loads(text)
    assert records == [{
        "method": "GET", "path": "/items", "type": "request-mismatch",
        "mismatches": [{
            "type": "QueryMismatch", "parameter": "page", "expected": "1", "actual": "2",
            "mismatch": "Expected query parameter 'page' with value '1' but was '2'",
        }],
    }]
    assert text.index('"method"') < text.index('"mismatches"') < text.index('"path"')  # sorted
    assert not server.matched


def test_mismatches_come_in_arrival_order_then_missing_in_pact_order(serve) -> None:
    server = serve(simple_pact(USER, ITEMS, interaction("third", "DELETE", "/x")))
    httpx.get(server.url + "/b")
    httpx.get(server.url + "/a")
    records = server.mismatches()
    assert [(r.type, r.path) for r in records] == [
        ("request-not-found", "/b"), ("request-not-found", "/a"),
        ("missing-request", "/users/1"), ("missing-request", "/items"),
        ("missing-request", "/x")]


def test_assert_matched_reports_what_went_wrong(serve) -> None:
    server = serve(simple_pact(USER, ITEMS))
    httpx.get(server.url + "/items?page=9")
    httpx.post(server.url + "/orders")
    with pytest.raises(pactpool.PactMismatchError) as failure:
        server.assert_matched()
    report = str(failure.value)
    assert "missing: GET /users/1 was expected but never received" in report
    assert "unexpected: POST /orders matches no interaction" in report
    assert "query 'page'" in report and "expected 1" in report and "actual 9" in report
    assert len(failure.value.mismatches) == 3


def test_unmatched_options_is_never_a_mismatch(serve) -> None:
    plain = serve(simple_pact(USER))
    assert httpx.options(plain.url + "/users/1").status_code == 500
    cors = serve(simple_pact(USER), cors_preflight=True)
    preflight = httpx.options(cors.url + "/users/1", headers={
        "Origin": "http://app.test", "Access-Control-Request-Headers": "x-token"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "http://app.test"
    assert preflight.headers["access-control-allow-headers"] == "x-token, *"
    for server in (plain, cors):
        httpx.get(server.url + "/users/1")
        assert server.matched


def test_empty_pact_with_no_requests_is_matched(serve) -> None:
    server = serve(simple_pact())
    assert server.matched
    assert server.mismatches() == []


def test_logs_tell_what_happened(serve) -> None:
    server = serve(simple_pact(USER))
    httpx.get(server.url + "/users/1")
    httpx.get(server.url + "/missing")
    logs = server.logs()
    assert "matched 'get user'" in logs
    assert "Unexpected-Request" in logs and "/missing" in logs


def test_address_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(pactpool.AddressInUseError, match="already in use"):
            pactpool.create_mock_server(simple_pact(USER), port=port)


def test_a_requested_port_is_used(serve) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = serve(simple_pact(USER), port=port)
    assert server.port == port
    assert httpx.get(f"http://127.0.0.1:{port}/users/1").status_code == 200


def test_ipv6_loopback(serve) -> None:
    if not socket.has_ipv6:
        pytest.skip("this Python has no IPv6 support")
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError as exc:
        pytest.skip(f"IPv6 loopback unavailable here: {exc}")
    server = serve(simple_pact(USER), addr="::1")
    assert server.url == f"http://[::1]:{server.port}"
    assert httpx.get(server.url + "/users/1").status_code == 200


def test_garbage_on_the_socket_gets_400_and_the_server_keeps_serving(serve) -> None:
    server = serve(simple_pact(USER))
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"\x16\x03\x01 this is not HTTP\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.1 400")
    assert httpx.get(server.url + "/users/1").status_code == 200
    records = server.mismatches()  # the client got an answer, so the record shows the garbage
    assert [r.type for r in records] == ["request-error"]
    assert records[0].raw["error"].startswith("HTTP 400: Bad request")
    assert not server.matched


def test_a_body_over_the_configured_limit_gets_413_and_is_recorded(serve) -> None:
    pactpool.configure(max_body_bytes=1024)
    try:
        server = serve(simple_pact(USER))
    finally:
        pactpool.api.get_controller().limits.pop("max_body_bytes")
    response = httpx.post(server.url + "/users/1", content=b"x" * 5000)
    assert response.status_code == 413
    assert "1024" in response.json()["error"]
    assert httpx.get(server.url + "/users/1").status_code == 200
    assert [r.type for r in server.mismatches()] == ["request-error"]


def test_a_worker_killed_on_its_own_is_reported() -> None:
    server = pactpool.MockServer(simple_pact(USER))
    os.kill(server.pid, signal.SIGKILL)
    assert poll(lambda: not server.matched)
    records = server.mismatches()
    assert [r.type for r in records] == ["mock-server-failed"]
    assert records[0].raw["exitStatus"] == -signal.SIGKILL
    assert "died" in pactpool.mock_server_logs(server.port)
    assert pactpool.cleanup_mock_server(server.port) is True
    assert refuses(server.port)


def test_a_hung_worker_times_out_and_cleanup_still_kills_it() -> None:
    server = pactpool.MockServer(simple_pact(USER))
    ctl = pactpool.api.get_controller()
    os.kill(server.pid, signal.SIGSTOP)
    try:
        with pytest.raises(pactpool.WorkerTimeoutError, match="did not answer"):
            ctl.call(server.port, "matched", timeout=0.3)
    finally:
        assert pactpool.cleanup_mock_server(server.port) is True
    assert refuses(server.port)  # at return: the port never waits for the hung process
    assert ctl.drain_reaper()  # killed at once, collected in the background
    with pytest.raises(ProcessLookupError):
        os.kill(server.pid, 0)


def test_a_pact_header_cannot_inject_a_line_into_the_response(serve) -> None:
    evil = interaction("evil", "GET", "/e")
    evil["response"]["headers"] = {"X-Note": "a\r\nX-Injected: 1"}
    server = serve(simple_pact(evil))
    response = httpx.get(server.url + "/e")
    assert response.status_code == 200
    assert "x-injected" not in response.headers
    assert response.headers["x-note"] == "a  X-Injected: 1"


def test_status_counts_requests_per_path(serve) -> None:
    server = serve(simple_pact(USER))
    for path in ("/users/1", "/users/1", "/other"):
        httpx.get(server.url + path)
    status = pactpool.api.get_controller().call(server.port, "status")
    assert status["requests"] == 3 and status["matches"] == 2 and status["problems"] == 1
    assert status["requests_by_path"] == {"/users/1": 2, "/other": 1}


def test_data_after_connection_close_is_neither_answered_nor_recorded(serve) -> None:
    server = serve(simple_pact(USER))
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as raw:
        raw.sendall(b"GET /users/1 HTTP/1.1\r\nConnection: close\r\n\r\n"
                    b"GET /users/1 HTTP/1.1\r\n\r\n")
        answers = b""
        while chunk := raw.recv(65536):
            answers += chunk
    assert answers.count(b"HTTP/1.1 ") == 1 and answers.startswith(b"HTTP/1.1 200")
    status = pactpool.api.get_controller().call(server.port, "status")
    assert (status["requests"], status["problems"]) == (1, 0)
    assert server.matched


def test_large_replies_cross_the_pipe_whole(serve) -> None:
    body_pact = interaction("post", "POST", "/p", body={"name": "x"},
                            headers={"Content-Type": "application/json"})
    server = serve(simple_pact(body_pact))
    with httpx.Client() as client:
        for n in range(1500):  # each mismatch record is ~300 bytes: ~450 KB of reply
            client.post(server.url + "/p", json={"name": "y" * 100, "n": n})
    text = pactpool.mock_server_mismatches(server.port) or ""
    assert len(text) > 300_000
    assert len(orjson.loads(text)) == 1500
    assert server.matched is False  # and the pipe is still in step afterwards
    assert len(pactpool.mock_server_logs(server.port)) > 0
