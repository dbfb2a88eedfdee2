"""Derived look-ups computed once per knowledge base (keyed by its content version), so the
engine's hot path does set and dict look-ups instead of scanning every point and pattern."""

from __future__ import annotations

from dataclasses import dataclass

from acuplan.core.knowledge import models as km
from acuplan.core.knowledge.knowledge import Knowledge

AnyRule = (
    km.RedFlagRule
    | km.ReferralRule
    | km.SafetyRule
    | km.PainTypeRule
    | km.Selection
    | km.DerivedRule
    | km.CourseRule
)


@dataclass(frozen=True)
class KnowledgeIndex:
    rules: dict[str, AnyRule]
    effect_points: dict[tuple[str, int], tuple[str, ...]]
    """(safety rule id, effect index) -> codes its selector picks."""
    fixed_effect_points: dict[tuple[str, int], tuple[str, ...]]
    """The same, points with a fixed site only (the others are judged per plan)."""
    pattern_net: dict[str, dict[str, float]]
    """pattern id -> finding -> supports minus opposes."""
    pattern_tokens: frozenset[str]


_CACHE: dict[str, KnowledgeIndex] = {}


def index_of(kb: Knowledge) -> KnowledgeIndex:
    found = _CACHE.get(kb.version)
    if found is None:
        found = _CACHE[kb.version] = _build(kb)
    return found


def selects(effect: km.Effect, code: str, point: km.PointDetail) -> bool:
    """Does the effect's selector pick this point? Selectors combine with OR."""
    return (
        code in effect.points
        or (effect.pregnancy_contraindicated is True and point.pregnancy_contraindicated)
        or bool(set(effect.zones) & set(point.zones))
        or bool(set(effect.caution_kinds) & {c.kind for c in point.cautions})
    )


def _build(kb: Knowledge) -> KnowledgeIndex:
    every: list[AnyRule] = [*kb.red_flag_rules, *kb.referral_rules, *kb.safety_rules]
    every += [*kb.pain_type_rules, *kb.selections, *kb.derived_rules, *kb.course_rules]
    rules = {r.id: r for r in every}
    effect_points = {
        (rule.id, i): tuple(
            code
            for code, p in kb.points.items()
            if p.detail is not None and selects(effect, code, p.detail)
        )
        for rule in kb.safety_rules
        for i, effect in enumerate(rule.effects)
    }
    fixed = {
        key: tuple(c for c in codes if kb.prescribable(c).site == "fixed")
        for key, codes in effect_points.items()
    }
    pattern_net: dict[str, dict[str, float]] = {}
    for p in kb.patterns.values():
        net = dict(p.supports)
        for token, w in p.opposes.items():
            net[token] = net.get(token, 0.0) - w
        pattern_net[p.id] = net
    tokens = frozenset(t for net in pattern_net.values() for t in net)
    return KnowledgeIndex(rules, effect_points, fixed, pattern_net, tokens)
