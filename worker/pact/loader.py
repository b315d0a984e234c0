"""Load and validate pact JSON (V1 to V4) into the model; every refusal names its JSON path."""

from __future__ import annotations

from typing import Any

import orjson

from pactpool_worker.errors import PactLoadError
from pactpool_worker.pact.body_bytes import load_body
from pactpool_worker.pact.jsonpath import PathSyntaxError, field_path, parse_path
from pactpool_worker.pact.load_notes import collecting, lenient_regexes, warn
from pactpool_worker.pact.message_loader import load_message
from pactpool_worker.pact.model import (
    HTTP_INTERACTION,
    Interaction,
    Message,
    Pact,
    Request,
    Response,
)
from pactpool_worker.pact.parts import MULTI_VALUE_HEADERS, parse_query_string
from pactpool_worker.pact.rule_loader import compile_rules
from pactpool_worker.pact.rules import MatchingRules

DEFAULT_SPEC_VERSION = "3.0.0"
"""Used when a pact names no version: the reference assumes V3 then, and so do we."""

ASYNC_MESSAGES = "Asynchronous/Messages"
SYNC_MESSAGES = "Synchronous/Messages"
INTERACTION_TYPES = frozenset({HTTP_INTERACTION, ASYNC_MESSAGES, SYNC_MESSAGES})
_HTTP_METHODS_OK = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ-_!#$%&'*+.^`|~0123456789")
_COMMON_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


def load_pact(source: str | bytes | dict[str, Any]) -> Pact:
    """Parse (when text) and validate a pact document; raise PactLoadError when it cannot be
    served. Quirks of other writers are read as the reference reads them, each noted in
    `Pact.warnings` (see docs/compatibility.md)."""
    with collecting() as warnings:
        pact = _load_document(source)
    pact.warnings = warnings
    return pact


def _load_document(source: str | bytes | dict[str, Any]) -> Pact:
    if isinstance(source, dict):
        doc = source
    else:
        try:
            doc = orjson.loads(source)
        except orjson.JSONDecodeError as exc:
            raise PactLoadError(_not_json(source, exc), "$") from None
    if not isinstance(doc, dict):
        raise PactLoadError("a pact must be a JSON object with consumer, provider and "
                               "interactions", "$")
    metadata = doc.get("metadata") or {}
    if "metadata" not in doc:
        warn("$", "the pact has no metadata; read as a V3 pact, as the reference does")
    if not isinstance(metadata, dict):
        raise PactLoadError("'metadata' must be a JSON object", "$.metadata")
    spec = spec_version_of(metadata)
    consumer = _party(doc, "consumer")
    provider = _party(doc, "provider")

    key = "interactions"
    items = doc.get("interactions")
    if items is None and spec.startswith("3") and isinstance(doc.get("messages"), list):
        key, items = "messages", doc["messages"]
    if items is None:  # the reference serves it, with no interactions
        warn("$", "the pact has no 'interactions' list; served with none")
        items = []
    if not isinstance(items, list):
        raise PactLoadError("'interactions' must be a list", f"$.{key}")
    interactions = [_interaction(i, item, spec, f"$.{key}[{i}]", key == "messages")
                    for i, item in enumerate(items)]
    return Pact(consumer, provider, spec, interactions, metadata, doc)


def _not_json(source: str | bytes, exc: orjson.JSONDecodeError) -> str:
    """Why the text is not a pact: bytes that are not UTF-8 say which byte and where (orjson
    would say "surrogates not allowed" of any bad byte)."""
    if isinstance(source, bytes):
        try:
            source.decode("utf-8")
        except UnicodeDecodeError as bad:
            line = source.count(b"\n", 0, bad.start) + 1
            return (f"the pact is not valid UTF-8: byte 0x{source[bad.start]:02x} at offset "
                    f"{bad.start} (line {line}) is {bad.reason}")
    return f"the pact is not valid JSON: {exc}"


