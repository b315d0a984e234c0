"""A pact written by pactpool.consumer, verified by pact-python's own Verifier (pact_ffi).

The provider is a small `http.server` in a thread answering with *other* values of the
same types: the type matchers must let it pass. A second provider breaks one type and
must fail verification.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pact_ffi_check import ffi_parses

from pactpool.consumer import Pact, match

pact_module = pytest.importorskip("pact", reason="pact-python is not installed")


def write_pact(directory: Path) -> Path:
    pact = Pact("round-trip-web", "round-trip-users")
    (pact.upon_receiving("get a user").with_request("GET", "/users/1")
     .will_respond_with(200)
     .with_body({"id": match.int(1), "name": match.str("Al"),
                 "tags": match.each_like(match.str("x"), min=1),
                 "joined": match.date("2020-01-02")}))
    pact.write_file(directory, overwrite=True)
    path = directory / "round-trip-web-round-trip-users.json"
    ffi_parses(path)
    return path


def provider(body: dict[str, Any]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def verify(pact_file: Path, url: str) -> Any:
    verifier = (pact_module.Verifier("round-trip-users", host="127.0.0.1")
                .add_transport(url=url).add_source(str(pact_file)))
    return verifier.verify()


OTHER_VALUES = {"id": 987, "name": "Zed", "tags": ["p", "q", "r"], "joined": "1999-12-31"}


def test_a_provider_with_other_values_of_the_same_types_passes(tmp_path: Path) -> None:
    pact_file = write_pact(tmp_path)
    for url in provider(OTHER_VALUES):
        verify(pact_file, url)


def test_a_provider_breaking_one_type_fails(tmp_path: Path) -> None:
    pact_file = write_pact(tmp_path)
    for url in provider({**OTHER_VALUES, "id": "987"}):
        with pytest.raises(RuntimeError):
            verify(pact_file, url)
