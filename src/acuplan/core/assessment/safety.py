"""The safety filter: what the patient's findings forbid or limit, from rules/safety.toml.

Two kinds of rule feed it. Most fire on findings (pregnancy, a blood thinner). Some fire on a
point about to be prescribed (``when_points``: any point with a lung caution brings the
breathlessness precaution), so that a precaution follows the point, not the painful region.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from acuplan.core.assessment.rules import fires
from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge import models as km
from acuplan.core.knowledge.index import index_of, selects

#: How steep an angle is: an angle cap ("at most oblique") changes only a steeper angle, so a
#: point already needled toward the spine keeps its direction.
STEEPNESS = {
    "perpendicular": 2,
    "oblique": 1,
    "oblique_medial": 1,
    "oblique_inferior": 1,
    "oblique_superior": 1,
    "oblique_lateral": 1,
    "transverse": 0,
}


@dataclass(frozen=True, slots=True)
class RuleRef:
    """Why: the rule id, its title and its sources (ids)."""

    rule: str
    title: str
    sources: tuple[str, ...]
    status: str


@dataclass(frozen=True, slots=True)
class DepthCap:
    depth_max_cun: float
    angle: str | None
    why: RuleRef


@dataclass(frozen=True, slots=True)
class Precaution:
    code: str
    text: str
    rule: str
    methods: tuple[str, ...] = ()

    def applies_to(self, method: str) -> bool:
        return not self.methods or method in self.methods


@dataclass
class SafetyFilter:
    """The combined effect of every safety rule that fired."""

    rules: list[km.SafetyRule] = field(default_factory=list)
    excluded: dict[str, list[RuleRef]] = field(default_factory=dict)
    caps: dict[str, list[DepthCap]] = field(default_factory=dict)
    forbidden_techniques: dict[str, list[RuleRef]] = field(default_factory=dict)
    no_moxibustion: list[RuleRef] = field(default_factory=list)
    no_moxibustion_points: dict[str, list[RuleRef]] = field(default_factory=dict)
    no_bleeding: list[RuleRef] = field(default_factory=list)
    max_points: tuple[int, RuleRef] | None = None
    precautions: list[Precaution] = field(default_factory=list)

    def capped(
        self, code: str, depth_max_cun: float, angle: str
    ) -> tuple[float, str, list[RuleRef]]:
        """The point's depth and angle after every cap on it, and every rule that caps it
        (named even when the textbook figure already lies within the cap)."""
        depth, new_angle = depth_max_cun, angle
        caps = sorted(self.caps.get(code, ()), key=lambda c: c.depth_max_cun)
        for cap in caps:
            depth = min(depth, cap.depth_max_cun)
            if cap.angle and STEEPNESS.get(new_angle, 2) > STEEPNESS[cap.angle]:
                new_angle = cap.angle
        return depth, new_angle, list(dict.fromkeys(c.why for c in caps))


def evaluate_safety(
    kb: Knowledge, findings: frozenset[str], details: Mapping[str, km.PointDetail]
) -> SafetyFilter:
    """The rules that fire on the findings alone. ``details`` holds the points whose detail
    depends on the intake (tender points take the zones of the painful regions)."""
    out = SafetyFilter()
    for rule in kb.safety_rules:
        if rule.when_points is None and fires(rule, findings):
            _add_rule(kb, out, rule, details)
    return out


def add_point_rules(
    kb: Knowledge,
    out: SafetyFilter,
    findings: frozenset[str],
    codes: Iterable[str],
    details: Mapping[str, km.PointDetail],
) -> None:
    """Add the rules that fire because one of ``codes`` (about to be prescribed) matches
    their ``when_points`` selector (and their findings, if they name any)."""
    wanted = list(codes)
    for rule in kb.safety_rules:
        sel = rule.when_points
        if sel is None or rule in out.rules:
            continue
        if (rule.when_all or rule.when_any or rule.when_none) and not fires(rule, findings):
            continue
        if any(_picks(sel, c, _detail(kb, c, details)) for c in wanted):
            _add_rule(kb, out, rule, details)


def _detail(kb: Knowledge, code: str, details: Mapping[str, km.PointDetail]) -> km.PointDetail:
    return details.get(code) or kb.prescribable(code)


def _picks(sel: km.PointSelector, code: str, d: km.PointDetail) -> bool:
    return (
        code in sel.points
        or bool(set(sel.zones) & set(d.zones))
        or bool(set(sel.caution_kinds) & {c.kind for c in d.cautions})
    )


def _add_rule(
    kb: Knowledge, out: SafetyFilter, rule: km.SafetyRule, details: Mapping[str, km.PointDetail]
) -> None:
    out.rules.append(rule)
    ref = RuleRef(rule.id, rule.title, rule.sources, rule.status)
    index = index_of(kb)
    for i, effect in enumerate(rule.effects):
        codes = list(index.fixed_effect_points.get((rule.id, i), ()))
        codes += [c for c, d in details.items() if selects(effect, c, d)]
        _apply(out, effect, ref, codes)


def _apply(out: SafetyFilter, effect: km.Effect, ref: RuleRef, codes: list[str]) -> None:
    kind = effect.kind
    if kind == "exclude_points":
        for code in codes:
            out.excluded.setdefault(code, []).append(ref)
    elif kind == "cap_depth" and effect.depth_max_cun:
        for code in codes:
            out.caps.setdefault(code, []).append(DepthCap(effect.depth_max_cun, effect.angle, ref))
    elif kind == "forbid_technique" and effect.technique:
        out.forbidden_techniques.setdefault(effect.technique, []).append(ref)
    elif kind == "forbid_moxibustion" and _has_selector(effect):
        for code in codes:
            out.no_moxibustion_points.setdefault(code, []).append(ref)
    elif kind == "forbid_moxibustion":
        out.no_moxibustion.append(ref)
    elif kind == "forbid_bleeding":
        out.no_bleeding.append(ref)
    elif kind == "limit_points" and effect.max_points:
        if out.max_points is None or effect.max_points < out.max_points[0]:
            out.max_points = (effect.max_points, ref)
    elif kind == "precaution" and effect.code and effect.text:
        out.precautions.append(Precaution(effect.code, effect.text, ref.rule, effect.methods))


def _has_selector(effect: km.Effect) -> bool:
    return bool(
        effect.points or effect.zones or effect.caution_kinds or effect.pregnancy_contraindicated
    )
