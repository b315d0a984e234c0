"""Pact JSON from declared interactions, in pact-reference's own layout for each spec version.

- V1/V1.1: no matching rules or generators (the versions have none); `providerState`, query
  as a string, header values joined with ", ".
- V2: flat `matchingRules` keyed by prefixed paths (`$.body.id`, `$.headers.Accept`,
  `$.query.q`, `$.path`), one rule per path (the first of a list, as pact-reference writes
  it); no generators.
- V3: rules and generators per category; `providerStates` with params; a pact of messages
  is written as `messages: [...]` (V3 cannot mix messages with HTTP interactions).
- V4: every interaction has a `type`; bodies are `{"content", "contentType", "encoded"}`;
  headers keep a list of values; `pending`, `key` and `comments` are written.

Built in one pass over plain dicts, so declaring a pact costs microseconds.
"""

from __future__ import annotations

import base64
import enum
import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pactpool.errors import PactDefinitionError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pactpool.consumer.interaction._base import Body, Interaction, Part


class Specification(str, enum.Enum):
    """A Pact specification version (`str()` gives `V4`, `version` gives `4.0`)."""

    V1 = "V1"
    V1_1 = "V1_1"
    V2 = "V2"
    V3 = "V3"
    V4 = "V4"

    def __str__(self) -> str:
        return self.name

    @property
    def rank(self) -> int:
        """1 to 4 (V1.1 counts as 1), for comparing versions."""
        return int(self.value[1])

    @property
    def version(self) -> str:
        """The version as pact files write it in `metadata.pactSpecification.version`."""
        return _VERSION_TEXT[self]

    @classmethod
    def parse(cls, value: object) -> Specification:
        """`V4`, `v3`, `4`, `4.0`, `3.0.0`, `V1.1`, `1_1`, or a pact_ffi `PactSpecification`."""
        if isinstance(value, Specification):
            return value
        if not isinstance(value, str):
            name = getattr(value, "name", None)  # pact_ffi.PactSpecification and its kin
            if isinstance(name, str) and type(value).__name__ == "PactSpecification":
                value = name
            else:
                raise TypeError(f"a specification version must be a str such as 'V4', not "
                                f"{type(value).__name__}")
        match = _VERSION.fullmatch(value.strip())
        if match:
            key = match.group(1) + ("_1" if match.group(2) == "1" else "")
            if match.group(2) in (None, "0", "1") and (match.group(2) != "1" or key == "1_1") \
                    and "V" + key in cls.__members__:
                return cls["V" + key]
        raise PactDefinitionError(
            f"unknown Pact specification version {value!r}: use V1, V1.1, V2, V3 or V4 "
            "(V4 is the default)")


_VERSION = re.compile(r"[vV]?([1-4])(?:[._](\d+)(?:[._]0)?)?")
_VERSION_TEXT = {Specification.V1: "1.0.0", Specification.V1_1: "1.1.0",
                 Specification.V2: "2.0.0", Specification.V3: "3.0.0", Specification.V4: "4.0"}
_TYPES = {"HTTP": "Synchronous/HTTP", "Async": "Asynchronous/Messages",
          "Sync": "Synchronous/Messages"}


def check_kinds(spec: Specification, kinds: Iterable[str]) -> None:
    """Raise PactDefinitionError when `spec` cannot hold interactions of these kinds."""
    present = set(kinds)
    messages = present & {"Async", "Sync"}
    if messages and spec in (Specification.V1, Specification.V1_1, Specification.V2):
        raise PactDefinitionError(
            f"a {spec} pact cannot hold message interactions (messages came with V3); "
            "use with_specification('V4')")
    if spec is Specification.V3:
        if "Sync" in present:
            raise PactDefinitionError(
                "synchronous messages need a V4 pact; use with_specification('V4')")
        if messages and "HTTP" in present:
            raise PactDefinitionError(
                "a V3 pact holds either HTTP interactions or messages, not both; use "
                "with_specification('V4') or two pacts")


