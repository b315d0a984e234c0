"""`Pact`: declare interactions, serve them from a pactpool mock server, write the pact file.

The same calls as pact-python 4's `pact.Pact`, with no native library underneath: the pact
is plain Python data until `serve()` or `write_file()` turns it into pact JSON and hands it to
`pactpool.api`, whose worker process matches, records and writes.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, overload

from pactpool import api
from pactpool.consumer._pact_json import Specification, check_kinds, pact_json
from pactpool.consumer.error import (
    InteractionVerificationError,
    Mismatch,
    MismatchesError,
    PactVerificationError,
    parse_mismatches,
)
from pactpool.consumer.interaction import (
    AsyncMessageInteraction,
    HttpInteraction,
    Interaction,
    SyncMessageInteraction,
)
from pactpool.consumer.types import URL
from pactpool.errors import PactDefinitionError, PactFileError

if TYPE_CHECKING:
    from typing_extensions import Self

    from pactpool.consumer.interaction._base import Part

__all__ = ["MismatchesError", "Pact", "PactServer", "Specification"]

logger = logging.getLogger(__name__)

_KINDS: dict[str, type[Interaction]] = {"HTTP": HttpInteraction,
                                        "Async": AsyncMessageInteraction,
                                        "Sync": SyncMessageInteraction}


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")
    return value


def _kind(value: object, allowed: tuple[str, ...], what: str, word: str = "Invalid") -> str:
    """`value` if it is one of `allowed`; TypeError for a non-str, PactDefinitionError else."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str ({', '.join(map(repr, allowed))}), not "
                        f"{type(value).__name__}")
    if value not in allowed:
        raise PactDefinitionError(f"{word} {what}: {value} (use "
                                  f"{', '.join(map(repr, allowed))})")
    return value


def _name(value: object, role: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"the {role} name must be a str, not {type(value).__name__}")
    if not value:
        raise PactDefinitionError(f"{role.capitalize()} name cannot be empty.")
    return value


