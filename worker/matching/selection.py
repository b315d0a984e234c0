"""Choosing the interaction for an actual request.

A full match always wins (the first in pact order). Otherwise the best score wins, ties to the
first; if that best one differs in method or path the request was not found, else it is a
mismatch against that interaction. An index built once per interaction list keeps this cheap:
only interactions with the request's method and path can match fully, so those are tried
first and the first full match returns at once; only a request that matches nothing pays for
scoring the rest, and another method's interaction is only scored when its best possible
score could still win.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pactpool_worker.matching.mismatches import Mismatch
from pactpool_worker.matching.request import RequestMatchResult, match_path, match_request
from pactpool_worker.pact.model import Interaction, Request


@dataclass(slots=True)
class Selection:
    """What the mock server should do with one request."""

    kind: Literal["match", "not-found", "mismatch"]
    interaction: Interaction | None = None
    mismatches: list[Mismatch] = field(default_factory=list)
    result: RequestMatchResult | None = None


@dataclass(frozen=True, slots=True)
class _Candidate:
    order: int
    interaction: Interaction
    request: Request
    bound: int
    """The highest score this interaction can reach when the method differs."""


class InteractionIndex:
    """HTTP interactions grouped by method, with each one's score ceiling for other methods."""

    def __init__(self, interactions: Sequence[Interaction]) -> None:
        self.by_method: dict[str, list[_Candidate]] = {}
        self.all: list[_Candidate] = []
        for interaction in interactions:
            if not interaction.is_http:
                continue
            request = interaction.request
            assert request is not None
            # method -1, path at most +1, each expected query key / header at most +1, body <= 0
            bound = -1 + 1 + len(request.query or {}) + len(request.headers or {})
            candidate = _Candidate(len(self.all), interaction, request, bound)
            self.all.append(candidate)
            self.by_method.setdefault(request.method.upper(), []).append(candidate)

    def select(self, actual: Request) -> Selection:
        if not self.all:
            return Selection("not-found")
        same_method = self.by_method.get(actual.method.upper(), [])
        tried: dict[int, RequestMatchResult] = {}
        for candidate in same_method:
            if match_path(candidate.request, actual):
                continue
            result = tried[candidate.order] = match_request(candidate.request, actual)
            if result.all_matched:
                return Selection("match", candidate.interaction, [], result)
        best: tuple[int, int, _Candidate, RequestMatchResult] | None = None
        for candidate in same_method:
            result = tried.get(candidate.order) or match_request(candidate.request, actual)
            score = result.score()
            if best is None or score > best[0]:
                best = (score, candidate.order, candidate, result)
        for candidate in self.all:
            if candidate.request.method.upper() == actual.method.upper():
                continue
            if best is not None and (candidate.bound < best[0] or
                                     (candidate.bound == best[0] and candidate.order > best[1])):
                continue
            result = match_request(candidate.request, actual)
            score = result.score()
            if best is None or score > best[0] or (score == best[0] and candidate.order < best[1]):
                best = (score, candidate.order, candidate, result)
        assert best is not None
        _, _, candidate, result = best
        if not result.method_matched or not result.path_matched:
            return Selection("not-found", None, [], result)
        return Selection("mismatch", candidate.interaction, result.mismatches, result)


_INDEXES: dict[int, tuple[Sequence[Interaction], InteractionIndex]] = {}


def select_interaction(interactions: Sequence[Interaction], actual: Request) -> Selection:
    """Select the interaction for `actual`; the index is built once per interaction list."""
    key = id(interactions)
    entry = _INDEXES.get(key)
    if entry is None or entry[0] is not interactions or \
            len(entry[1].all) != sum(1 for i in interactions if i.is_http):
        if len(_INDEXES) > 64:
            _INDEXES.clear()
        entry = (interactions, InteractionIndex(interactions))
        _INDEXES[key] = entry
    return entry[1].select(actual)
