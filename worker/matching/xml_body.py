"""XML bodies: elements compared by name, attributes as `@name`, text as `#text`.

Children are grouped by element name (so `<a/><b/>` against `<b/><a/>` matches); within a
group they are compared in order, or each against the first expected one when a type rule
covers them. Paths start at the root element: `$.animals.alligator['@name']`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import zip_longest

from pactpool_worker.matching.mismatches import BodyDiff
from pactpool_worker.matching.rule_context import Context, Loc
from pactpool_worker.matching.value_rules import combine, match_string
from pactpool_worker.pact.jsonpath import format_path


class XmlError(ValueError):
    """A body that is not well-formed XML."""


def parse_xml(data: bytes) -> ET.Element:
    """Parse a body; entity declarations are refused (no entity expansion, internal or external)."""
    if _declares_entities(data):
        raise XmlError("entity declarations (<!ENTITY ...>) are not allowed in XML bodies")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise XmlError(str(exc)) from None


def _declares_entities(data: bytes) -> bool:
    if b"<!ENTITY" in data:
        return True
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00<" in data[:4] or b"<\x00" in data[:4]:
        for encoding in ("utf-16-le", "utf-16-be"):
            if "<!ENTITY" in data.decode(encoding, errors="ignore"):
                return True
    return False


def compare_xml(expected: ET.Element, actual: ET.Element, ctx: Context) -> list[BodyDiff]:
    out: list[BodyDiff] = []
    _element(("$", _name(expected.tag)), expected, actual, ctx, out)
    return out


def _name(tag: str) -> str:
    """`{uri}local` (ElementTree) as `uri:local` (the reference's spelling)."""
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        return f"{uri}:{local}"
    return tag


def _children(element: ET.Element) -> list[ET.Element]:
    return [c for c in element if isinstance(c.tag, str)]


def _text(element: ET.Element) -> str:
    parts = [(element.text or "").strip()]
    parts.extend((c.tail or "").strip() for c in element)
    return "".join(parts)


def _element(loc: Loc, expected: ET.Element, actual: ET.Element, ctx: Context,
             out: list[BodyDiff]) -> None:
    e_name, a_name = _name(expected.tag), _name(actual.tag)
    best = ctx.best(loc)
    messages: list[str] = []
    if best is None:
        if e_name != a_name:
            messages = [f"Expected '{e_name}' to be equal to '{a_name}'"]
    else:
        rule_list, cascaded = best
        n_children = len(_children(actual))

        def check(rule_kind: str, rmin: int | None, rmax: int | None) -> str | None:
            if rule_kind in ("type", "equality") and e_name != a_name:
                verb = "the same type as" if rule_kind == "type" else "equal to"
                return f"Expected '{e_name}' to be {verb} '{a_name}'"
            if rule_kind in ("min_type", "minmax_type") and not cascaded and rmin is not None \
                    and n_children < rmin:
                return f"Expected '{a_name}' to have at least {rmin} children"
            if rule_kind in ("max_type", "minmax_type") and not cascaded and rmax is not None \
                    and n_children > rmax:
                return f"Expected '{a_name}' to have at most {rmax} children"
            if rule_kind == "not_empty" and not cascaded and n_children == 0 and \
                    not _text(actual):
                return f"Expected '{a_name}' to have at least one child"
            # Value rules (regex, include, ...) on an element apply to its text (see _text_of).
            return None

        messages = combine(rule_list, lambda r: check(r.kind, r.min, r.max))
    if messages:
        path = format_path(loc)
        out.extend(BodyDiff(path, e_name, a_name, m) for m in messages)
        return
    _attributes(loc, expected, actual, ctx, out)
    _compare_children(loc, expected, actual, ctx, out)
    _text_of(loc, expected, actual, ctx, out)


def _attributes(loc: Loc, expected: ET.Element, actual: ET.Element, ctx: Context,
                out: list[BodyDiff]) -> None:
    e_attrs = {_name(k): v for k, v in sorted(expected.attrib.items())}
    a_attrs = {_name(k): v for k, v in sorted(actual.attrib.items())}
    path = format_path(loc)
    if not e_attrs and a_attrs and not ctx.allow_unexpected:
        out.append(BodyDiff(path, _debug_map(e_attrs), _debug_map(a_attrs),
                                "Did not expect any attributes but received "
                                f"{_debug_map(a_attrs)}"))
        return
    if ctx.allow_unexpected and len(e_attrs) > len(a_attrs):
        out.append(BodyDiff(path, _debug_map(e_attrs), _debug_map(a_attrs),
                                f"Expected at least {len(e_attrs)} attribute(s) but received "
                                f"{len(a_attrs)} attribute(s)"))
    elif not ctx.allow_unexpected and len(e_attrs) != len(a_attrs):
        out.append(BodyDiff(path, _debug_map(e_attrs), _debug_map(a_attrs),
                                f"Expected {len(e_attrs)} attribute(s) but received "
                                f"{len(a_attrs)} attribute(s)"))
    for key, value in e_attrs.items():
        attr_loc = (*loc, f"@{key}")
        if key in a_attrs:
            _value(attr_loc, value, a_attrs[key], ctx, out)
        else:
            out.append(BodyDiff(format_path(attr_loc), key, None,
                                    f"Expected attribute '{key}'='{value}' but was missing"))


def _debug_map(attrs: dict[str, str]) -> str:
    return "{" + ", ".join(f'"{k}": "{v}"' for k, v in attrs.items()) + "}"


def _compare_children(loc: Loc, expected: ET.Element, actual: ET.Element, ctx: Context,
                      out: list[BodyDiff]) -> None:
    e_children, a_children = _children(expected), _children(actual)
    path = format_path(loc)
    e_desc = ", ".join(_name(c.tag) for c in e_children)
    a_desc = ", ".join(_name(c.tag) for c in a_children)
    if not e_children and a_children and not ctx.allow_unexpected:
        out.append(BodyDiff(path, e_desc, a_desc,
                                f"Expected no children but received [{a_desc}]"))
        return
    e_groups: dict[str, list[ET.Element]] = {}
    for c in e_children:
        e_groups.setdefault(_name(c.tag), []).append(c)
    a_groups: dict[str, list[ET.Element]] = {}
    for c in a_children:
        a_groups.setdefault(_name(c.tag), []).append(c)
    for key in sorted(a_groups):
        group = a_groups[key]
        child_loc = (*loc, key)
        if key in e_groups:
            e_group = e_groups.pop(key)
            if ctx.type_rule_defined(child_loc):
                for child in group:
                    _element(child_loc, e_group[0], child, ctx, out)
                continue
            for e_child, a_child in zip_longest(e_group, group):
                if e_child is None:
                    if not ctx.allow_unexpected:
                        out.append(BodyDiff(format_path(child_loc), e_desc, a_desc,
                                                f"Unexpected child <{key}/>"))
                elif a_child is None:
                    out.append(BodyDiff(format_path(child_loc), e_desc, a_desc,
                                            f"Expected child <{key}/> but was missing"))
                else:
                    _element(child_loc, e_child, a_child, ctx, out)
        elif not ctx.allow_unexpected or ctx.type_rule_defined(child_loc):
            out.append(BodyDiff(path, e_desc, a_desc, f"Unexpected child <{key}/>"))
    for key in sorted(e_groups):
        out.append(BodyDiff(path, e_desc, a_desc, f"Expected child <{key}/> but was missing"))


def _text_of(loc: Loc, expected: ET.Element, actual: ET.Element, ctx: Context,
             out: list[BodyDiff]) -> None:
    e_text, a_text = _text(expected), _text(actual)
    text_loc = (*loc, "#text")
    best = ctx.best(text_loc)
    if best is None:
        messages = [] if e_text == a_text else [f"Expected '{a_text}' to be equal to '{e_text}'"]
    else:
        rule_list, cascaded = best
        messages = combine(rule_list, lambda r: match_string(r, e_text, a_text, cascaded))
    path = format_path(loc) + ".#text"
    out.extend(BodyDiff(path, e_text, a_text, m) for m in messages)


def _value(loc: Loc, expected: str, actual: str, ctx: Context, out: list[BodyDiff]) -> None:
    best = ctx.best(loc)
    if best is None:
        messages = [] if expected == actual else \
            [f"Expected '{actual}' to be equal to '{expected}'"]
    else:
        rule_list, cascaded = best
        messages = combine(rule_list, lambda r: match_string(r, expected, actual, cascaded))
    path = format_path(loc)
    out.extend(BodyDiff(path, expected, actual, m) for m in messages)