def spec_version_of(metadata: dict[str, Any]) -> str:
    """The normalised spec version ("1.0.0", "1.1.0", "2.0.0", "3.0.0" or "4.0")."""
    where = "$.metadata"
    raw: Any = None
    for name in ("pactSpecification", "pact-specification"):
        block = metadata.get(name)
        if isinstance(block, dict) and "version" in block:
            raw, where = block["version"], f"$.metadata.{name}.version"
            break
    if raw is None and "pactSpecificationVersion" in metadata:
        raw, where = metadata["pactSpecificationVersion"], "$.metadata.pactSpecificationVersion"
    if raw is None:
        return DEFAULT_SPEC_VERSION
    version = normalise_version(str(raw))
    if version is None:  # the reference loads it as V3 too, with a warning
        warn(where, f"unsupported pact specification version '{raw}' (pactpool reads 1.0.0, "
                    "1.1.0, 2.0.0, 3.0.0 and 4.0); read as 3.0.0, as the reference does")
        return DEFAULT_SPEC_VERSION
    return version


def normalise_version(raw: str) -> str | None:
    """Map `"1"`, `"v2.0"`, `"3.0.0"` and friends to the canonical versions; None if unknown."""
    text = raw.strip().lower().lstrip("v")
    parts = text.split(".")
    if not parts or not parts[0].isdigit():
        return None
    major = parts[0]
    minor = parts[1] if len(parts) > 1 and parts[1].isdigit() else "0"
    if major == "1":
        return "1.1.0" if minor == "1" else "1.0.0"
    return {"2": "2.0.0", "3": "3.0.0", "4": "4.0"}.get(major)


def _party(doc: dict[str, Any], role: str) -> str:
    party = doc.get(role)
    if party is None:
        return ""
    if not isinstance(party, dict) or not isinstance(party.get("name", ""), str):
        raise PactLoadError(f"'{role}' must be an object with a 'name' string",
                               f"$.{role}")
    return str(party.get("name", ""))


def _interaction(index: int, item: Any, spec: str, where: str, is_message: bool) -> Interaction:
    if not isinstance(item, dict):
        raise PactLoadError("an interaction must be a JSON object", where)
    description = item.get("description", "")
    if not isinstance(description, str):
        raise PactLoadError("'description' must be a string", f"{where}.description")
    states = _provider_states(item, where)
    kind = item.get("type")
    if is_message:
        kind = ASYNC_MESSAGES
    elif kind is None:
        kind = HTTP_INTERACTION if "request" in item or not spec.startswith("4") else None
        if kind is None:
            raise PactLoadError("a V4 interaction needs a 'type' (e.g. \"Synchronous/HTTP\")",
                                   f"{where}.type")
    if kind not in INTERACTION_TYPES:
        raise PactLoadError(f"unknown interaction type '{kind}' (expected one of "
                               f"{', '.join(sorted(INTERACTION_TYPES))})", f"{where}.type")
    interaction = Interaction(index, description, states, kind, None, None, item,
                              **_v4_fields(item, where))
    if kind == HTTP_INTERACTION:
        req = item.get("request")
        if not isinstance(req, dict):
            raise PactLoadError("an HTTP interaction needs a 'request' object",
                                   f"{where}.request")
        # Like the reference, a request without method or path means GET and "/".
        interaction.request = load_request(req, spec, f"{where}.request")
        resp = item.get("response")
        if not isinstance(resp, dict):
            raise PactLoadError("an HTTP interaction needs a 'response' object",
                                   f"{where}.response")
        with lenient_regexes():  # a mock server never evaluates a response's rules
            interaction.response = load_response(resp, spec, f"{where}.response")
        _final_status(interaction.response, description, f"{where}.response")
    elif kind == ASYNC_MESSAGES:
        with lenient_regexes():  # nor a message's
            interaction.message = load_message(item, spec, where)
    else:
        with lenient_regexes():
            interaction.message, interaction.replies = _sync_messages(item, spec, where)
    return interaction


def _final_status(response: Response, description: str, where: str) -> None:
    """A served status must be final: after a 1xx the client waits for the real answer for
    ever (RFC 9110 15.2). A status generator's range is checked with the generators."""
    if response.status < 200 and not (response.generators or {}).get("status"):
        raise PactLoadError(f"interaction '{description}': response status {response.status} "
                            "is informational (1xx), never a final response; use 200-599",
                            f"{where}.status")


_NO_V4_FIELDS: dict[str, Any] = {}


