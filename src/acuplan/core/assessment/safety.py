"""The safety filter: what the patient's findings forbid or limit, from rules/safety.toml."""

from __future__ import annotations

from dataclasses import dataclass, field

from acuplan.core.assessment.rules import firing
from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge import models as km
from acuplan.core.knowledge.index import index_of


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


@dataclass
class SafetyFilter:
    """The combined effect of every safety rule that fired."""

    rules: list[km.SafetyRule] = field(default_factory=list)
    excluded: dict[str, list[RuleRef]] = field(default_factory=dict)
    caps: dict[str, list[DepthCap]] = field(default_factory=dict)
    forbidden_techniques: dict[str, list[RuleRef]] = field(default_factory=dict)
    no_moxibustion: list[RuleRef] = field(default_factory=list)
    no_bleeding: list[RuleRef] = field(default_factory=list)
    max_points: tuple[int, RuleRef] | None = None
    precautions: list[Precaution] = field(default_factory=list)

    def capped(
        self, code: str, depth_max_cun: float, angle: str
    ) -> tuple[float, str, list[RuleRef]]:
        """The point's depth and angle after every cap on it, and the rules that changed them."""
        depth, new_angle, why = depth_max_cun, angle, []
        for cap in sorted(self.caps.get(code, ()), key=lambda c: c.depth_max_cun):
            changed = False
            if cap.depth_max_cun < depth:
                depth, changed = cap.depth_max_cun, True
            if cap.angle and new_angle == angle and cap.angle != angle:
                new_angle, changed = cap.angle, True
            if changed:
                why.append(cap.why)
        return depth, new_angle, why


def evaluate_safety(kb: Knowledge, findings: frozenset[str]) -> SafetyFilter:
    out = SafetyFilter()
    index = index_of(kb)
    for rule in firing(kb.safety_rules, findings):
        out.rules.append(rule)
        ref = RuleRef(rule.id, rule.title, rule.sources, rule.status)
        for i, effect in enumerate(rule.effects):
            _apply(out, effect, ref, index.effect_points.get((rule.id, i), ()))
    return out


def _apply(out: SafetyFilter, effect: km.Effect, ref: RuleRef, codes: tuple[str, ...]) -> None:
    kind = effect.kind
    if kind == "exclude_points":
        for code in codes:
            out.excluded.setdefault(code, []).append(ref)
    elif kind == "cap_depth" and effect.depth_max_cun:
        for code in codes:
            out.caps.setdefault(code, []).append(DepthCap(effect.depth_max_cun, effect.angle, ref))
    elif kind == "forbid_technique" and effect.technique:
        out.forbidden_techniques.setdefault(effect.technique, []).append(ref)
    elif kind == "forbid_moxibustion":
        out.no_moxibustion.append(ref)
    elif kind == "forbid_bleeding":
        out.no_bleeding.append(ref)
    elif kind == "limit_points" and effect.max_points:
        if out.max_points is None or effect.max_points < out.max_points[0]:
            out.max_points = (effect.max_points, ref)
    elif kind == "precaution" and effect.code and effect.text:
        out.precautions.append(Precaution(effect.code, effect.text, ref.rule))
