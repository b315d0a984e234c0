"""Sans-IO matching: (expected, actual) in, mismatches out; and interaction selection."""

from pactpool_worker.matching.example_check import check_example
from pactpool_worker.matching.message_match import match_message
from pactpool_worker.matching.mismatches import (
    BodyDiff,
    BodyTypeDiff,
    Diff,
    HeaderDiff,
    MetadataDiff,
    MethodDiff,
    PathDiff,
    QueryDiff,
    StatusDiff,
    diff_from_json,
)
from pactpool_worker.matching.request import RequestMatchResult, match_request, match_response
from pactpool_worker.matching.selection import InteractionIndex, Selection, select_interaction

__all__ = [
    "BodyDiff",
    "BodyTypeDiff",
    "Diff",
    "HeaderDiff",
    "InteractionIndex",
    "MetadataDiff",
    "MethodDiff",
    "PathDiff",
    "QueryDiff",
    "RequestMatchResult",
    "Selection",
    "StatusDiff",
    "check_example",
    "diff_from_json",
    "match_message",
    "match_request",
    "match_response",
    "select_interaction",
]
