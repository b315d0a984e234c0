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

    def with_rules(self, rules: RuleCategory | None) -> Context:
        """The same policy over other rules (an arrayContains variant's, a part's)."""
        return Context(rules if rules is not None and rules.entries else None,
                       self.allow_unexpected)

    def for_xml(self) -> Context:
        """XML elements have no index: rule paths are read without `[0]`/`[*]`."""
        return self if self.rules is None else Context(self.rules.without_indexes(),
                                                       self.allow_unexpected)

    def rerooted(self, prefix: Loc) -> Context:
        """The rules under `prefix`, rooted there (a multipart part's own body)."""
        return self if self.rules is None else self.with_rules(self.rules.rerooted(prefix))

    def with_each_value(self, loc: Loc, rule_list: RuleList) -> Context:
        """These rules plus `rule_list` on every child of `loc` (an `eachValue` in force)."""
        base = self.rules if self.rules is not None else RuleCategory("body", ())
        return Context(base.with_each_value(loc, rule_list), self.allow_unexpected)


_CONTEXTS: dict[tuple[RuleCategory | None, bool], Context] = {}
"""The contexts `context_for` made, by category and policy: every request asks for several,
and a frozen dataclass costs about a microsecond to build. Bounded; categories hash by
identity, and the keys keep them alive, so an identity is never reused while cached."""
_CONTEXTS_LIMIT = 256


def context_for(rules: MatchingRules | None, category: str, allow_unexpected: bool) -> Context:
    """A context over one category of a request's, response's or message's rules."""
    cat = rules.category(category) if rules is not None else None
    if cat is not None and not cat.entries:
        cat = None
    key = (cat, allow_unexpected)
    ctx = _CONTEXTS.get(key)
    if ctx is None:
        if len(_CONTEXTS) >= _CONTEXTS_LIMIT:
            _CONTEXTS.clear()
        ctx = _CONTEXTS[key] = Context(cat, allow_unexpected)
    return ctx
