"""Body generators on an XML body: an element's text (`$.order.id['#text']`) or an attribute
(`$.order['@id']`), as the reference's XML handler applies them.

The example is parsed once at load (minidom, which keeps namespace prefixes and mixed content
as written) and each generator path is resolved into the text nodes and attributes it names.
A request sets fresh values on that one document and serialises it: the worker answers one
request at a time, so one mutable document per interaction is enough.

Paths start at the root element; names are qualified names as written (`n:item`), `*` is any
element, and `[0]`/`[*]` are ignored (XML elements have no index), as for XML matching rules.
A path that names nothing adds nothing, except `#text` on an element without text, which gets
one (as in the reference). Where an element has non-blank text, only those text nodes change;
the reference also overwrites the whitespace between child elements.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.dom import minidom
from xml.parsers.expat import ExpatError

import orjson

from pactpool_worker.generators.definitions import Constant, Generator, Producer
from pactpool_worker.pact.jsonpath import RulePath, Token

Setter = Callable[[str], None]


class XmlGeneratorError(ValueError):
    """The example body cannot carry generated values (not XML, or it declares entities)."""


@dataclass(frozen=True, slots=True)
class XmlBodyPlan:
    """Per request: `render()` gives the body bytes with fresh values in place."""

    document: minidom.Document
    declaration: str
    setters: tuple[tuple[Setter, Producer], ...]

    def render(self) -> bytes:
        for set_value, produce in self.setters:
            set_value(xml_text(produce()))
        return serialise(self.document, self.declaration)


def plan_xml_body(data: bytes, entries: list[tuple[RulePath, Generator]]
                  ) -> tuple[bytes | None, XmlBodyPlan | None]:
    """Bind each generator where its path points in the example.

    Returns the body with constant values set (None when nothing was fixed at load) and the
    per-request plan (None when nothing changes per request).
    """
    document, declaration = _parse(data)
    root = document.documentElement
    if root is None:
        raise XmlGeneratorError("the XML body has no root element")
    setters: list[tuple[Setter, Producer]] = []
    fixed = False
    for path, generator in sorted(entries, key=lambda entry: len(entry[0])):
        tokens = [t for t in path.tokens[1:] if t[0] not in ("index", "star_index")]
        for example, set_value in _targets(root, tokens):
            binding = generator.bind(example)
            if binding is None:
                continue
            if isinstance(binding, Constant):
                set_value(xml_text(binding.value))
                fixed = True
            else:
                setters.append((set_value, binding))
    if setters:
        return None, XmlBodyPlan(document, declaration, tuple(setters))
    return (serialise(document, declaration) if fixed else None), None


def _parse(data: bytes) -> tuple[minidom.Document, str]:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise XmlGeneratorError("the XML body declares a DOCTYPE or entities")
    try:
        document = minidom.parseString(data)
    except ExpatError as exc:
        raise XmlGeneratorError(f"the body is not XML: {exc}") from None
    head = data.lstrip()
    declaration = ""
    if head.startswith(b"<?xml"):
        end = head.find(b"?>")
        declaration = head[:end + 2].decode("utf-8", errors="replace")
    return document, declaration


def _matches(token: Token, name: str) -> bool:
    kind, value = token
    return kind == "star" or (kind == "field" and value == name)


def _targets(element: minidom.Element, tokens: list[Token]) -> list[tuple[str, Setter]]:
    """(example value, setter) for each text node or attribute the tokens name."""
    if len(tokens) < 2 or not _matches(tokens[0], element.tagName):
        return []
    rest = tokens[1:]
    if len(rest) == 1 and rest[0][0] == "field" and rest[0][1].startswith("@"):
        name = rest[0][1][1:]
        if not element.hasAttribute(name):
            return []
        return [(element.getAttribute(name), _attribute_setter(element, name))]
    if len(rest) == 1 and rest[0] == ("field", "#text"):
        return _text_targets(element)
    found: list[tuple[str, Setter]] = []
    for child in element.childNodes:
        if isinstance(child, minidom.Element):
            found.extend(_targets(child, rest))
    return found


def _text_targets(element: minidom.Element) -> list[tuple[str, Setter]]:
    texts = [node for node in element.childNodes
             if isinstance(node, minidom.Text) and node.data.strip()]
    if not texts:
        owner = element.ownerDocument
        assert owner is not None
        node = owner.createTextNode("")
        element.appendChild(node)
        texts = [node]
    return [(node.data, _text_setter(node)) for node in texts]


def _attribute_setter(element: minidom.Element, name: str) -> Setter:
    def set_value(value: str) -> None:
        element.setAttribute(name, value)
    return set_value


def _text_setter(node: minidom.Text) -> Setter:
    def set_value(value: str) -> None:
        node.data = value
    return set_value


def xml_text(value: Any) -> str:
    """A generated value as XML text: strings as they are, booleans as `true`/`false`."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return orjson.dumps(value).decode()


def serialise(document: minidom.Document, declaration: str) -> bytes:
    """The document with the example's own XML declaration (if it had one) in front."""
    root = document.documentElement
    assert root is not None
    return (declaration + root.toxml()).encode()
