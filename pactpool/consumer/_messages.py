"""A message's contents and metadata as a consumer's handler receives them.

Body generators run through the worker's own generator code (sans-IO), in consumer mode as
the mock server runs a response's, so a message and an HTTP response are generated alike.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from pactpool.consumer.interaction._base import Part
from pactpool.errors import PactDefinitionError


def message_contents(part: Part) -> tuple[str | bytes | None, dict[str, object]]:
    """(contents, metadata): JSON as its text, text as str, binary as bytes."""
    body = part.body
    metadata: dict[str, object] = json.loads(json.dumps(part.metadata))
    if body is None:
        return None, metadata
    if body.content_type and "contentType" not in metadata:
        metadata["contentType"] = body.content_type
    if body.kind == "binary":
        return bytes(body.content), metadata
    if body.kind == "text":
        return str(body.content), metadata
    generators = part.generators.get("body")
    if not generators:
        return orjson.dumps(body.content).decode(), metadata
    return generate_json(body.content, generators).decode(), metadata


def generate_json(document: Any, generators: dict[str, Any]) -> bytes:
    """`document` with each `path -> generator` applied, serialised as the server would."""
    from pactpool_worker.generators import GeneratorContext, compile_generator
    from pactpool_worker.generators.body import plan_json_body
    from pactpool_worker.generators.definitions import GeneratorDefinitionError
    from pactpool_worker.pact.jsonpath import PathSyntaxError, parse_path

    context = GeneratorContext.live()
    entries = []
    for path, definition in generators.items():
        try:
            entries.append((parse_path(path), compile_generator(definition, context)))
        except (GeneratorDefinitionError, PathSyntaxError) as exc:
            raise PactDefinitionError(f"message body generator at {path}: {exc}") from None
    template, plan = plan_json_body(document, entries)
    return plan.render() if plan is not None else orjson.dumps(template)
