"""Matching one expected request (or response) against an actual one."""

from __future__ import annotations

from dataclasses import dataclass, field

from pactpool_worker.matching.body_dispatch import match_body
from pactpool_worker.matching.headers import match_headers
from pactpool_worker.matching.mismatches import (
    BodyDiff,
    BodyTypeDiff,
    Diff,
    HeaderDiff,
    MethodDiff,
    PathDiff,
    QueryDiff,
    StatusDiff,
)
from pactpool_worker.matching.query import match_query, match_raw_query
from pactpool_worker.matching.rule_context import context_for
from pactpool_worker.matching.value_rules import combine, match_string
from pactpool_worker.pact.model import Request, Response
from pactpool_worker.pact.rules import RuleList


@dataclass(slots=True)
class RequestMatchResult:
    """The outcome per part, kept grouped the way the reference scores it."""

    method_mismatch: MethodDiff | None = None
    path_mismatches: list[PathDiff] = field(default_factory=list)
    query: dict[str, list[QueryDiff]] = field(default_factory=dict)
    headers: dict[str, list[HeaderDiff]] = field(default_factory=dict)
    body_type_mismatch: BodyTypeDiff | None = None
    body: list[BodyDiff] = field(default_factory=list)

    @property
    def method_matched(self) -> bool:
        return self.method_mismatch is None

    @property
    def path_matched(self) -> bool:
        return not self.path_mismatches

    @property
    def mismatches(self) -> list[Diff]:
        """Query, header and body mismatches (method and path are reported separately)."""
        out: list[Diff] = []
        for items in self.query.values():
            out.extend(items)
        for hitems in self.headers.values():
            out.extend(hitems)
        if self.body_type_mismatch is not None:
            out.append(self.body_type_mismatch)
        out.extend(self.body)
        return out

    @property
    def all_matched(self) -> bool:
        return (self.method_mismatch is None and not self.path_mismatches
                and self.body_type_mismatch is None and not self.body
                and all(not m for m in self.query.values())
                and all(not m for m in self.headers.values()))

    def score(self) -> int:
        """The reference's score: ±1 for method, path, each query key and each header; -1 per
        body path with a mismatch (or for a body type mismatch)."""
        score = 1 if self.method_mismatch is None else -1
        score += 1 if not self.path_mismatches else -1
        score += sum(1 if not m else -1 for m in self.query.values())
        score += sum(1 if not m else -1 for m in self.headers.values())
        if self.body_type_mismatch is not None:
            score -= 1
        else:
            score -= len({m.path for m in self.body})
        return score


def match_request(expected: Request, actual: Request) -> RequestMatchResult:
    """Compare every part; request bodies allow no unexpected keys."""
    result = match_request_head(expected, actual)
    match_request_body(expected, actual, result)
    return result


def match_request_head(expected: Request, actual: Request) -> RequestMatchResult:
    """Method, path, query and headers: the cheap parts (selection can stop before the body)."""
    rules = expected.matching_rules
    result = RequestMatchResult()
    if expected.method.upper() != actual.method.upper():
        result.method_mismatch = MethodDiff(expected.method, actual.method)
    result.path_mismatches = match_path(expected, actual)
    result.query = match_query(expected.query, actual.query,
                               context_for(rules, "query", allow_unexpected=False))
    if expected.strict_query and expected.raw_query is not None and not any(result.query.values()):
        raw = match_raw_query(expected.raw_query, actual.raw_query)
        if raw is not None:
            result.query[""] = [raw]
    header_ctx = context_for(rules, "header", allow_unexpected=False)
    result.headers = match_headers(expected.headers, actual.headers, header_ctx)
    return result


def match_request_body(expected: Request, actual: Request, result: RequestMatchResult) -> None:
    """Fill in the body part of `result` (a body can only lower a request's score)."""
    rules = expected.matching_rules
    result.body_type_mismatch, result.body = match_body(
        expected.body, actual.body, context_for(rules, "body", allow_unexpected=False),
        context_for(rules, "header", allow_unexpected=False))


def match_path(expected: Request, actual: Request) -> list[PathDiff]:
    """The path by equality, or by the `path` rules when the pact has any."""
    messages = path_problems(expected.path, path_rules(expected), actual.path)
    return [PathDiff(expected.path, actual.path, m) for m in messages]


def path_rules(expected: Request) -> RuleList | None:
    category = expected.matching_rules.category("path") if expected.matching_rules else None
    return category.exact() if category is not None else None


def path_problems(expected: str, rules: RuleList | None, actual: str) -> list[str]:
    if rules is None:
        return [] if expected == actual else [f"Expected '{actual}' to be equal to '{expected}'"]
    return combine(rules, lambda r: match_string(r, expected, actual, False))


def match_response(expected: Response, actual: Response) -> list[Diff]:
    """Body, status and header mismatches; response bodies allow unexpected keys."""
    rules = expected.matching_rules
    header_ctx = context_for(rules, "header", allow_unexpected=False)
    type_mismatch, body = match_body(expected.body, actual.body,
                                     context_for(rules, "body", allow_unexpected=True), header_ctx)
    out: list[Diff] = []
    if type_mismatch is not None:
        out.append(type_mismatch)
    out.extend(body)
    out.extend(_match_status(expected, actual))
    for items in match_headers(expected.headers, actual.headers, header_ctx).values():
        out.extend(items)
    return out


def _match_status(expected: Response, actual: Response) -> list[StatusDiff]:
    category = expected.matching_rules.category("status") if expected.matching_rules else None
    rule_list = category.exact() if category is not None else None
    if rule_list is None:
        if expected.status == actual.status:
            return []
        return [StatusDiff(expected.status, actual.status,
                               f"expected {expected.status} but was {actual.status}")]
    messages = combine(rule_list, lambda r: match_string(r, str(expected.status),
                                                         str(actual.status), False))
    return [StatusDiff(expected.status, actual.status, m) for m in messages]