class Pact:
    """A pact between one consumer and one provider: its interactions, version and metadata.

    >>> pact = Pact("web", "users")
    >>> _ = (pact.upon_receiving("a request for user 1")
    ...      .with_request("GET", "/users/1")
    ...      .will_respond_with(200))
    >>> pact
    <Pact: consumer='web', provider='users', specification=V4, interactions=1>
    """

    def __init__(self, consumer: str, provider: str) -> None:
        self._consumer = _name(consumer, "consumer")
        self._provider = _name(provider, "provider")
        self._interactions: list[Interaction] = []
        self._specification = Specification.V4
        self._metadata: dict[str, dict[str, str]] = {}
        self._servers: list[PactServer] = []

    def __str__(self) -> str:
        return f"{self._consumer} -> {self._provider}"

    def __repr__(self) -> str:
        return (f"<Pact: consumer={self._consumer!r}, provider={self._provider!r}, "
                f"specification={self._specification}, "
                f"interactions={len(self._interactions)}>")

    @property
    def consumer(self) -> str:
        return self._consumer

    @property
    def provider(self) -> str:
        return self._provider

    @property
    def specification(self) -> Specification:
        """The specification version the pact is written in (`V4` unless changed)."""
        return self._specification

    def with_specification(self, version: str | Specification | Any) -> Self:
        """Choose the specification version: `V1`, `V1.1`, `V2`, `V3` or `V4` (also `"3.0.0"`).

        An unknown version, or one that cannot hold the interactions already declared
        (messages before V3, synchronous messages before V4), is a PactDefinitionError.
        """
        spec = Specification.parse(version)
        check_kinds(spec, (i.kind for i in self._interactions))
        self._specification = spec
        return self

    def using_plugin(self, name: str, version: str | None = None,
                     delay: int | None = None) -> Self:
        """Not available: pactpool is pure Python and runs no Pact plugins."""
        raise PactDefinitionError(
            f"pactpool cannot use the Pact plugin {name!r}: it is pure Python, with no plugin "
            "driver, so plugin transports and content types (gRPC, protobuf, CSV) need "
            "pact-python and its native library")

    def with_metadata(self, namespace: str, metadata: dict[str, str]) -> Self:
        """Add entries to the pact's metadata under `namespace` (`metadata.<namespace>.<key>`)."""
        if not isinstance(namespace, str):
            raise TypeError(f"namespace must be a str, not {type(namespace).__name__}")
        if not isinstance(metadata, dict):
            raise TypeError(f"metadata must be a dict, not {type(metadata).__name__}")
        if namespace in ("pactSpecification", "pactpool") or not namespace:
            raise PactDefinitionError(f"the metadata namespace {namespace!r} is reserved "
                                      "(or empty); choose another")
        for key, value in metadata.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError(f"metadata keys and values must be str, not "
                                f"{type(key).__name__}: {type(value).__name__}")
        self._metadata.setdefault(namespace, {}).update(metadata)
        return self

    @overload
    def upon_receiving(self, description: str,
                       interaction: Literal["HTTP"] = ...) -> HttpInteraction: ...

    @overload
    def upon_receiving(self, description: str,
                       interaction: Literal["Async"]) -> AsyncMessageInteraction: ...

    @overload
    def upon_receiving(self, description: str,
                       interaction: Literal["Sync"]) -> SyncMessageInteraction: ...

    def upon_receiving(self, description: str,
                       interaction: Literal["HTTP", "Sync", "Async"] = "HTTP"
                       ) -> HttpInteraction | AsyncMessageInteraction | SyncMessageInteraction:
        """Begin a new interaction: `HTTP` (the default), `Async` or `Sync` (messages)."""
        cls = _KINDS[_kind(interaction, ("HTTP", "Async", "Sync"), "interaction type")]
        check_kinds(self._specification, [*(i.kind for i in self._interactions), interaction])
        made = cls(description)
        self._interactions.append(made)
        return made  # type: ignore[return-value]

    def interactions(self, kind: Literal["HTTP", "Sync", "Async", "All"] = "HTTP"
                     ) -> Iterator[Interaction]:
        """The declared interactions of one kind (or `All`), in declaration order.

        They are pactpool's own objects: `description`, `provider_states`, `pending`, `key`,
        `comments`, their parts, and `to_json(spec)`.
        """
        _kind(kind, ("HTTP", "Async", "Sync", "All"), "interaction kind", "Unknown")
        return iter([i for i in self._interactions if kind in ("All", i.kind)])

    def _unhonoured_reports(self) -> list[str]:
        """The report of each stopped server of this pact that was not honoured and did not
        raise it (`raises=False`): a server that raised has already said so."""
        return [f"mock server {server}: {MismatchesError(*server._mismatches)}"
                for server in self._servers if server._mismatches and not server._raises]

    def _honoured(self) -> bool:
        """True when no server of this pact saw a mismatch."""
        return not any(server._mismatches for server in self._servers)

    def to_json(self) -> dict[str, Any]:
        """The pact document as it would be served and written (before pactpool's metadata)."""
        return pact_json(self._consumer, self._provider, self._specification, self._metadata,
                         self._interactions)

    def serve(self, addr: str = "localhost", port: int = 0, transport: str = "http",
              transport_config: str | None = None, *, raises: bool = True,
              verbose: bool = True) -> PactServer:
        """A mock server for this pact, started by `with pact.serve() as server:`.

        On leaving the block the server stops; a pact that was not honoured raises
        `MismatchesError` (when `raises`, and unless another exception is on its way) and
        is logged (when `verbose`). `transport` is `http` or `https`.
        """
        return PactServer(self, addr, port, transport, transport_config, raises=raises,
                          verbose=verbose)

    def verify(self, handler: Callable[[str | bytes | None, dict[str, object]], None],
               kind: Literal["Async", "Sync"], *, raises: bool = True
               ) -> list[InteractionVerificationError] | None:
        """Hand each message of `kind` to `handler(contents, metadata)`.

        Contents come with their generators applied (as a mock server applies a response's):
        JSON as its text, text as `str`, binary as `bytes`. A handler that raises is
        recorded as an `InteractionVerificationError`; with `raises` they are raised
        together as `PactVerificationError`, else returned.
        """
        if not callable(handler):
            raise TypeError(f"handler must be callable, not {type(handler).__name__}")
        _kind(kind, ("Async", "Sync"), "message kind (verify checks messages)")
        _flag(raises, "raises")
        messages = [i for i in self._interactions if i.kind == kind]
        if not messages:
            raise PactDefinitionError(
                f"there are no {kind} message interactions to verify in {self}; declare one "
                f"with upon_receiving(description, {kind!r})")
        from pactpool.consumer._messages import message_contents

        errors: list[InteractionVerificationError] = []
        for message in messages:
            part: Part = message.message if isinstance(message, AsyncMessageInteraction) \
                else message.request  # type: ignore[attr-defined]
            if part.body is None:
                warnings.warn(f"message {message.description!r} has no contents", stacklevel=2)
                continue
            contents, metadata = message_contents(part)
            try:
                handler(contents, metadata)
            except Exception as exc:
                errors.append(InteractionVerificationError(message.description, exc))
        if raises:
            if errors:
                raise PactVerificationError(errors)
            return None
        return errors

    def write_file(self, directory: Path | str | None = None, *,
                   overwrite: bool = False) -> None:
        """Write `<consumer>-<provider>.json` into `directory` (default: the working directory).

        Merged with the file there unless `overwrite`; safe when parallel test processes
        write the same pact.
        """
        _flag(overwrite, "overwrite")
        _write_document(self.to_json(), directory, overwrite)


class NotADirectoryPactFileError(PactFileError, ValueError):
    """`write_file` was given a path that is not a directory (a `ValueError`, as pact-python
    raises there, and a `PactFileError`, as pactpool's file errors are)."""


def _directory(directory: Path | str | None) -> Path:
    if directory is not None and not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"directory must be a path, not {type(directory).__name__}")
    folder = Path(directory) if directory else Path.cwd()
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryPactFileError(f"{folder} is not a directory")
    return folder


def _write_document(document: dict[str, Any], directory: Path | str | None,
                    overwrite: bool) -> None:
    """Write a pact as a served one is written: with its lock, merge and atomic replace."""
    api.write_pact_document(document, _directory(directory), overwrite)


