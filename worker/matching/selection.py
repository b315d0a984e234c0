"""Choosing the interaction for an actual request.

A full match always wins; among several full matches the most specific one (the most expected
query parameters and headers, which is the reference's score of a full match), ties to the
first in pact order, so an interaction that also requires `Authorization` beats an earlier one
that names no headers. Otherwise the best score wins, ties to the first; if that best one
differs in method or path the request was not found, else it is a mismatch against that
interaction. An index built once per interaction list keeps this cheap: only interactions
with the request's method and path can match fully, so those are kept most specific first
and the first full match returns at once. Only a request that matches nothing pays for
scoring the rest, and even then a body is compared only when its interaction could still win
(a body can only lower a score), as is another method's interaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pactpool_worker.matching.mismatches import Diff
from pactpool_worker.matching.request import (
    RequestMatchResult,
    match_request,
    match_request_body,
    match_request_head,
    path_problems,
    path_rules,
)
from pactpool_worker.pact.model import BodyState, Interaction, Request
from pactpool_worker.pact.rules import RuleList


@dataclass(slots=True)
class Selection:
    """What the mock server should do with one request."""

    kind: Literal["match", "not-found", "mismatch"]
    interaction: Interaction | None = None
    mismatches: list[Diff] = field(default_factory=list)
    result: RequestMatchResult | None = None


@dataclass(slots=True)
class _Exact:
    """A rule-free, bodiless expected request's query and headers, for a proof of a full match.

    With no rules and no body, an actual request whose query map equals the expected one and
    whose headers hold exactly the expected values matches fully (the matcher's comparisons
    are all equalities after stripping and normalising, and equal texts pass them). Anything
    else is left to the full matcher, so this only ever skips work, never changes an answer.
    """

    query: dict[str, list[str | None]] | None
    headers: list[tuple[str, list[str]]]
    """(lower-cased name, expected values) per expected header."""

    result: RequestMatchResult
    """A full match's result (no mismatches anywhere): the same for every request, so shared;
    results are read, never changed, once selection is done."""

    def proves(self, actual: Request, lowered_headers: bool) -> bool:
        """True when `actual` certainly matches fully; False says nothing either way."""
        if (actual.query or None) != self.query:
            return False
        if self.headers:
            got = actual.headers
            if not lowered_headers or got is None:
                return False
            for name, values in self.headers:
                if got.get(name) != values:
                    return False
        return True


_UNSET: Any = object()


@dataclass(slots=True)
class _Candidate:
    order: int
    interaction: Interaction
    request: Request
    method: str
    path_rules: RuleList | None
    bound: int
    """The highest score this interaction can reach when its method or its path differs."""
    specificity: int
    """Expected query keys plus headers: a full match's score, less the 2 of method and path."""
    exact: _Exact | None = _UNSET
    """Set on first use when a full match can be proved by equality alone (see `_Exact`)."""

    def path_matches(self, path: str) -> bool:
        if self.path_rules is None:
            return self.request.path == path
        return not path_problems(self.request.path, self.path_rules, path)

    def proof(self) -> _Exact | None:
        """The data for a cheap proof of a full match, built on first use."""
        exact = self.exact
        if exact is _UNSET:
            exact = self.exact = _exact(self.request, self.path_rules)
        return exact


def _exact(request: Request, rules: RuleList | None) -> _Exact | None:
    """The equality proof's data, or None when rules, a body or V1 query order could matter."""
    matching = request.matching_rules
    if rules is not None or request.body.state is not BodyState.MISSING or \
            (request.strict_query and request.raw_query is not None):
        return None
    if matching is not None and any(
            (category := matching.category(name)) is not None and category.entries
            for name in ("path", "query", "header")):
        return None
    headers = request.headers or {}
    lowered = [(name.lower(), values) for name, values in headers.items()]
    if len({name for name, _ in lowered}) != len(lowered):
        return None  # one actual header checked twice: leave it to the matcher
    query = request.query or None
    return _Exact(query, lowered, RequestMatchResult(query={k: [] for k in query or ()},
                                                     headers={k: [] for k in headers}))


_Best = tuple[int, int, _Candidate, RequestMatchResult]


class InteractionIndex:
    """HTTP interactions grouped by method, with each one's score ceiling for other methods."""

    def __init__(self, interactions: Sequence[Interaction]) -> None:
        self.by_method: dict[str, list[_Candidate]] = {}
        self.all: list[_Candidate] = []
        self._by_route: dict[tuple[str, str], list[_Candidate]] = {}
        """Candidates without path rules by (method, path): their paths match by equality."""
        self._ruled: dict[str, list[_Candidate]] = {}
        """Candidates with path rules by method: their paths are checked against the rules."""
        for interaction in interactions:
            if not interaction.is_http:
                continue
            request = interaction.request
            assert request is not None
            # method or path -1, the other at most +1, each query key / header at most +1, body <= 0
            specificity = len(request.query or {}) + len(request.headers or {})
            bound = -1 + 1 + specificity
            rules = path_rules(request)
            candidate = _Candidate(len(self.all), interaction, request, request.method.upper(),
                                   rules, bound, specificity)
            self.all.append(candidate)
            self.by_method.setdefault(candidate.method, []).append(candidate)
            if rules is None:
                self._by_route.setdefault((candidate.method, request.path), []).append(candidate)
            else:
                self._ruled.setdefault(candidate.method, []).append(candidate)
        for routed in self._by_route.values():
            routed.sort(key=_most_specific_first)

    def select(self, actual: Request, *, lowered_headers: bool = False) -> Selection:
        """The interaction for `actual`, as described in the module docstring.

        `lowered_headers`: the caller promises that `actual`'s header names are lower case
        (`request_from_http` makes them so), which lets a plain full match skip the matcher.
        """
        if not self.all:
            return Selection("not-found")
        method = actual.method.upper()
        tried: dict[int, RequestMatchResult] = {}
        routed = self._by_route.get((method, actual.path), _NONE) if not self._ruled else \
            self._routed(method, actual.path)
        for candidate in routed:
            exact = candidate.exact
            if exact is _UNSET:
                exact = candidate.proof()
            if exact is not None and exact.proves(actual, lowered_headers):
                return Selection("match", candidate.interaction, [], exact.result)
            result = match_request(candidate.request, actual)
            if result.all_matched:
                return Selection("match", candidate.interaction, [], result)
            tried[candidate.order] = result
        same_method = self.by_method.get(method, [])
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

    def _routed(self, method: str, path: str) -> list[_Candidate]:
        """The candidates whose method and path match, most specific first."""
        routed = self._by_route.get((method, path), _NONE)
        ruled = self._ruled.get(method)
        if ruled is None:
            return routed
        return sorted([*routed, *(c for c in ruled if c.path_matches(path))],
                      key=_most_specific_first)


def _most_specific_first(candidate: _Candidate) -> tuple[int, int]:
    """The order full matches are tried in: the first full match is then the one to serve."""
    return -candidate.specificity, candidate.order


_NONE: list[_Candidate] = []


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
