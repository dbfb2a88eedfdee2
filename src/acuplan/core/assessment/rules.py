"""The one rule operator: does a rule fire on a set of findings, and on which findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar


class Condition(Protocol):
    @property
    def when_all(self) -> tuple[str, ...]: ...
    @property
    def when_any(self) -> tuple[str, ...]: ...
    @property
    def when_none(self) -> tuple[str, ...]: ...


R = TypeVar("R", bound=Condition)


def fires(rule: Condition, findings: frozenset[str] | set[str]) -> bool:
    """All of ``when_all``, at least ``min_any`` (default 1) of ``when_any`` when it is given,
    and none of ``when_none``."""
    if not all(f in findings for f in rule.when_all):
        return False
    if any(f in findings for f in rule.when_none):
        return False
    if rule.when_any:
        need = getattr(rule, "min_any", 1)
        return sum(1 for f in rule.when_any if f in findings) >= need
    return True


def matched(rule: Condition, findings: frozenset[str] | set[str]) -> list[str]:
    """The findings that made the rule fire (for explanations)."""
    return [f for f in (*rule.when_all, *rule.when_any) if f in findings]


def firing(rules: Iterable[R], findings: frozenset[str] | set[str]) -> list[R]:
    return [r for r in rules if fires(r, findings)]


def grow(
    rules: Iterable[R], findings: frozenset[str], token: Callable[[R], str]
) -> tuple[frozenset[str], list[str]]:
    """Evaluate finding-adding rules in order (a later rule may test an earlier one's token);
    returns the grown findings and the ids of the rules that fired."""
    grown = set(findings)
    fired: list[str] = []
    for rule in rules:
        if fires(rule, grown):
            grown.add(token(rule))
            fired.append(getattr(rule, "id", ""))
    return frozenset(grown), fired
