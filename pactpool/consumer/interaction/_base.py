"""What every interaction kind shares: provider states, bodies, metadata, rules, V4 annotations.

An interaction is plain Python data (no handle into a native library): each builder call
checks its arguments and records them in a `Part` (the request, the response, or the
message). `pactpool.consumer._pact_json` turns the parts into pact JSON for the chosen
specification version when the pact is served or written.
"""

from __future__ import annotations

import json
import mimetypes
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pactpool.consumer._split import split
from pactpool.errors import PactDefinitionError

if TYPE_CHECKING:
    from typing_extensions import Self

PartName = Literal["Request", "Response"]
Kind = Literal["HTTP", "Async", "Sync"]

MULTIPART_HEADER_RULE = r"multipart/form-data;(\s*charset=[^;]*;)?\s*boundary=.*"


@dataclass(slots=True)
class Body:
    """A declared body: `content` is a JSON value (`json`), text (`text`) or bytes (`binary`)."""

    content: Any
    kind: Literal["json", "text", "binary"]
    content_type: str | None


@dataclass(slots=True)
class Part:
    """One side of an interaction (a request, a response, or a message), in pact terms.

    `rules` and `generators` use the V3/V4 layout: a category (`body`, `header`, `query`,
    `path`, `metadata`, `status`) maps to paths or names; `path` maps straight to one rule
    list (rules) or one generator (generators).
    """

    headers: dict[str, list[str]] = field(default_factory=dict)
    body: Body | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)
    generators: dict[str, Any] = field(default_factory=dict)

    def header_name(self, name: str) -> str:
        """The spelling already used for this header (names are case-insensitive), or `name`."""
        lowered = name.lower()
        for existing in self.headers:
            if existing.lower() == lowered:
                return existing
        return name

    def content_type_header(self) -> str | None:
        name = self.header_name("Content-Type")
        values = self.headers.get(name)
        return values[0] if values else None

    def forget(self, category: str, name: str) -> None:
        """Drop the rules and generators of one header/query/metadata entry."""
        for table in (self.rules, self.generators):
            entries = table.get(category)
            if entries:
                for key in [k for k in entries if k == name or k.startswith(name + "[")]:
                    del entries[key]
                if not entries:
                    del table[category]

    def place(self, category: str, name: str | None, value: Any) -> Any:
        """Split a value that may hold matchers; record its rules under `category`/`name`.

        Returns the example. `name` None means the category holds one value (`path`).
        """
        parts = split(value)
        if parts.rules:
            if name is None:
                self.rules[category] = parts.rules.get("$") or next(iter(parts.rules.values()))
            else:
                table = self.rules.setdefault(category, {})
                for at, rule in parts.rules.items():
                    table[name + at[1:]] = rule
        if parts.generators:
            if name is None:
                self.generators[category] = parts.generators.get("$") or \
                    next(iter(parts.generators.values()))
            else:
                table = self.generators.setdefault(category, {})
                for at, generator in parts.generators.items():
                    table[name + at[1:]] = generator
        return parts.example


@dataclass(slots=True)
class HttpRequest(Part):
    method: str = "GET"
    path: str = "/"
    query: dict[str, list[str | None]] = field(default_factory=dict)


@dataclass(slots=True)
class HttpResponse(Part):
    status: int = 200


def _is_json_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    base = content_type.split(";", 1)[0].strip().lower()
    return base.endswith(("/json", "+json")) or base in (
        "application/json-rpc", "application/jsonrequest") or \
        (base.startswith("application/") and base.endswith("json"))


def _is_xml_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    base = content_type.split(";", 1)[0].strip().lower()
    return base.endswith(("/xml", "+xml"))