def _v4_fields(item: dict[str, Any], where: str) -> dict[str, Any]:
    """`key`, `pending`, `comments` and `pluginConfiguration`: stored, never used to match."""
    if "key" not in item and "pending" not in item and "comments" not in item and \
            "pluginConfiguration" not in item:
        return _NO_V4_FIELDS  # most pacts: the model's defaults
    key = item.get("key")
    if key is not None and not isinstance(key, str):
        raise PactLoadError("'key' must be a string", f"{where}.key")
    pending = item.get("pending", False)
    if not isinstance(pending, bool):
        raise PactLoadError("'pending' must be true or false", f"{where}.pending")
    comments = item.get("comments")
    if comments is not None and not isinstance(comments, dict):
        raise PactLoadError("'comments' must be a JSON object", f"{where}.comments")
    plugin = item.get("pluginConfiguration")
    if plugin is not None and not isinstance(plugin, dict):
        raise PactLoadError("'pluginConfiguration' must be a JSON object",
                               f"{where}.pluginConfiguration")
    return {"key": key, "pending": pending, "comments": comments,
            "plugin_configuration": plugin}


def _sync_messages(item: dict[str, Any], spec: str, where: str) -> tuple[Message, list[Message]]:
    request = load_message(item.get("request") or {}, spec, f"{where}.request")
    responses = item.get("response") or []
    if isinstance(responses, dict):
        responses = [responses]
    if not isinstance(responses, list):
        raise PactLoadError("a synchronous message's 'response' must be a list of messages",
                               f"{where}.response")
    return request, [load_message(r, spec, f"{where}.response[{i}]")
                     for i, r in enumerate(responses)]


def _provider_states(item: dict[str, Any], where: str) -> list[dict[str, Any]]:
    states = item.get("providerStates")
    if isinstance(states, str) or (isinstance(states, list) and
                                   any(isinstance(s, str) for s in states)):
        warn(f"{where}.providerStates", "provider states given as names, not objects with a "
                                        "'name'; read as names")
        states = [{"name": s} if isinstance(s, str) else s for s in
                  ([states] if isinstance(states, str) else states)]
    if states is not None:
        if not isinstance(states, list) or not all(isinstance(s, dict) for s in states):
            raise PactLoadError("'providerStates' must be a list of objects with a 'name'",
                                   f"{where}.providerStates")
        return [dict(s) for s in states]
    state = item.get("providerState", item.get("provider_state"))
    if state is None:
        return []
    if not isinstance(state, str):
        raise PactLoadError("'providerState' must be a string", f"{where}.providerState")
    return [{"name": state}]


def load_request(obj: dict[str, Any], spec_version: str, json_path: str = "$") -> Request:
    """A request object of a pact (or of a spec case); missing method/path default to GET and /."""
    if not isinstance(obj, dict):
        raise PactLoadError("a request must be a JSON object", json_path)
    method = obj.get("method", "GET")
    if not isinstance(method, str) or (method.upper() not in _COMMON_METHODS and (
            not method or not set(method.upper()) <= _HTTP_METHODS_OK)):
        raise PactLoadError(
            f"request method must be an HTTP method like \"GET\", not {method!r}",
            f"{json_path}.method")
    path = obj.get("path", "/")
    if not isinstance(path, str):
        raise PactLoadError(f"request path must be a string like \"/users\", not {path!r}",
                               f"{json_path}.path")
    query, raw_query = _query(obj.get("query"), json_path)
    headers, content_type = _headers(obj.get("headers"), json_path)
    body = load_body(obj, content_type, spec_version, json_path)
    rules = _rules(obj, spec_version, json_path)
    return Request(method=method.upper(), path=path, query=query, headers=headers, body=body,
                   matching_rules=rules, generators=_generators(obj, json_path),
                   raw_query=raw_query, strict_query=spec_version == "1.0.0")


def load_response(obj: dict[str, Any], spec_version: str, json_path: str = "$") -> Response:
    """A response object of a pact (or of a spec case); a missing status defaults to 200."""
    if not isinstance(obj, dict):
        raise PactLoadError("a response must be a JSON object", json_path)
    status = obj.get("status", 200)
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if _generated_status(obj, status):
        warn(f"{json_path}.status", f"status {status} is no HTTP status; the status "
                                    "generator's value is served")
    elif isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise PactLoadError(f"response status must be an HTTP status code (100-599), not "
                               f"{status!r}", f"{json_path}.status")
    headers, content_type = _headers(obj.get("headers"), json_path)
    body = load_body(obj, content_type, spec_version, json_path)
    rules = _rules(obj, spec_version, json_path)
    return Response(status=status, headers=headers, body=body, matching_rules=rules,
                    generators=_generators(obj, json_path))


