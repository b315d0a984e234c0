"""What a lenient load noticed: warnings returned as data, never logged from here (sans-IO).

A pact the reference can serve must serve, so the loader reads quirks of other writers
(a `headers` rule category, providerStates as a string, a header value that is a number, ...)
and says what it assumed instead of refusing. Those remarks are made deep in the loader
(rule paths, header values, generator keys); rather than thread a list through every
function, `load_pact` opens a collection for the length of one load and `warn` adds to it.
The collection is a context variable, so concurrent loads never mix their notes, and a load
outside a collection (a spec case read by a test) simply drops them.

`lenient_regexes()` marks the parts of a pact a mock server never evaluates (responses,
messages): a regular expression that Python cannot compile there (one only Java accepts)
is left out of the compiled rules with a warning and kept in the pact's JSON, instead of
refusing a pact that serves perfectly well.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class LoadWarning:
    """One remark: where in the pact (a JSON path) and what pactpool assumed there."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(slots=True)
class _Notes:
    warnings: list[LoadWarning] = field(default_factory=list)
    lenient_regexes: bool = False


_CURRENT: ContextVar[_Notes | None] = ContextVar("pactpool_load_notes", default=None)


@contextmanager
def collecting() -> Iterator[list[LoadWarning]]:
    """Collect the warnings of the load run inside the block into the list it yields."""
    notes = _Notes()
    token = _CURRENT.set(notes)
    try:
        yield notes.warnings
    finally:
        _CURRENT.reset(token)


def warn(path: str, message: str) -> None:
    """Note what a lenient reading assumed at `path` (dropped when nobody collects)."""
    notes = _CURRENT.get()
    if notes is not None:
        notes.warnings.append(LoadWarning(path, message))


@contextmanager
def lenient_regexes() -> Iterator[None]:
    """Inside a collected load: regexes here are never evaluated by a mock server."""
    notes = _CURRENT.get()
    if notes is None:
        yield
        return
    before = notes.lenient_regexes
    notes.lenient_regexes = True
    try:
        yield
    finally:
        notes.lenient_regexes = before


def regexes_are_lenient() -> bool:
    """True while loading a part no mock server evaluates, in a collected load."""
    notes = _CURRENT.get()
    return notes is not None and notes.lenient_regexes
