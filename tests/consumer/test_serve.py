"""serve(): a real worker process, real HTTP (httpx), typed mismatches, the raise on exit."""

from __future__ import annotations

import json
import logging
import ssl
from pathlib import Path

import httpx
import pytest
from pact_ffi_check import ffi_parses

from pactpool.consumer import Pact, generate, match
from pactpool.consumer.error import (
    BodyMismatch,
    HeaderMismatch,
    MismatchesError,
    MissingRequest,
    QueryMismatch,
    RequestMismatch,
    RequestNotFound,
)
from pactpool.consumer.types import URL


def users_pact() -> Pact:
    pact = Pact("web", "users")
    (pact.upon_receiving("get a user").given("user 1 exists")
     .with_request("GET", match.regex("/users/1", regex=r"/users/\d+"))
     .with_header("Accept", "application/json").with_query_parameter("v", match.int(1))
     .will_respond_with(200)
     .with_body({"id": match.int(1), "name": match.str("Al"), "n": generate.int(min=5, max=9)}))
    return pact


def test_honoured_pact() -> None:
    pact = users_pact()
    with pact.serve() as server:
        assert isinstance(server.url, URL) and isinstance(server.url, str)
        assert server.url.port == server.port and server.host == "localhost"
        response = httpx.get(server.url / "users/42", params={"v": "7"},
                             headers={"Accept": "application/json"})
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == 1 and body["name"] == "Al" and 5 <= body["n"] <= 9
        assert server.matched and server.mismatches == []
        assert isinstance(server.logs, str)
    assert server.port is None
    assert server.matched  # remembered after the block
    with pytest.raises(httpx.ConnectError):
        httpx.get(str(server) + "/users/1")


def test_unhonoured_pact_raises_a_readable_report() -> None:
    pact = users_pact()
    pact.upon_receiving("never sent").with_request("DELETE", "/users/1")
    with pytest.raises(MismatchesError) as info, pact.serve() as server:
        assert httpx.get(server.url + "/nothing-here").status_code == 500
        httpx.get(server.url + "/users/2", params={"v": "x"}, headers={"Accept": "text/html"})
    kinds = [type(m) for m in info.value.mismatches]
    assert kinds == [RequestNotFound, RequestMismatch, MissingRequest]
    mismatch = info.value.mismatches[1]
    assert isinstance(mismatch, RequestMismatch)
    inner = {type(m): m for m in mismatch.mismatches}
    assert isinstance(inner[QueryMismatch], QueryMismatch)
    assert inner[QueryMismatch].parameter == "v"
    assert isinstance(inner[HeaderMismatch], HeaderMismatch)
    assert inner[HeaderMismatch].key.lower() == "accept"
    report = str(info.value)
    assert "GET /nothing-here" in report
    assert "DELETE /users/1" in report and "Missing request" in report
    assert "parameter 'v'" in report and "actual x" in report
    assert "header 'accept'" in report.lower()


def test_body_mismatch_names_path_expected_and_actual() -> None:
    pact = Pact("web", "users")
    (pact.upon_receiving("create").with_request("POST", "/users")
     .with_body({"name": "Al", "age": match.int(3)}).will_respond_with(201))
    with pytest.raises(MismatchesError) as info, pact.serve() as server:
        httpx.post(server.url + "/users", json={"name": "Bo", "age": 4})
    (outer,) = info.value.mismatches
    assert isinstance(outer, RequestMismatch)
    (body,) = outer.mismatches
    assert isinstance(body, BodyMismatch)
    assert body.path == "$.name"
    text = str(info.value)
    assert "$.name" in text and "Al" in text and "Bo" in text


def test_no_raise_while_another_exception_propagates() -> None:
    pact = users_pact()
    with pytest.raises(KeyError), pact.serve():
        raise KeyError("the test's own failure")


def test_raises_false_keeps_the_mismatches(caplog: pytest.LogCaptureFixture) -> None:
    pact = users_pact()
    with caplog.at_level(logging.ERROR), pact.serve(raises=False) as server:
        pass
    assert not server.matched
    (missing,) = server.mismatches
    assert isinstance(missing, MissingRequest) and missing.path == "/users/1"
    assert "Missing request" in caplog.text
    with caplog.at_level(logging.ERROR):
        caplog.clear()
        with pact.serve(raises=False, verbose=False):
            pass
        assert caplog.text == ""


def test_properties_need_a_running_server() -> None:
    server = users_pact().serve()
    assert server.port is None
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.matched


def test_fixed_port_and_ipv4_address() -> None:
    pact = users_pact()
    with pact.serve(addr="127.0.0.1", raises=False) as first:
        port = first.port
    assert port is not None
    with pact.serve(addr="127.0.0.1", port=port, raises=False) as second:
        assert second.port == port and second.url == f"http://127.0.0.1:{port}"


def test_write_file_from_the_server(tmp_path: Path) -> None:
    pact = users_pact()
    with pact.serve() as server:
        httpx.get(server.url + "/users/3?v=1", headers={"Accept": "application/json"})
        server.write_file(tmp_path)
    written = tmp_path / "web-users.json"
    document = json.loads(written.read_text())
    assert document["interactions"][0]["description"] == "get a user"
    assert ffi_parses(written) == 1


def test_https_transport() -> None:
    pact = users_pact()
    with pact.serve(transport="https") as server:
        assert server.url.scheme == "https"
        assert server.ca_file is not None
        response = httpx.get(server.url + "/users/9?v=2",
                             verify=ssl.create_default_context(cafile=server.ca_file),
                             headers={"Accept": "application/json"})
        assert response.status_code == 200


def test_the_same_pact_serves_twice() -> None:
    pact = users_pact()
    for _ in range(2):
        with pact.serve() as server:
            httpx.get(server.url + "/users/3?v=1", headers={"Accept": "application/json"})
