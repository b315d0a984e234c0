"""HTTPS mock servers that clients verify, with a generated or a given certificate."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest
from support import interaction, refuses, simple_pact

import pactpool

trustme = pytest.importorskip("trustme", reason="the 'tls' extra (trustme) is not installed")

PACT = simple_pact(interaction("ping", "GET", "/ping", response_body={"ok": True}))


def verifying_client(ca_file: str) -> httpx.Client:
    return httpx.Client(verify=ssl.create_default_context(cafile=ca_file))


def test_a_verified_https_request(serve) -> None:
    server = serve(PACT, tls=True)
    assert server.url.startswith("https://127.0.0.1:")
    assert server.ca_file and Path(server.ca_file).read_text().startswith("-----BEGIN")
    assert pactpool.mock_server_ca_file(server.port) == server.ca_file
    with verifying_client(server.ca_file) as client:
        response = client.get(server.url + "/ping")
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert server.matched


def test_an_unverified_client_is_refused_by_its_own_checks(serve) -> None:
    server = serve(PACT, tls=True)
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"), httpx.Client() as c:
        c.get(server.url + "/ping")


def test_localhost_name_verifies_too(serve) -> None:
    server = serve(PACT, tls=True)
    with verifying_client(server.ca_file) as client:
        assert client.get(f"https://localhost:{server.port}/ping").status_code == 200


def test_a_given_certificate_and_key(serve, tmp_path: Path) -> None:
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1")
    cert, key, ca_file = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(ca_file))
    server = serve(PACT, tls_cert=cert, tls_key=key)
    assert server.ca_file is None
    with verifying_client(str(ca_file)) as client:
        assert client.get(server.url + "/ping").status_code == 200


def test_cleanup_removes_the_key_and_closes_the_port() -> None:
    server = pactpool.MockServer(PACT, tls=True)
    worker = pactpool.api.get_controller().worker(server.port)
    assert worker.certificate is not None
    key = Path(worker.certificate.key_file)
    assert key.exists() and (key.stat().st_mode & 0o777) == 0o600
    server.close()
    assert not key.exists() and refuses(server.port)


def test_a_broken_key_is_a_start_error(tmp_path: Path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("not a certificate")
    key.write_text("not a key")
    with pytest.raises(pactpool.WorkerStartError, match="cannot load the TLS certificate"):
        pactpool.create_mock_server(PACT, tls_cert=cert, tls_key=key)


def test_the_ca_pem_is_available_inline() -> None:
    assert pactpool.get_tls_ca_certificate().startswith("-----BEGIN CERTIFICATE-----")
