"""The pact model: load and validate pact JSON V1 to V4, build actual requests from the wire."""

from pactpool_worker.pact.loader import (
    DEFAULT_SPEC_VERSION,
    load_pact,
    load_request,
    load_response,
)
from pactpool_worker.pact.model import (
    HTTP_INTERACTION,
    Body,
    BodyState,
    Interaction,
    Pact,
    Request,
    Response,
)
from pactpool_worker.pact.rules import MatchingRules, Rule, RuleCategory, RuleList
from pactpool_worker.pact.wire import request_from_http, request_to_json

__all__ = [
    "DEFAULT_SPEC_VERSION",
    "HTTP_INTERACTION",
    "Body",
    "BodyState",
    "Interaction",
    "MatchingRules",
    "Pact",
    "Request",
    "Response",
    "Rule",
    "RuleCategory",
    "RuleList",
    "load_pact",
    "load_request",
    "load_response",
    "request_from_http",
    "request_to_json",
]