def pact_json(consumer: str, provider: str, spec: Specification,
              metadata: dict[str, dict[str, Any]], interactions: list[Interaction]
              ) -> dict[str, Any]:
    """The whole pact document."""
    check_kinds(spec, (i.kind for i in interactions))
    _check_unique(interactions)
    items = [interaction_json(i, spec) for i in interactions]
    as_messages = spec is Specification.V3 and bool(interactions) and \
        all(i.kind != "HTTP" for i in interactions)
    meta: dict[str, Any] = {name: dict(values) for name, values in metadata.items()}
    meta["pactSpecification"] = {"version": spec.version}
    return {"consumer": {"name": consumer}, "provider": {"name": provider},
            "messages" if as_messages else "interactions": items, "metadata": meta}


def _check_unique(interactions: list[Interaction]) -> None:
    seen: set[tuple[Any, ...]] = set()
    for interaction in interactions:
        identity: tuple[Any, ...] = ("key", interaction.key) if interaction.key else (
            interaction.kind, interaction.description,
            tuple(s["name"] for s in interaction._states))
        if identity in seen:
            raise PactDefinitionError(
                f"two {interaction.kind} interactions are both described as "
                f"{interaction.description!r} with the same provider states; a pact file "
                "would keep only one of them: give each its own description (or set_key)")
        seen.add(identity)


def interaction_json(interaction: Interaction, spec: Specification) -> dict[str, Any]:
    """One interaction as `spec` writes it."""
    out: dict[str, Any] = {}
    v4 = spec is Specification.V4
    if v4:
        out["type"] = _TYPES[interaction.kind]
    out["description"] = interaction.description
    states = interaction._states
    if states:
        if spec.rank >= 3:
            out["providerStates"] = [dict(s) for s in states]
        else:
            out["providerState"] = states[0]["name"]
    if v4:
        out["pending"] = interaction.pending
        if interaction.key:
            out["key"] = interaction.key
        if interaction._comments:
            out["comments"] = json.loads(json.dumps(interaction._comments))
    kind = interaction.kind
    if kind == "HTTP":
        out["request"] = _http_part(interaction.request, spec, True)  # type: ignore[attr-defined]
        out["response"] = _http_part(interaction.response, spec, False)  # type: ignore[attr-defined]
    elif kind == "Async":
        out.update(_message(interaction.message, spec))  # type: ignore[attr-defined]
    else:
        out["request"] = _message(interaction.request, spec)  # type: ignore[attr-defined]
        response = interaction.response  # type: ignore[attr-defined]
        out["response"] = [] if response is None else [_message(response, spec)]
    return out


# -- HTTP parts ------------------------------------------------------------------------------


