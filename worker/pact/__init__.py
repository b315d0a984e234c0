"""The pact model: load and validate pact JSON V1 to V4, build actual requests from the wire."""

from pactpool_worker.pact.loader import (
    DEFAULT_SPEC_VERSION,
    load_pact,
    load_request,
    load_response,
)
from pactpool_worker.pact.message_loader import load_message
from pactpool_worker.pact.model import (
    HTTP_INTERACTION,
    Body,
    BodyState,
    Interaction,
    Message,
    Pact,
    Request,
    Response,
)
from pactpool_worker.pact.request_json import request_from_http, request_to_json
from pactpool_worker.pact.rule_loader import compile_rules
from pactpool_worker.pact.rules import MatchingRules, Rule, RuleCategory, RuleList, Variant

__all__ = [
    "DEFAULT_SPEC_VERSION",
    "HTTP_INTERACTION",
    "Body",
    "BodyState",
    "Interaction",
    "MatchingRules",
    "Message",
    "Pact",
    "Request",
    "Response",
    "Rule",
    "RuleCategory",
    "RuleList",
    "Variant",
    "compile_rules",
    "load_message",
    "load_pact",
    "load_request",
    "load_response",
    "request_from_http",
    "request_to_json",
]
