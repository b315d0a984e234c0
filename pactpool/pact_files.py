"""Writing a pact file: `<consumer>-<provider>.json`, merged or overwritten, never torn.

The controller writes it, from the pact text it handed the worker (a worker loads a pact
without changing it): a write is a test's own step, so it costs no round trip to a
process that may be cold, and it works even after the server's process died.

Parallel test processes may write the same pact at once, so a write takes an exclusive
`flock` on the pact's folder (no lock file is left beside the pacts), reads and merges what
is there, and replaces the file atomically (a temporary file in the same folder, then
`os.replace`). Readers never see half a file and no writer's interactions are lost.

Durability: the file is not `fsync`ed. A pact file is a test artefact, rewritten by the next
run; what it must survive is a test process killed at any moment, and a killed process
loses nothing the kernel already holds: the rename publishes a whole file or none. Only a
power cut or kernel crash in the seconds after a write could lose it, and then the test run
is lost too. An `fsync` cost more than the rest of a write together (0.4 ms of 0.5 here).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from pactpool.errors import PactFileError

WRITER_NAME = "pactpool"



_UNSAFE_IN_NAMES = re.compile(r"[/\\\0]")


def pact_file_name(document: dict[str, Any]) -> str:
    """`<consumer>-<provider>.json`, with characters unsafe in file names replaced."""
    consumer = _party(document, "consumer")
    provider = _party(document, "provider")
    return _UNSAFE_IN_NAMES.sub("_", f"{consumer}-{provider}") + ".json"


def write_pact(document: dict[str, Any], directory: str, *, overwrite: bool,
               writer_version: str) -> str:
    """Write (or merge into) the pact file in `directory`; returns the file's path.

    A file that would come out byte for byte as it is (a suite writes the same pact after
    each test) is left alone: reading and comparing it costs far less than replacing it.
    """
    if not os.path.isdir(directory):
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as exc:
            raise PactFileError(f"cannot create pact directory {directory}: "
                                 f"{exc.strerror}") from exc
    target = Path(directory, pact_file_name(document))
    outgoing = _with_metadata(document, writer_version)
    with _exclusive_lock(target):
        existing = _read_bytes(target)
        if existing is not None and not overwrite:
            outgoing = merge_documents(outgoing, _parse_existing(existing, target))
        data = orjson.dumps(outgoing, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
        if data != existing:
            _replace_atomically(target, data)
    return str(target)


def merge_documents(new: dict[str, Any], existing: dict[str, Any]) -> dict[str, Any]:
    """The new document plus every existing interaction it does not replace.

    Interactions are the same when their `key`s are equal, or, without keys, when type,
    description and provider states are. The new copy wins; order: existing first (so a
    file grows stably), then interactions new to it.
    """
    for role in ("consumer", "provider"):
        if _party(new, role) != _party(existing, role):
            raise PactFileError(
                f"cannot merge: the existing pact file is for {role} "
                f"'{_party(existing, role)}', this pact is for '{_party(new, role)}'")
    field = "interactions" if "interactions" in new else "messages"
    incoming = list(new.get(field) or [])
    by_identity = {_identity(i): i for i in incoming}
    merged: list[Any] = []
    seen: set[tuple[Any, ...]] = set()
    for interaction in existing.get(field) or []:
        identity = _identity(interaction)
        if identity in seen:
            continue
        seen.add(identity)
        merged.append(by_identity.get(identity, interaction))
    for interaction in incoming:
        identity = _identity(interaction)
        if identity not in seen:
            seen.add(identity)
            merged.append(interaction)
    return {**new, field: merged}


def _identity(interaction: Any) -> tuple[Any, ...]:
    if not isinstance(interaction, dict):
        return ("raw", orjson.dumps(interaction, option=orjson.OPT_SORT_KEYS))
    if interaction.get("key"):
        return ("key", interaction["key"])
    states = interaction.get("providerStates")
    if states is None and interaction.get("providerState") is not None:
        states = [{"name": interaction["providerState"]}]
    names = tuple(s.get("name") if isinstance(s, dict) else s for s in states or [])
    return ("described", interaction.get("type", "Synchronous/HTTP"),
            interaction.get("description"), names)


def _party(document: dict[str, Any], role: str) -> str:
    party = document.get(role)
    name = party.get("name") if isinstance(party, dict) else None
    return name if isinstance(name, str) and name else role


def _with_metadata(document: dict[str, Any], writer_version: str) -> dict[str, Any]:
    metadata = dict(document.get("metadata") or {})
    metadata[WRITER_NAME] = {"version": writer_version}
    return {**document, "metadata": metadata}


def _read_bytes(target: Path) -> bytes | None:
    """The file's bytes, or None when there is no file yet."""
    try:
        with open(target, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise PactFileError(f"cannot read existing pact file {target}: {exc.strerror}") from exc


def _parse_existing(data: bytes, target: Path) -> dict[str, Any]:
    try:
        existing = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise PactFileError(f"existing pact file {target} is not valid JSON ({exc}); "
                             "delete it or write with overwrite=True") from exc
    if not isinstance(existing, dict):
        raise PactFileError(f"existing pact file {target} is not a JSON object")
    return existing


@contextlib.contextmanager
def _exclusive_lock(target: Path) -> Iterator[None]:
    """An exclusive `flock` on the pact's folder: writers of any pact there take turns (a
    write takes well under a millisecond), and no lock file is left beside the pacts."""
    folder = target.parent
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise PactFileError(f"cannot open pact directory {folder}: {exc.strerror}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _replace_atomically(target: Path, data: bytes) -> None:
    # Writers of one target hold its lock, so a name with this process's id is free (a stale
    # one, from a writer killed mid-write, is truncated and reused).
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError as exc:
        raise PactFileError(f"cannot write pact file {target}: {exc.strerror}") from exc
