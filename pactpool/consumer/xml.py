"""XML bodies with matchers, built as pact-python's `pact.xml` builds them.

`body(element("user", element("id", match.int(1))))` gives the dict form pact_ffi reads;
`pactpool.consumer._split.split_xml` turns it (or the element itself) into the example XML
text plus the rules at XML paths (`$.user.id.#text`, `$.user['@id']`).
"""

from __future__ import annotations

from typing import Any, TypeAlias, Union

from pactpool.consumer.match.matcher import AbstractMatcher
from pactpool.consumer.types import Unset
from pactpool.errors import PactDefinitionError

__all__ = ["XmlContent", "XmlElement", "body", "element"]

XmlContent: TypeAlias = Union["XmlElement", "AbstractMatcher[Any]", str, int, float, bool]
"""A child: an element, a matcher (text with a rule), or literal text."""


class XmlElement:
    """One element: tag, children, attributes, and optionally a repetition rule (`each`)."""

    def __init__(self, tag: str, *children: XmlContent,
                 attrs: dict[str, Any] | None = None) -> None:
        if not isinstance(tag, str) or not tag:
            raise TypeError(f"xml.element: tag must be a non-empty str, not {tag!r}")
        for child in children:
            if not isinstance(child, (XmlElement, AbstractMatcher, str, int, float)):
                raise TypeError(f"xml.element({tag!r}): a child must be an element, a matcher "
                                f"or text, not {type(child).__name__}")
        if attrs is not None and not isinstance(attrs, dict):
            raise TypeError(f"xml.element({tag!r}): attrs must be a dict, not "
                            f"{type(attrs).__name__}")
        for name in attrs or {}:
            if not isinstance(name, str) or not name:
                raise TypeError(f"xml.element({tag!r}): attribute names must be non-empty str")
        self._tag = tag
        self._children = children
        self._attrs: dict[str, Any] = dict(attrs) if attrs is not None else {}
        self._repeated = False
        self._min: int | None = None
        self._max: int | None = None
        self._examples = 1

    @property
    def tag(self) -> str:
        """The element's name, with its namespace prefix if it has one."""
        return self._tag

    def each(self, *, min: int = 1, max: int | None = None,
             examples: int | None = None) -> XmlElement:
        """Make this a repeated element: at least `min` (at most `max`) alike, `examples`
        copies (default `min`) in the example body. Returns the element itself."""
        for name, value in (("min", min), ("max", max), ("examples", examples)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise TypeError(f"XmlElement.each: {name} must be an int")
        if min < 1:
            raise PactDefinitionError(f"XmlElement.each: min must be at least 1, got {min!r}.")
        if max is not None and max < min:
            raise PactDefinitionError(f"XmlElement.each: max ({max}) is less than min ({min})")
        copies = min if examples is None else examples
        if copies < min or (max is not None and copies > max):
            raise PactDefinitionError(f"XmlElement.each: examples ({copies}) must lie between "
                                      f"min ({min}) and max ({max})")
        self._repeated, self._min, self._max, self._examples = True, min, max, copies
        return self

    def to_serializable_dict(self) -> dict[str, Any]:
        """The element in pact_ffi's XML description form (matchers left as objects)."""
        element = {"name": self._tag,
                   "children": [_child_dict(child) for child in self._children],
                   "attributes": self._attrs}
        if not self._repeated:
            return element
        wrapper: dict[str, Any] = {"pact:matcher:type": "type", "value": element,
                                   "examples": self._examples, "min": self._min}
        if self._max is not None:
            wrapper["max"] = self._max
        return wrapper

    def __repr__(self) -> str:
        return f"xml.element({self._tag!r}, {len(self._children)} children)"


def _child_dict(child: XmlContent) -> dict[str, Any]:
    if isinstance(child, XmlElement):
        return child.to_serializable_dict()
    if isinstance(child, AbstractMatcher):
        entry: dict[str, Any] = {"matcher": child}
        example = getattr(child, "_example", getattr(child, "value", None))
        if child.has_value():
            entry["content"] = child.value  # type: ignore[attr-defined]
        elif example is not None and not isinstance(example, Unset):
            entry["content"] = example
        return entry
    return {"content": child}


def element(tag: str, *children: XmlContent, attrs: dict[str, Any] | None = None) -> XmlElement:
    """An XML element: `element("user", element("id", match.int(1)), attrs={"v": "2"})`."""
    return XmlElement(tag, *children, attrs=attrs)


def body(root: XmlElement) -> dict[str, Any]:
    """The XML body description to pass to `with_body(..., content_type="application/xml")`."""
    if not isinstance(root, XmlElement):
        raise TypeError(f"xml.body: root must be an xml.element(...), not {type(root).__name__}")
    return {"root": root.to_serializable_dict()}
