"""Choosing the interaction for an actual request.

A full match always wins (the first in pact order). Otherwise the best score wins, ties to the
first; if that best one differs in method or path the request was not found, else it is a
mismatch against that interaction. An index built once per interaction list keeps this cheap:
only interactions with the request's method and path can match fully, so those are tried
first and the first full match returns at once. Only a request that matches nothing pays for
scoring the rest, and even then a body is compared only when its interaction could still win
(a body can only lower a score), as is another method's interaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pactpool_worker.matching.mismatches import Mismatch
from pactpool_worker.matching.request import (
    RequestMatchResult,
    match_request,
    match_request_body,
    match_request_head,
    path_problems,
    path_rules,
)
from pactpool_worker.pact.model import Interaction, Request
from pactpool_worker.pact.rules import RuleList


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
    method: str
    path_rules: RuleList | None
    bound: int
    """The highest score this interaction can reach when its method or its path differs."""

    def path_matches(self, path: str) -> bool:
        if self.path_rules is None:
            return self.request.path == path
        return not path_problems(self.request.path, self.path_rules, path)


_Best = tuple[int, int, _Candidate, RequestMatchResult]


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
            # method or path -1, the other at most +1, each query key / header at most +1, body <= 0
            bound = -1 + 1 + len(request.query or {}) + len(request.headers or {})
            candidate = _Candidate(len(self.all), interaction, request, request.method.upper(),
                                   path_rules(request), bound)
            self.all.append(candidate)
            self.by_method.setdefault(candidate.method, []).append(candidate)

    def select(self, actual: Request) -> Selection:
        if not self.all:
            return Selection("not-found")
        method = actual.method.upper()
        same_method = self.by_method.get(method, [])
        tried: dict[int, RequestMatchResult] = {}
        for candidate in same_method:
            if not candidate.path_matches(actual.path):
                continue
            result = tried[candidate.order] = match_request(candidate.request, actual)
            if result.all_matched:
                return Selection("match", candidate.interaction, [], result)
        best: _Best | None = None
        for candidate in same_method:
            if candidate.order in tried:
                best = _consider(candidate, actual, tried[candidate.order], best, body_done=True)
        for candidate in self.all:
            if candidate.order in tried:
                continue
            # Not tried: its method or its path differs, so one of them scores -1.
            if best is not None and (candidate.bound < best[0] or
                                     (candidate.bound == best[0] and candidate.order > best[1])):
                continue
            best = _consider(candidate, actual, match_request_head(candidate.request, actual),
                             best, body_done=False)
        assert best is not None
        _, _, candidate, result = best
        if not result.method_matched or not result.path_matched:
            return Selection("not-found", None, [], result)
        return Selection("mismatch", candidate.interaction, result.mismatches, result)


def _consider(candidate: _Candidate, actual: Request, result: RequestMatchResult,
              best: _Best | None, *, body_done: bool) -> _Best | None:
    """Score one candidate; its body is compared only when it could still win."""
    if not body_done:
        ceiling = result.score()
        if best is not None and (ceiling < best[0] or
                                 (ceiling == best[0] and candidate.order > best[1])):
            return best
        match_request_body(candidate.request, actual, result)
    score = result.score()
    if best is None or score > best[0] or (score == best[0] and candidate.order < best[1]):
        return score, candidate.order, candidate, result
    return best


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