class PactServer:
    """A running mock server for a pact; a context manager (`with pact.serve() as server:`).

    `url` is where the consumer sends its requests; `matched`, `mismatches` and `logs` tell
    what the server saw; `write_file` writes the pact. It stops when the block ends.
    """

    def __init__(self, pact: Pact, host: str = "localhost", port: int | None = None,
                 transport: str = "http", transport_config: str | None = None, *,
                 raises: bool = True, verbose: bool = True) -> None:
        if not isinstance(host, str):
            raise TypeError(f"addr must be a str, not {type(host).__name__}")
        if port is not None and (isinstance(port, bool) or not isinstance(port, int)):
            raise TypeError(f"port must be an int, not {type(port).__name__}")
        if port is not None and not 0 <= port <= 65535:
            raise ValueError(f"port must be from 0 (the kernel picks a free one) to 65535, "
                             f"not {port}")
        _flag(raises, "raises")
        _flag(verbose, "verbose")
        if not isinstance(transport, str):
            raise TypeError(f"transport must be a str, not {type(transport).__name__}")
        if transport.lower() not in ("http", "https"):
            raise PactDefinitionError(
                f"pactpool serves the 'http' and 'https' transports, not {transport!r} "
                "(other transports come from Pact plugins, which pactpool does not run)")
        if transport_config is not None and not isinstance(transport_config, str):
            raise TypeError("transport_config must be JSON text or None")
        self._pact = pact
        self._host = host
        self._port = port or 0
        self._transport = transport.lower()
        self._raises = raises
        self._verbose = verbose
        self._server: api.MockServer | None = None
        self._document: dict[str, Any] | None = None
        self._mismatches: list[Mismatch] | None = None
        self._logs: str | None = None
        self._last_port: int | None = None

    # -- where it is ------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int | None:
        """The port served (the kernel's pick for port 0); None when not running."""
        return self._server.port if self._server is not None else None

    @property
    def transport(self) -> str:
        return self._transport

    @property
    def ca_file(self) -> str | None:
        """For `https`: the PEM file of the CA a client should trust (None for `http`)."""
        return self._running().ca_file

    @property
    def url(self) -> URL:
        """`http://host:port`: a `str` with `/`, `host`, `port`, `path`, `with_path`..."""
        return URL(str(self))

    def __str__(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"{self._transport}://{host}:{self.port or self._last_port}"

    def __repr__(self) -> str:
        state = "running" if self._server is not None else "stopped"
        return (f"<PactServer: transport={self._transport!r}, host={self._host!r}, "
                f"port={self.port!r}, pact={str(self._pact)!r}, {state}>")

    def __truediv__(self, other: str | object) -> URL:
        if isinstance(other, str):
            return self.url / other
        return NotImplemented

    # -- what it saw ------------------------------------------------------------------------

    def _running(self) -> api.MockServer:
        if self._server is None:
            raise RuntimeError("The server is not running: use it inside "
                               "`with pact.serve() as server:`")
        return self._server

    @property
    def matched(self) -> bool:
        """True when every interaction was received and nothing unexpected came."""
        if self._server is None and self._mismatches is not None:
            return not self._mismatches
        return api.mock_server_matched(self._running().port)

    @property
    def mismatches(self) -> list[Mismatch]:
        """Every missing request, unexpected request and mismatch, as objects."""
        if self._server is None and self._mismatches is not None:
            return list(self._mismatches)
        return parse_mismatches(api.mock_server_mismatches(self._running().port))

    @property
    def logs(self) -> str | None:
        """The mock server's own log (kept after the block when the pact was not honoured)."""
        if self._server is None and self._logs is not None:
            return self._logs
        return api.mock_server_logs(self._running().port)

    def write_file(self, directory: str | Path | None = None, *,
                   overwrite: bool = False) -> None:
        """Write the served pact into `directory` (default: the working directory)."""
        _flag(overwrite, "overwrite")
        if self._server is not None:
            api.write_pact_file(self._server.port, _directory(directory), overwrite)
        elif self._document is not None:
            _write_document(self._document, directory, overwrite)
        else:
            raise RuntimeError("The server never ran: write the pact with Pact.write_file")

    # -- lifetime ---------------------------------------------------------------------------

    def __enter__(self) -> Self:
        if self._server is not None:
            raise RuntimeError("this PactServer is already running")
        self._document = self._pact.to_json()
        self._mismatches = self._logs = None
        self._server = api.MockServer(self._document, self._host, self._port,
                                      tls=self._transport == "https")
        self._last_port = self._server.port
        self._pact._servers.append(self)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc_value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        server = self._server
        if server is None:
            return
        where = str(self)
        self._server = None
        # The record and the stop in one call (none to the worker when it said it matched);
        # the port is closed when it returns.
        final = server.finish()
        record, self._logs = final if final is not None else (None, None)
        self._mismatches = parse_mismatches(record)
        if not self._mismatches:
            return
        error = MismatchesError(*self._mismatches)
        if self._verbose:
            logger.error("mock server %s: %s", where, error)
        if self._raises and exc_type is None:
            raise error
