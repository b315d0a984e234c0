"""Message contents and metadata (V3 message pacts, V4 message interactions) into the model."""

from __future__ import annotations

from typing import Any

from pactpool_worker.errors import PactLoadError
from pactpool_worker.pact.body_bytes import load_body
from pactpool_worker.pact.model import Message
from pactpool_worker.pact.rule_loader import compile_rules

METADATA_CONTENT_TYPE_KEYS = ("contentType", "content-type", "Content-Type", "content_type")
"""Metadata keys that carry the contents' media type rather than a value to match."""


def load_message(obj: Any, spec_version: str, where: str) -> Message:
    """A message: `contents` (bare in V3, typed in V4), `metaData`/`metadata`, rules, generators."""
    if not isinstance(obj, dict):
        raise PactLoadError("a message must be a JSON object with 'contents'", where)
    meta_key = "metadata" if "metadata" in obj else "metaData"
    metadata = obj.get(meta_key) or {}
    if not isinstance(metadata, dict):
        raise PactLoadError("message metadata must be a JSON object", f"{where}.{meta_key}")
    content_type = message_content_type(metadata)
    contents = load_body(obj, content_type, spec_version, where, key="contents")
    rules = compile_rules(obj.get("matchingRules"), spec_version, f"{where}.matchingRules")
    generators = obj.get("generators")
    if generators is not None and not isinstance(generators, dict):
        raise PactLoadError("'generators' must be a JSON object", f"{where}.generators")
    return Message(contents, dict(metadata), rules, generators)


def message_content_type(metadata: dict[str, Any]) -> str | None:
    """The contents' media type as the metadata states it, if it does."""
    for key in METADATA_CONTENT_TYPE_KEYS:
        value = metadata.get(key)
        if isinstance(value, str) and value:
            return value
    return None