def _http_part(part: Any, spec: Specification, is_request: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if is_request:
        out["method"] = part.method
        out["path"] = part.path
        if part.query:
            out["query"] = _query(part.query, spec)
    else:
        out["status"] = part.status
    headers = _headers(part, spec)
    if headers:
        out["headers"] = headers
    if part.body is not None:
        out["body"] = _body(part.body, spec)
    _rules_and_generators(out, part, spec)
    return out


def _query(query: dict[str, list[str | None]], spec: Specification) -> Any:
    if spec.rank >= 3:
        return {name: list(values) for name, values in query.items()}
    pairs = []
    for name in sorted(query):
        for value in query[name]:
            key = quote(name, safe="")
            pairs.append(key if value is None else f"{key}={quote(value, safe='')}")
    return "&".join(pairs)


def _headers(part: Part, spec: Specification) -> dict[str, Any]:
    headers: dict[str, Any] = dict(part.headers)
    body = part.body
    if body is not None and body.content_type and part.content_type_header() is None:
        headers["Content-Type"] = [body.content_type]
    if spec is Specification.V4:
        return {name: list(values) for name, values in headers.items()}
    return {name: ", ".join(values) for name, values in headers.items()}


def _body(body: Body, spec: Specification) -> Any:
    content = body.content
    if body.kind == "json" and isinstance(content, str):
        content = json.dumps(content)  # a JSON string body: keep its quotes
    if spec is Specification.V4:
        out: dict[str, Any] = {}
        if body.kind == "binary":
            out["content"] = base64.b64encode(content).decode("ascii")
        else:
            out["content"] = content
        if body.content_type:
            out["contentType"] = body.content_type
        out["encoded"] = "base64" if body.kind == "binary" else False
        return out
    if body.kind == "binary":
        return _binary_text(bytes(content), body.content_type, spec)
    return content


def _binary_text(content: bytes, content_type: str | None, spec: Specification) -> str:
    """Bytes in a V1-V3 pact, which has text bodies only: as pact-reference writes them,
    base64 for a binary content type (readers decode it when the Content-Type is not
    text), the text itself for text and multipart types."""
    from pactpool_worker.pact.content_type import parse_content_type

    parsed = parse_content_type(content_type)
    if parsed is None or parsed.is_binary():
        return base64.b64encode(content).decode("ascii")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        if parsed.is_multipart():
            return base64.b64encode(content).decode("ascii")
        raise PactDefinitionError(
            f"a {spec} pact writes bodies as text, and these bytes, declared as "
            f"{content_type}, are not UTF-8; declare a binary content type, or use a V4 pact "
            "(with_specification('V4')), which keeps bytes as base64") from None


# -- messages --------------------------------------------------------------------------------


def _message(part: Part, spec: Specification) -> dict[str, Any]:
    out: dict[str, Any] = {}
    body = part.body
    if body is not None:
        out["contents"] = _body(body, spec)
    metadata = dict(part.metadata)
    if body is not None and body.content_type and "contentType" not in metadata:
        metadata["contentType"] = body.content_type
    out["metadata"] = metadata
    _rules_and_generators(out, part, spec)
    return out


# -- rules and generators --------------------------------------------------------------------


def _rule_list(rule: Any) -> Any:
    if isinstance(rule, dict) and "matchers" not in rule and "match" in rule:
        return {"combine": "AND", "matchers": [rule]}
    return rule


def _rules_and_generators(out: dict[str, Any], part: Part, spec: Specification) -> None:
    if spec.rank < 2:
        return
    if part.rules:
        if spec is Specification.V2:
            flat = _v2_rules(part.rules, part)
            if flat:
                out["matchingRules"] = flat
        else:
            rules: dict[str, Any] = {}
            for category, entries in part.rules.items():
                if category == "path":
                    rules[category] = _rule_list(entries)
                elif entries:
                    rules[category] = {k: _rule_list(v) for k, v in entries.items()}
            out["matchingRules"] = rules
    if part.generators and spec.rank >= 3:
        out["generators"] = json.loads(json.dumps(part.generators))


def _first(rule: Any) -> Any:
    if isinstance(rule, dict) and "matchers" in rule:
        matchers = rule.get("matchers") or []
        return dict(matchers[0]) if matchers else None
    return rule


_INDEXED = re.compile(r"(.*)\[(\d+)\]")


def _v2_name_path(prefix: str, key: str, names: Iterable[str]) -> str:
    """`$.headers.Accept`, `$.headers['X-Id']`, `$.query['ids[]'][1]`: a header or query rule's
    V2 path, the name in brackets unless it is an identifier (as pact_ffi writes it)."""
    from pactpool.consumer._split import field_path

    indexed = _INDEXED.fullmatch(key)
    if key not in names and indexed and indexed.group(1) in names:
        return field_path(prefix, indexed.group(1)) + f"[{indexed.group(2)}]"
    return field_path(prefix, key)


def _v2_rules(rules: dict[str, Any], part: Part) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for category, entries in rules.items():
        if category == "path":
            rule = _first(entries)
            if rule:
                flat["$.path"] = rule
            continue
        if category not in ("body", "header", "query") or not isinstance(entries, dict):
            continue  # V2 has no other categories (status, metadata): dropped, as V2 writes
        names: Iterable[str] = part.headers if category == "header" else \
            getattr(part, "query", {})
        for key, value in entries.items():
            rule = _first(value)
            if not rule:
                continue
            if category == "body":
                flat["$.body" + key[1:]] = rule
            else:
                prefix = "$.headers" if category == "header" else "$.query"
                flat[_v2_name_path(prefix, key, names)] = rule
    return flat
