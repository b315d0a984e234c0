"""Body generators on a JSON body: paths resolved at load, values set per request.

The example body never changes, so each generator path (`$.items[*].id`) is expanded against
it once, into concrete locations. A request copies only the containers on the way to those
locations (the rest of the document is shared with the template), sets the fresh values and
serialises. As in the reference, a path that names nothing in the example generates nothing,
except `$` itself, which replaces the whole body; shallower paths apply first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from pactpool_worker.generators.definitions import Constant, Generator, Producer
from pactpool_worker.pact.jsonpath import RulePath

Key = str | int
Location = tuple[Key, ...]


@dataclass(frozen=True, slots=True)
class _Level:
    """One container on the way to generated values: its template, what to set, what to enter."""

    template: dict[str, Any] | list[Any]
    leaves: tuple[tuple[Key, Producer], ...]
    branches: tuple[tuple[Key, _Level], ...]

    def fill(self) -> Any:
        copy = self.template.copy()
        for key, produce in self.leaves:
            copy[key] = produce()  # type: ignore[index]
        for key, level in self.branches:
            copy[key] = level.fill()  # type: ignore[index]
        return copy


@dataclass(frozen=True, slots=True)
class JsonBodyPlan:
    """Per request: `render()` gives the body bytes with fresh values in place."""

    root: _Level | Producer

    def render(self) -> bytes:
        root = self.root
        return orjson.dumps(root.fill() if isinstance(root, _Level) else root())


def plan_json_body(document: Any, entries: list[tuple[RulePath, Generator]]
                   ) -> tuple[Any, JsonBodyPlan | None]:
    """Bind each generator at each location it names in `document`.

    Returns the template (the document with any constant values already in place, a new
    object if one was set) and the per-request plan, or None when nothing changes per request.
    """
    template = document
    bindings: dict[Location, Producer] = {}
    for path, generator in sorted(entries, key=lambda entry: len(entry[0])):
        for location in expand(path, template):
            binding = generator.bind(_value_at(template, location))
            if binding is None:
                continue
            bindings = {at: p for at, p in bindings.items() if at[:len(location)] != location}
            if isinstance(binding, Constant):
                template = _set_copy(template, location, binding.value)
            else:
                bindings[location] = binding
    # A generated value is never a container, so nothing below one is left to generate.
    live = {at: p for at, p in bindings.items()
            if not any(at[:i] in bindings for i in range(len(at)))}
    if not live:
        return template, None
    if () in live:
        return template, JsonBodyPlan(live[()])
    return template, JsonBodyPlan(_level(template, live, 0))


def _level(template: Any, bindings: dict[Location, Producer], depth: int) -> _Level:
    leaves = tuple((at[depth], p) for at, p in bindings.items() if len(at) == depth + 1)
    deeper: dict[Key, dict[Location, Producer]] = {}
    for at, p in bindings.items():
        if len(at) > depth + 1:
            deeper.setdefault(at[depth], {})[at] = p
    branches = tuple((key, _level(template[key], group, depth + 1))
                     for key, group in deeper.items())
    return _Level(template, leaves, branches)


def expand(path: RulePath, document: Any) -> list[Location]:
    """Every location in `document` that the rule path names, in document order."""
    found: list[Location] = [()]
    values: list[Any] = [document]
    for kind, name in path.tokens[1:]:
        next_found: list[Location] = []
        next_values: list[Any] = []
        for location, value in zip(found, values, strict=True):
            for key, child in _children(kind, name, value):
                next_found.append((*location, key))
                next_values.append(child)
        found, values = next_found, next_values
    return found


def _children(kind: str, name: str, value: Any) -> list[tuple[Key, Any]]:
    if isinstance(value, dict):
        if kind == "field":
            return [(name, value[name])] if name in value else []
        if kind == "star":
            return list(value.items())
        return []
    if isinstance(value, list):
        if kind in ("star", "star_index"):
            return list(enumerate(value))
        if kind == "index" or (kind == "field" and name.isdigit()):
            i = int(name)
            return [(i, value[i])] if i < len(value) else []
    return []


def _value_at(document: Any, location: Location) -> Any:
    for key in location:
        document = document[key]
    return document


_MISSING: Any = object()


def _child(node: Any, key: Key) -> Any:
    if isinstance(node, dict) and isinstance(key, str):
        return node.get(key, _MISSING)
    if isinstance(node, list) and isinstance(key, int) and key < len(node):
        return node[key]
    return _MISSING


def _set_copy(document: Any, location: Location, value: Any) -> Any:
    """A copy of `document` with `value` at `location` (load time: plain recursion is fine)."""
    if not location:
        return value
    head, rest = location[0], location[1:]
    child = _child(document, head)
    if child is _MISSING:
        return document
    copy = document.copy()
    copy[head] = _set_copy(child, rest, value)
    return copy

