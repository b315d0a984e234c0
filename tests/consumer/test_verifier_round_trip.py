"""A pact written by pactpool.consumer, verified by pact-python's own Verifier (pact_ffi).

The provider is a small `http.server` in a thread answering with *other* values of the
same types: the type matchers must let it pass. A second provider breaks one type and
must fail verification.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pact_ffi_check import ffi_parses
from support import json_provider

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


def verify(pact_file: Path, url: str) -> Any:
    verifier = (pact_module.Verifier("round-trip-users", host="127.0.0.1")
                .add_transport(url=url).add_source(str(pact_file)))
    return verifier.verify()


OTHER_VALUES = {"id": 987, "name": "Zed", "tags": ["p", "q", "r"], "joined": "1999-12-31"}


def test_a_provider_with_other_values_of_the_same_types_passes(tmp_path: Path) -> None:
    pact_file = write_pact(tmp_path)
    with json_provider(lambda: OTHER_VALUES) as url:
        verify(pact_file, url)


def test_a_provider_breaking_one_type_fails(tmp_path: Path) -> None:
    pact_file = write_pact(tmp_path)
    with json_provider(lambda: {**OTHER_VALUES, "id": "987"}) as url, \
            pytest.raises(RuntimeError):
        verify(pact_file, url)
