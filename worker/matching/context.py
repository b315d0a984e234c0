"""The matching context: which rules apply, and whether unexpected keys are allowed."""

from __future__ import annotations

from dataclasses import dataclass

from pactpool_worker.pact.rules import MatchingRules, RuleCategory, RuleList

Loc = tuple[str, ...]
"""A location in a document: `("$", "animals", "0")`."""


@dataclass(frozen=True, slots=True)
class Context:
    """Rules of one category plus the unexpected-keys policy (requests: no; responses: yes)."""

    rules: RuleCategory | None
    allow_unexpected: bool

    def defined(self, loc: Loc) -> bool:
        return self.rules is not None and self.rules.defined(loc)

    def best(self, loc: Loc) -> tuple[RuleList, bool] | None:
        return None if self.rules is None else self.rules.best(loc)

    def type_rule_defined(self, loc: Loc) -> bool:
        return self.rules is not None and self.rules.type_rule_defined(loc)


def context_for(rules: MatchingRules | None, category: str, allow_unexpected: bool) -> Context:
    """A context over one category of a request's or response's rules."""
    cat = rules.category(category) if rules is not None else None
    if cat is not None and not cat.entries:
        cat = None
    return Context(cat, allow_unexpected)
