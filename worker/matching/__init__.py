"""Sans-IO matching: (expected, actual) in, mismatches out; and interaction selection."""

from pactpool_worker.matching.example_check import check_example
from pactpool_worker.matching.message_match import match_message
from pactpool_worker.matching.mismatches import (
    BodyMismatch,
    BodyTypeMismatch,
    HeaderMismatch,
    MetadataMismatch,
    MethodMismatch,
    Mismatch,
    PathMismatch,
    QueryMismatch,
    StatusMismatch,
)
from pactpool_worker.matching.request import RequestMatchResult, match_request, match_response
from pactpool_worker.matching.selection import InteractionIndex, Selection, select_interaction

__all__ = [
    "BodyMismatch",
    "BodyTypeMismatch",
    "HeaderMismatch",
    "InteractionIndex",
    "MetadataMismatch",
    "MethodMismatch",
    "Mismatch",
    "PathMismatch",
    "QueryMismatch",
    "RequestMatchResult",
    "Selection",
    "StatusMismatch",
    "check_example",
    "match_message",
    "match_request",
    "match_response",
    "select_interaction",
]