def _sniff_text(text: str) -> str:
    """The content type pact_ffi would guess for a text body given without one."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            json.loads(text)
        except ValueError:
            return "text/plain"
        return "application/json"
    if stripped.startswith("<"):
        return "application/xml"
    return "text/plain"


def _check_str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    return value


def json_text(value: Any, what: str) -> str:
    """`value` as JSON text; a TypeError naming `what` when it cannot be encoded."""
    try:
        return json.dumps(value, allow_nan=False)
    except TypeError as exc:
        raise TypeError(f"{what} must be JSON-encodable: {exc}") from None
    except ValueError as exc:  # NaN, infinity, a circular reference
        raise PactDefinitionError(f"{what} cannot be written as JSON: {exc}") from None


def _check_table_entry(generators: bool, category: str, entries: Any, what: str) -> None:
    """Raise PactDefinitionError unless the mock server can read `entries` (one category of
    `with_matching_rules` or `with_generators`), checked by pactpool's own loader."""
    if generators:
        from pactpool.consumer.generate.generator import GenericGenerator, verify_generator

        if category in ("path", "method", "status"):
            found = {category: entries}
        elif isinstance(entries, dict):
            found = {f"{category} {key}": value for key, value in entries.items()}
        else:
            raise PactDefinitionError(f"{what}: '{category}' must map names or paths to "
                                      f"generators, not {json_text(entries, what)}")
        for where, definition in found.items():
            if not isinstance(definition, dict) or not isinstance(definition.get("type"), str):
                raise PactDefinitionError(f"{what}: at {where}, a generator must be an object "
                                          f"with a 'type', not {json_text(definition, what)}")
            fields = {k: v for k, v in definition.items() if k != "type"}
            verify_generator(GenericGenerator(definition["type"], fields), f"{what} at {where}")
        return
    if category == "method":
        return
    from pactpool_worker.pact.rule_loader import compile_rules

    def one(rule: Any) -> Any:  # a bare {"match": ...} is written as a one-rule list
        if isinstance(rule, dict) and "match" in rule and "matchers" not in rule:
            return {"combine": "AND", "matchers": [rule]}
        return rule

    if isinstance(entries, dict):
        entries = one(entries) if category == "path" else \
            {key: one(value) for key, value in entries.items()}
    try:
        compile_rules({category: entries}, "4.0.0", "$")
    except ValueError as exc:
        raise PactDefinitionError(f"{what}: {getattr(exc, 'reason', exc)}") from None


