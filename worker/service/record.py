"""What a mock server saw: counters for matches, full records for everything else.

Matches are only counted (so memory per matched request is constant); each non-matching
request keeps its JSON record, in arrival order. `matched()` is O(1): it reads counters,
never scans the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from pactpool_worker.matching import Selection
from pactpool_worker.pact import Interaction, Request, request_to_json
from pactpool_worker.records import MismatchEntry, MissingEntry, NotFoundEntry, RequestErrorEntry

MAX_PATHS = 1000
OTHER_PATHS = "(other paths)"


class Recorder:
    """The record of one mock server; fed by the request path, read by controller queries."""

    def __init__(self, interactions: Sequence[Interaction]) -> None:
        self._http = [i for i in interactions if i.request is not None]
        self._group_of = _groups(self._http)
        groups = len(set(self._group_of.values()))  # numbered 0 .. groups - 1
        self._covered = [False] * groups
        self._uncovered = groups
        self._problems: list[NotFoundEntry | MismatchEntry | RequestErrorEntry] = []
        self.requests = 0
        self.requests_by_path: dict[str, int] = {}
        self.matches = 0
        self.ignored_preflights = 0
        self.failure: dict[str, Any] | None = None
        self._serialised: list[bytes] = []
        """The JSON text of `_problems`' first entries, in order (see `mismatch_json`)."""
        self._missing_json: dict[int, bytes] = {}

    def record(self, selection: Selection, actual: Request) -> None:
        """Note one request's outcome; called before its response is written."""
        self.requests += 1
        path = actual.path
        counts = self.requests_by_path
        count = counts.get(path)
        if count is not None:
            counts[path] = count + 1
        else:
            self._count_path(path)
        if selection.kind == "not-found":
            if actual.method == "OPTIONS":
                self.ignored_preflights += 1  # an unmatched OPTIONS never counts against the pact
                return
            self._problems.append(NotFoundEntry(actual.method, actual.path,
                                                request_to_json(actual)))
            return
        interaction = selection.interaction
        assert interaction is not None and interaction.request is not None
        group = self._group_of[interaction.index]
        if not self._covered[group]:
            self._covered[group] = True
            self._uncovered -= 1
        if selection.kind == "match":
            self.matches += 1
            return
        self._problems.append(MismatchEntry(interaction.request.method,
                                            interaction.request.path,
                                            tuple(selection.mismatches)))

    def record_error(self, method: str | None, path: str | None, error: str) -> None:
        """A request that could not be matched: refused by the listener (400, 413, ...) or one
        the matcher failed on. Clients got an answer, so the record must show it."""
        self.requests += 1
        if path:
            self._count_path(path)
        self._problems.append(RequestErrorEntry(method.upper() if method else None, path, error))

    def _count_path(self, path: str) -> None:
        """Per-path counts for metrics, bounded: past MAX_PATHS distinct paths, one bucket."""
        counts = self.requests_by_path
        if path not in counts and len(counts) >= MAX_PATHS:
            path = OTHER_PATHS
        counts[path] = counts.get(path, 0) + 1

    def matched(self) -> bool:
        """No unexpected or mismatched request, and every interaction was hit."""
        return not self._problems and self._uncovered == 0 and self.failure is None

    def mismatches(self) -> list[dict[str, Any]]:
        """Non-matching requests in arrival order, then interactions never hit, in pact order."""
        result = [entry.to_json() for entry in self._problems]
        for interaction in self._http:
            assert interaction.request is not None
            if not self._covered[self._group_of[interaction.index]]:
                request = interaction.request
                result.append(MissingEntry(request.method, request.path,
                                           request_to_json(request)).to_json())
        return result

    @property
    def unserialised(self) -> bool:
        """Entries whose JSON text is not made yet (see `serialise`)."""
        return len(self._problems) > len(self._serialised)

    def serialise(self) -> list[bytes]:
        """Make the JSON text of the entries that have none yet; the texts, in order."""
        done = self._serialised
        for entry in self._problems[len(done):]:
            done.append(orjson.dumps(entry.to_json(), option=orjson.OPT_SORT_KEYS))
        return done

    def mismatch_json(self) -> bytes:
        """`mismatches()` as JSON text, keys sorted, as `mock_server_mismatches` returns it.

        Each entry is serialised once, the first time it is read: a record read again after
        more requests serialises only what is new.
        """
        done = self.serialise()
        parts = done
        for interaction in self._http:
            if not self._covered[self._group_of[interaction.index]]:
                missing = self._missing_json.get(interaction.index)
                if missing is None:
                    request = interaction.request
                    assert request is not None
                    missing = self._missing_json[interaction.index] = orjson.dumps(
                        MissingEntry(request.method, request.path,
                                     request_to_json(request)).to_json(),
                        option=orjson.OPT_SORT_KEYS)
                if parts is done:
                    parts = list(done)
                parts.append(missing)
        return b"[" + b",".join(parts) + b"]"

    def status(self) -> dict[str, Any]:
        """Counters for listings and metrics."""
        return {
            "requests": self.requests,
            "matches": self.matches,
            "problems": len(self._problems),
            "uncovered": self._uncovered,
            "matched": self.matched(),
            "requests_by_path": dict(self.requests_by_path),
        }


def _groups(http: list[Interaction]) -> dict[int, int]:
    """Interaction index -> group: interactions with the same expected request share a group.

    Equal requests have equal methods and paths, so only interactions that share both are
    compared, by their serialised requests; the others are groups of one at no cost.
    """
    by_route: dict[tuple[str, str], list[Interaction]] = {}
    for interaction in http:
        assert interaction.request is not None
        by_route.setdefault((interaction.request.method, interaction.request.path),
                            []).append(interaction)
    group_of: dict[int, int] = {}
    groups = 0
    for same_route in by_route.values():
        if len(same_route) == 1:
            group_of[same_route[0].index] = groups
            groups += 1
            continue
        keys: dict[bytes, int] = {}
        for interaction in same_route:
            assert interaction.request is not None
            key = orjson.dumps(request_to_json(interaction.request), option=orjson.OPT_SORT_KEYS)
            group = group_of[interaction.index] = keys.setdefault(key, groups)
            if group == groups:
                groups += 1
    return group_of
