"""Pact: names, specification versions, metadata, interaction kinds, representations."""

from __future__ import annotations

import pytest

from pactpool.consumer import Pact
from pactpool.consumer.interaction import (
    AsyncMessageInteraction,
    HttpInteraction,
    SyncMessageInteraction,
)
from pactpool.errors import PactDefinitionError, PactPoolError


def test_names_and_default_specification() -> None:
    pact = Pact("web", "users")
    assert (pact.consumer, pact.provider) == ("web", "users")
    assert str(pact.specification) == "V4"
    assert str(pact) == "web -> users"


@pytest.mark.parametrize(("given", "expected"), [
    ("V1", "V1"), ("v1.1", "V1_1"), ("V1_1", "V1_1"), ("2", "V2"), ("V3", "V3"),
    ("3.0.0", "V3"), ("4.0", "V4"), ("v4", "V4"), ("1.0.0", "V1"), ("1.1.0", "V1_1")])
def test_specification_spellings(given: str, expected: str) -> None:
    assert str(Pact("a", "b").with_specification(given).specification) == expected


@pytest.mark.parametrize("bad", ["V5", "2.1", "", "latest", "V0"])
def test_unknown_specification(bad: str) -> None:
    with pytest.raises(PactDefinitionError, match="unknown Pact specification"):
        Pact("a", "b").with_specification(bad)


def test_pact_ffi_specification_enum_is_accepted() -> None:
    pact_ffi = pytest.importorskip("pact_ffi", reason="pact_ffi (pact-python) not installed")
    pact = Pact("a", "b").with_specification(pact_ffi.PactSpecification.V3)
    assert str(pact.specification) == "V3"


def test_upon_receiving_kinds() -> None:
    pact = Pact("a", "b")
    assert isinstance(pact.upon_receiving("h"), HttpInteraction)
    assert isinstance(pact.upon_receiving("m", "Async"), AsyncMessageInteraction)
    assert isinstance(pact.upon_receiving("s", "Sync"), SyncMessageInteraction)
    assert [i.description for i in pact.interactions()] == ["h"]
    assert [i.description for i in pact.interactions("Async")] == ["m"]
    assert [i.description for i in pact.interactions("Sync")] == ["s"]
    assert [i.description for i in pact.interactions("All")] == ["h", "m", "s"]
    with pytest.raises(PactDefinitionError):
        pact.upon_receiving("x", "Grpc")  # type: ignore[call-overload]
    with pytest.raises(PactDefinitionError):
        list(pact.interactions("Other"))  # type: ignore[arg-type]


def test_messages_need_v3_and_sync_needs_v4() -> None:
    with pytest.raises(PactDefinitionError, match="V2"):
        Pact("a", "b").with_specification("V2").upon_receiving("m", "Async")
    with pytest.raises(PactDefinitionError, match="V4"):
        Pact("a", "b").with_specification("V3").upon_receiving("s", "Sync")
    mixed = Pact("a", "b")
    mixed.upon_receiving("h")
    mixed.upon_receiving("m", "Async")
    with pytest.raises(PactDefinitionError, match="not both"):
        mixed.with_specification("V3")
    assert str(mixed.specification) == "V4"  # unchanged by the refused call


def test_metadata_lands_in_the_document() -> None:
    pact = Pact("a", "b").with_metadata("lib", {"name": "x"}).with_metadata("lib", {"v": "1"})
    assert pact.to_json()["metadata"]["lib"] == {"name": "x", "v": "1"}
    with pytest.raises(PactDefinitionError, match="reserved"):
        pact.with_metadata("pactSpecification", {"version": "9"})


def test_repr_has_no_handle_numbers() -> None:
    pact = Pact("web", "users")
    interaction = pact.upon_receiving("get it")
    assert repr(pact) == ("<Pact: consumer='web', provider='users', specification=V4, "
                          "interactions=1>")
    assert repr(interaction) == "HttpInteraction(description='get it')"
    assert str(interaction) == "HttpInteraction(get it)"
    server = pact.serve()
    assert "handle" not in repr(server)


def test_using_plugin_says_why_not() -> None:
    with pytest.raises(PactDefinitionError, match="plugin") as info:
        Pact("a", "b").using_plugin("protobuf", "0.3")
    assert isinstance(info.value, PactPoolError)
    with pytest.raises(PactDefinitionError, match="plugin"):
        Pact("a", "b").upon_receiving("x").with_plugin_contents({}, "application/protobuf")


def test_interactions_are_plain_python_objects() -> None:
    pact = Pact("a", "b")
    pact.upon_receiving("x").given("s", id=1).set_pending(pending=True).set_key("k")
    (item,) = pact.interactions()
    assert item.provider_states == [{"name": "s", "params": {"id": 1}}]
    assert item.pending and item.key == "k"
    assert item.to_json("V3")["providerStates"] == [{"name": "s", "params": {"id": 1}}]