def _generated_status(obj: dict[str, Any], status: Any) -> bool:
    """An out-of-range integer status that a status generator replaces (seen in real pacts)."""
    generators = obj.get("generators")
    return isinstance(status, int) and not isinstance(status, bool) and \
        not 100 <= status <= 599 and isinstance(generators, dict) and \
        bool(generators.get("status"))


def _rules(obj: dict[str, Any], spec_version: str, json_path: str) -> MatchingRules | None:
    raw = obj.get("matchingRules")
    if raw is None:  # early Pact-JVM V3 names; the reference reads them too
        for old in ("requestMatchingRules", "responseMatchingRules"):
            if old in obj:
                warn(f"{json_path}.{old}", f"'{old}' read as 'matchingRules'")
                return compile_rules(obj[old], spec_version, f"{json_path}.{old}")
        return None
    return compile_rules(raw, spec_version, f"{json_path}.matchingRules")


def _query(raw: Any, json_path: str) -> tuple[dict[str, list[str | None]] | None, str | None]:
    """The query as a map of value lists, and the query string when the pact gives one."""
    if raw is None:
        return None, None
    where = f"{json_path}.query"
    if isinstance(raw, str):
        return parse_query_string(raw), raw
    if isinstance(raw, dict):
        query: dict[str, list[str | None]] = {}
        for name, values in raw.items():
            if isinstance(values, str) or values is None:
                query[name] = [values]
            elif isinstance(values, list) and _strings_or_nulls(values):
                query[name] = list(values)
            else:
                raise PactLoadError(f"query parameter '{name}' must be a string or a list of "
                                       "strings", f"{where}.{name}")
        return query, None
    raise PactLoadError("'query' must be a query string or an object of lists", where)


def _strings_or_nulls(values: list[Any]) -> bool:
    return all(value is None or isinstance(value, str) for value in values)


def _headers(raw: Any, json_path: str) -> tuple[dict[str, list[str]] | None, str | None]:
    """The headers as value lists, and the Content-Type among them (joined), if any."""
    if raw is None:
        return None, None
    where = f"{json_path}.headers"
    if not isinstance(raw, dict):
        raise PactLoadError("'headers' must be a JSON object", where)
    headers: dict[str, list[str]] = {}
    content_type: str | None = None
    seen_type = False  # the first Content-Type header counts, as in the reference
    for name, value in raw.items():
        lname = name.lower()
        if isinstance(value, str):
            values = ([v.strip() for v in value.split(",") if v.strip()] or [value.strip()]
                      if lname in MULTI_VALUE_HEADERS else [value.strip()])
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            values = [v.strip() for v in value]
        else:  # the reference writes any other JSON value as its JSON text
            warn(f"{where}.{name}", f"header '{name}' is not a string; served as the JSON "
                                    "text of its value")
            values = [v if isinstance(v, str) else orjson.dumps(v).decode()
                      for v in (value if isinstance(value, list) else [value])]
        headers[name] = values
        if lname == "content-type" and not seen_type:
            content_type = ", ".join(values) if values else None
            seen_type = True
    return headers, content_type


def _generators(obj: dict[str, Any], where: str) -> dict[str, Any] | None:
    generators = obj.get("generators")
    if generators is None:
        return None
    if not isinstance(generators, dict):
        raise PactLoadError("'generators' must be a JSON object", f"{where}.generators")
    body = generators.get("body")
    if isinstance(body, dict) and any(not str(key).startswith("$") for key in body):
        generators = {**generators, "body": {_rooted(str(key), f"{where}.generators.body"):
                                             definition for key, definition in body.items()}}
    return generators


def _rooted(key: str, where: str) -> str:
    """A body generator path written without `$` (`data.time.*`, `column:3`), rooted."""
    if key.startswith("$"):
        return key
    try:
        rooted = parse_path(f"$.{key}").expr
    except PathSyntaxError:
        rooted = field_path(key).expr
    warn(f"{where}.{key}", f"generator path without '$'; read as '{rooted}'")
    return rooted
