"""`pactpool check`: load pact files exactly as a mock server would, and say what they hold.

It uses the worker's own loader, so a file that passes here is one `create_mock_server`
accepts, and a refusal carries the same reason and JSON path.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pactpool_worker.errors import PactLoadError
from pactpool_worker.pact import Interaction, MatchingRules, Pact, load_pact


def check_files(paths: Sequence[str], out: Callable[[str], None] | None = None,
                err: Callable[[str], None] | None = None) -> int:
    """Check each file; 0 when all are valid pacts, 1 otherwise (every file is still checked)."""
    write = out or (lambda line: print(line, flush=True))
    complain = err or (lambda line: print(line, file=sys.stderr, flush=True))
    failures = 0
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            complain(f"{path}: error: cannot read it: {exc.strerror or exc}")
            failures += 1
            continue
        try:
            pact = load_pact(data)
        except PactLoadError as exc:
            complain(f"{path}: error: invalid pact: {exc.reason} (at {exc.json_path})")
            failures += 1
            continue
        for line in describe(path, pact):
            write(line)
        for warning in pact.warnings:  # read leniently, as a mock server would serve it
            write(f"  warning: {warning.message} (at {warning.path})")
    if len(paths) > 1:
        write(f"{len(paths) - failures} of {len(paths)} pact files are valid")
    return 1 if failures else 0


def describe(path: str, pact: Pact) -> list[str]:
    """A header line for the pact, then one line per interaction."""
    count = len(pact.interactions)
    lines = [f"{path}: {pact.consumer} -> {pact.provider}, pact specification "
             f"{pact.spec_version}, {count} interaction{'s' if count != 1 else ''}"]
    width = len(str(max(count - 1, 0)))
    for interaction in pact.interactions:
        rules, generators = counts(interaction)
        lines.append(f"  [{interaction.index:>{width}}] {interaction.type:<21} "
                     f"{_target(interaction):<30} {interaction.description!r}  "
                     f"({rules} matching rule{'s' if rules != 1 else ''}, "
                     f"{generators} generator{'s' if generators != 1 else ''})")
    return lines


def counts(interaction: Interaction) -> tuple[int, int]:
    """The number of matchers and of generators in one interaction, request and response."""
    if interaction.request is not None and interaction.response is not None:
        parts = (interaction.request, interaction.response)
        rules = sum(_rule_count(p.matching_rules) for p in parts)
        generators = sum(_generator_count(p.generators) for p in parts)
        return rules, generators
    return _raw_counts(interaction.raw)


def _target(interaction: Interaction) -> str:
    request = interaction.request
    if request is None:
        return "(message)"
    return f"{request.method} {request.path}"


def _rule_count(rules: MatchingRules | None) -> int:
    if rules is None:
        return 0
    return sum(len(rule_list.rules) for category in rules.categories.values()
               for _, rule_list in category.entries)


def _generator_count(generators: dict[str, Any] | None) -> int:
    total = 0
    for value in (generators or {}).values():
        if isinstance(value, dict):
            # `path` and `status` hold one generator; other categories map paths to them
            total += 1 if isinstance(value.get("type"), str) else len(value)
    return total


def _raw_counts(raw: dict[str, Any]) -> tuple[int, int]:
    """Counts for message interactions, which the model keeps only as their JSON."""
    rules = 0
    generators = 0
    for holder in _holders(raw):
        block = holder.get("matchingRules")
        if isinstance(block, dict):
            for key, category in block.items():
                if str(key).startswith("$"):  # V2 flat: one rule per path
                    rules += 1
                elif isinstance(category, dict):
                    rules += _matchers(category) if "matchers" in category else \
                        sum(_matchers(v) for v in category.values())
        generators += _generator_count(holder.get("generators")
                                       if isinstance(holder.get("generators"), dict) else None)
    return rules, generators


def _matchers(rule_list: Any) -> int:
    if isinstance(rule_list, dict) and isinstance(rule_list.get("matchers"), list):
        return len(rule_list["matchers"])
    return 1


def _holders(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """The message itself, its V4 `contents`/`request`, and each V4 sync `response`."""
    found = [raw]
    for key in ("contents", "request"):
        if isinstance(raw.get(key), dict):
            found.append(raw[key])
    responses = raw.get("response")
    if isinstance(responses, list):
        found += [r for r in responses if isinstance(r, dict)]
    return found


__all__ = ["check_files", "counts", "describe"]