class Interaction:
    """An interaction between a consumer and a provider: the common builder methods.

    Made by `Pact.upon_receiving`; each method returns the interaction so calls chain.
    Methods taking `part` apply to the request until the response is begun
    (`will_respond_with`), unless `part="Request"` or `part="Response"` says otherwise.
    """

    kind: Kind = "HTTP"

    def __init__(self, description: str) -> None:
        if not isinstance(description, str):
            raise TypeError(f"an interaction's description must be a str, not "
                            f"{type(description).__name__}")
        if not description:
            raise PactDefinitionError("an interaction needs a non-empty description")
        self._description = description
        self._states: list[dict[str, Any]] = []
        self._pending = False
        self._key: str | None = None
        self._comments: dict[str, Any] = {}
        self._responding = False

    # -- what the interaction is ------------------------------------------------------------

    @property
    def description(self) -> str:
        return self._description

    @property
    def provider_states(self) -> list[dict[str, Any]]:
        """Each provider state as `{"name": ..., "params": {...}}` (params only when given)."""
        return [dict(state) for state in self._states]

    @property
    def pending(self) -> bool:
        return self._pending

    @property
    def key(self) -> str | None:
        return self._key

    @property
    def comments(self) -> dict[str, Any]:
        return json.loads(json.dumps(self._comments)) if self._comments else {}

    def to_json(self, specification: str = "V4") -> dict[str, Any]:
        """This interaction as the pact JSON of `specification` writes it."""
        from pactpool.consumer._pact_json import Specification, interaction_json

        return interaction_json(self, Specification.parse(specification))

    def __str__(self) -> str:
        return f"{type(self).__name__}({self._description})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(description={self._description!r})"

    # -- parts ------------------------------------------------------------------------------

    def _part(self, part: PartName | None) -> Part:
        """The request/response/message `part` names (None: the current one)."""
        raise NotImplementedError

    def _resolve(self, part: PartName | None) -> PartName:
        if part is None:
            return "Response" if self._responding else "Request"
        if part not in ("Request", "Response"):
            if not isinstance(part, str):
                raise TypeError(f"part must be 'Request', 'Response' or None, not "
                                f"{type(part).__name__}")
            raise PactDefinitionError(f"Invalid part: {part} (use 'Request', 'Response' or None)")
        return part

    # -- provider states --------------------------------------------------------------------

    def given(self, state: str, parameters: dict[str, object] | None = None, /,
              **kwargs: object) -> Self:
        """Add a provider state, with optional parameters (a dict, keyword arguments or both).

        Called several times, it adds several states (even with the same name).
        """
        _check_str(state, "a provider state")
        if not state:
            raise PactDefinitionError("a provider state needs a non-empty name")
        if parameters is not None and not isinstance(parameters, dict):
            raise TypeError(f"provider state parameters must be a dict, not "
                            f"{type(parameters).__name__}")
        entry: dict[str, Any] = {"name": state}
        if parameters or kwargs:
            params = {**(parameters or {}), **kwargs}
            entry["params"] = json.loads(json_text(params, "provider state parameters"))
        self._states.append(entry)
        return self

    # -- bodies -----------------------------------------------------------------------------

    def _check_body_allowed(self, part: PartName) -> None:
        """Overridden where a part cannot carry a body (a 204 response, say)."""

    def with_body(self, body: Any = None, content_type: str | None = None,
                  part: PartName | None = None) -> Self:
        """Set the body: JSON values (dicts, lists, ...) with matchers anywhere, or text.

        `content_type` applies unless a `Content-Type` header is already set; without
        either it is `application/json` for JSON values and guessed for text. A str body
        with a JSON content type is parsed as JSON. XML bodies come from
        `pactpool.consumer.xml`. `None` sets an empty body.
        """
        if content_type is not None:
            _check_str(content_type, "content_type")
        name = self._resolve(part)
        target = self._part(name)
        if isinstance(body, (bytes, bytearray, memoryview)):
            raise TypeError("with_body takes text or JSON values; use with_binary_body for bytes")
        self._check_body_allowed(name)
        declared = target.content_type_header() or content_type
        rules: dict[str, Any] = {}
        generators: dict[str, Any] = {}
        if body is None:
            new = Body("", "text", declared)
        elif _is_xml_type(declared) or type(body).__name__ == "XmlElement":
            new, rules, generators = self._xml_body(body, declared or "application/xml")
        elif isinstance(body, str):
            kind_type = declared or _sniff_text(body)
            if _is_json_type(kind_type):
                try:
                    value = json.loads(body)
                except ValueError as exc:
                    raise PactDefinitionError(
                        f"the body is declared as {kind_type} but is not valid JSON ({exc}); "
                        "pass the value itself, or text with a text content type") from None
                new = Body(value, "json", kind_type)
            else:
                new = Body(body, "text", kind_type)
        else:
            kind_type = declared or "application/json"
            if not _is_json_type(kind_type):
                raise PactDefinitionError(
                    f"a {type(body).__name__} body is written as JSON, but its content type "
                    f"is {kind_type!r}; pass text for a non-JSON content type")
            parts = split(body)
            new = Body(parts.example, "json", kind_type)
            rules, generators = parts.rules, parts.generators
        self._set_body(target, new, rules, generators)
        return self

    def _xml_body(self, body: Any, content_type: str
                  ) -> tuple[Body, dict[str, Any], dict[str, Any]]:
        if isinstance(body, str):
            return Body(body, "text", content_type), {}, {}
        from pactpool.consumer._split import split_xml

        parts = split_xml(body)
        return Body(parts.example, "text", content_type), parts.rules, parts.generators

    @staticmethod
    def _set_body(target: Part, body: Body, rules: dict[str, Any],
                  generators: dict[str, Any]) -> None:
        target.body = body
        target.rules.pop("body", None)
        target.generators.pop("body", None)
        if rules:
            target.rules["body"] = dict(rules)
        if generators:
            target.generators["body"] = dict(generators)

    def with_binary_body(self, body: bytes | None, content_type: str | None = None,
                         part: PartName | None = None) -> Self:
        """Set a binary body (compared byte for byte); `None` removes the body."""
        if body is not None and not isinstance(body, (bytes, bytearray)):
            raise TypeError(f"with_binary_body takes bytes, not {type(body).__name__}")
        if content_type is not None:
            _check_str(content_type, "content_type")
        name = self._resolve(part)
        target = self._part(name)
        if body is None:
            self._set_body(target, Body("", "text", None), {}, {})
            target.body = None
            return self
        self._check_body_allowed(name)
        declared = target.content_type_header() or content_type or "application/octet-stream"
        self._set_body(target, Body(bytes(body), "binary", declared), {}, {})
        return self

    def with_multipart_file(self, part_name: str, path: Path | None,
                            content_type: str | None = None, part: PartName | None = None,
                            boundary: str | None = None) -> Self:
        """Make the body a `multipart/form-data` body holding one file as `part_name`.

        The provider may send any file of the same content type (a `contentType` rule on
        the part), and any boundary.
        """
        _check_str(part_name, "part_name")
        if not part_name:
            raise PactDefinitionError("a multipart part needs a non-empty name")
        if path is not None and not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a Path or None, not {type(path).__name__}")
        if content_type is not None:
            _check_str(content_type, "content_type")
        if boundary is not None:
            _check_str(boundary, "boundary")
            if not boundary or len(boundary) > 70 or any(c in boundary for c in "\r\n\""):
                raise PactDefinitionError(f"invalid multipart boundary {boundary!r}")
        name = self._resolve(part)
        target = self._part(name)
        self._check_body_allowed(name)
        data = b""
        filename = part_name
        if path is not None:
            file = Path(path)
            try:
                data = file.read_bytes()
            except OSError as exc:
                raise PactDefinitionError(f"cannot read multipart file {file}: "
                                          f"{exc.strerror}") from None
            filename = file.name
            content_type = content_type or mimetypes.guess_type(file.name)[0]
        content_type = content_type or "application/octet-stream"
        boundary = boundary or secrets.token_hex(16)
        body = b"".join([
            f"--{boundary}\r\n".encode(),
            f'Content-Disposition: form-data; name="{part_name}"; filename="{filename}"\r\n'
            .encode(),
            f"Content-Type: {content_type}\r\n\r\n".encode(),
            data,
            f"\r\n--{boundary}--\r\n".encode(),
        ])
        header = f"multipart/form-data; boundary={boundary}"
        self._set_body(target, Body(body, "binary", header),
                       {f"$.{part_name}": {"combine": "AND", "matchers": [
                           {"match": "contentType", "value": content_type}]}}, {})
        if isinstance(target, (HttpRequest, HttpResponse)):
            ct_name = target.header_name("Content-Type")
            target.headers[ct_name] = [header]
            target.forget("header", ct_name)
            target.rules.setdefault("header", {})[ct_name] = {
                "combine": "AND", "matchers": [{"match": "regex",
                                                "regex": MULTIPART_HEADER_RULE}]}
        return self

    def with_plugin_contents(self, contents: dict[str, Any] | str, content_type: str,
                             part: PartName | None = None) -> Self:
        """Not available: pactpool is pure Python and runs no Pact plugins."""
        raise PactDefinitionError(
            "with_plugin_contents needs a Pact plugin, and pactpool runs none (it is pure "
            "Python, with no plugin driver); declare the body with with_body or "
            "with_binary_body")

    # -- metadata ---------------------------------------------------------------------------

    def _metadata_part(self, part: PartName | None) -> Part:
        return self._part(part)

    def with_metadata(self, metadata: dict[str, Any] | None = None,
                      part: PartName | None = None, /, **kwargs: Any) -> Self:
        """Add message metadata: JSON values, matchers allowed; a `None` value removes a key."""
        target = self._metadata_part(part)
        for key, value in _metadata_items(target, metadata, kwargs):
            target.metadata[key] = target.place("metadata", key, value)
        return self

    def set_metadata(self, metadata: dict[str, str] | None = None,
                     part: PartName | None = None, /, **kwargs: str) -> Self:
        """Add message metadata given as JSON text (not parsed for matchers); None removes."""
        target = self._metadata_part(part)
        for key, value in _metadata_items(target, metadata, kwargs):
            _check_str(value, f"the value of metadata '{key}'")
            try:
                target.metadata[key] = json.loads(value)
            except ValueError:
                target.metadata[key] = value
        return self

    # -- raw rules and generators -----------------------------------------------------------

    _CATEGORIES = frozenset({"body", "header", "headers", "query", "path", "method", "status",
                             "metadata", "content"})

    def _merge_table(self, table: dict[str, Any], raw: dict[str, Any] | str, what: str) -> None:
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except ValueError as exc:
                raise PactDefinitionError(f"{what} must be JSON: {exc}") from None
        if not isinstance(raw, dict):
            raise TypeError(f"{what} must be a dict (or its JSON text), not "
                            f"{type(raw).__name__}")
        parsed: dict[str, Any] = json.loads(json_text(raw, what))
        for given, entries in parsed.items():
            if given not in self._CATEGORIES:
                raise PactDefinitionError(
                    f"{what}: unknown category {given!r} (use body, header, query, path, "
                    "status or metadata)")
            category = {"headers": "header", "content": "body"}.get(given, given)
            _check_table_entry(what == "generators", category, entries, what)
            if category in ("path", "method", "status") or not isinstance(entries, dict):
                table[category] = entries
            else:
                table.setdefault(category, {}).update(entries)

    def with_matching_rules(self, rules: dict[str, Any] | str,
                            part: PartName | None = None) -> Self:
        """Add matching rules in the V3/V4 layout (`{"body": {"$.id": {"matchers": [...]}}}`)."""
        self._merge_table(self._part(self._resolve(part)).rules, rules, "matching rules")
        return self

    def with_generators(self, generators: dict[str, Any] | str,
                        part: PartName | None = None) -> Self:
        """Add generators in the V3/V4 layout (`{"body": {"$.id": {"type": "RandomInt"}}}`)."""
        self._merge_table(self._part(self._resolve(part)).generators, generators, "generators")
        return self

    # -- V4 annotations ---------------------------------------------------------------------

    def set_key(self, key: str | None) -> Self:
        """Set (or with None, clear) the V4 key naming this interaction."""
        if key is not None:
            _check_str(key, "key")
        self._key = key or None
        return self

    def set_pending(self, *, pending: bool) -> Self:
        """Mark the interaction pending (V4): its provider is not yet expected to honour it."""
        if not isinstance(pending, bool):
            raise TypeError(f"pending must be a bool, not {type(pending).__name__}")
        self._pending = pending
        return self

    def set_comment(self, key: str, value: Any | None) -> Self:
        """Set one V4 comment (any JSON value; a str is read as JSON when it is JSON)."""
        _check_str(key, "a comment key")
        if value is None:
            self._comments.pop(key, None)
        elif isinstance(value, str):
            try:
                self._comments[key] = json.loads(value)
            except ValueError:
                self._comments[key] = value
        else:
            self._comments[key] = json.loads(json_text(value, f"comment '{key}'"))
        return self

    def add_text_comment(self, comment: str) -> Self:
        """Append a free-text V4 comment (kept under the `text` comment key)."""
        _check_str(comment, "a comment")
        texts = self._comments.get("text")
        if not isinstance(texts, list):
            texts = self._comments["text"] = []
        texts.append(comment)
        return self

    def add_external_reference(self, group: str, name: str, value: str) -> Self:
        """Record a V4 reference to an outside system (`comments.references[group][name]`)."""
        for what, text in (("group", group), ("name", name), ("value", value)):
            _check_str(text, f"a reference's {what}")
        references = self._comments.get("references")
        if not isinstance(references, dict):
            references = self._comments["references"] = {}
        references.setdefault(group, {})[name] = value
        return self

    def test_name(self, name: str) -> Self:
        """Record the name of the test declaring this interaction (V4 `comments.testname`)."""
        self._comments["testname"] = _check_str(name, "a test name")
        return self


def _metadata_items(target: Part, metadata: dict[str, Any] | None,
                    more: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """The metadata entries to set, checked; a `None` value's key is removed here instead."""
    if metadata is not None and not isinstance(metadata, dict):
        raise TypeError(f"metadata must be a dict, not {type(metadata).__name__}")
    for key, value in {**(metadata or {}), **more}.items():
        _check_str(key, "a metadata key")
        target.forget("metadata", key)
        if value is None:
            target.metadata.pop(key, None)
        else:
            yield key, value
