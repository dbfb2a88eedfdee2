"""Prescribe points: selections and pattern points, then the safety filter.

Every point carries its role, rationale, rules and sources; every point the safety filter
removes is listed in ``excluded_points`` with its reasons. Nothing is removed silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from acuplan.core.assessment.patterns import PatternResult
from acuplan.core.assessment.rules import firing
from acuplan.core.assessment.safety import RuleRef, SafetyFilter
from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge import models as km

ROLE_ORDER = ("local", "distal", "symptom", "channel", "pattern")


@dataclass(slots=True)
class Candidate:
    code: str
    role: str
    side: str
    rationale: list[str]
    rules: list[str]
    sources: list[str]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Caution:
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class PrescribedPoint:
    code: str
    name: str
    side: str
    role: str
    depth_max_cun: float | None
    """None in an acupressure plan: nothing is inserted."""
    angle: str | None
    cautions: list[Caution]
    rationale: str
    sources: list[str]
    rules: list[str]
    status: str
    moxibustion: bool = False
    bleeding: bool = False
    pregnancy_contraindicated: bool = False
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ExcludedReason:
    rule: str
    text: str
    sources: list[str]


@dataclass(frozen=True, slots=True)
class ExcludedPoint:
    code: str
    reasons: list[ExcludedReason]


@dataclass(slots=True)
class PointSet:
    points: list[PrescribedPoint] = field(default_factory=list)
    excluded: list[ExcludedPoint] = field(default_factory=list)


def candidate_points(
    kb: Knowledge,
    findings: frozenset[str],
    leg_side: str | None,
    pattern: PatternResult | None,
    regions: tuple[str, ...] = (),
) -> list[Candidate]:
    """Points before the safety filter, merged by code (first role wins, rationale adds up).
    A pattern's local points join only when their region is among the painful ``regions``."""
    merged: dict[str, Candidate] = {}

    def add(
        code: str,
        role: str,
        side: str,
        why: str,
        rule: str,
        sources: list[str],
        note: str | None = None,
    ) -> None:
        if code in merged:
            c = merged[code]
            c.rationale.append(why)
            c.rules.append(rule)
            c.sources += [s for s in sources if s not in c.sources]
            return
        merged[code] = Candidate(
            code, role, point_side(code, side, leg_side), [why], [rule], list(sources), note
        )

    for sel in firing(kb.selections, findings):
        for code in sel.points:
            add(
                code,
                sel.role,
                sel.side,
                f"{sel.title}: {sel.text}",
                sel.id,
                list(sel.sources),
                sel.note,
            )
    if pattern is not None:
        p = kb.patterns[pattern.id]
        for pp in p.points:
            if pp.role == "local" and pp.region not in regions:
                continue
            where = f" (local to the {pp.region.replace('_', ' ')})" if pp.region else ""
            add(
                pp.code,
                "pattern",
                "bilateral",
                f"{p.name}{where}: {p.principle}",
                f"pattern.{p.id}",
                list(p.sources),
            )
    return sorted(merged.values(), key=lambda c: ROLE_ORDER.index(c.role))


def point_side(code: str, mode: str = "bilateral", leg_side: str | None = None) -> str:
    """Midline points (GV, CV) are "midline", tender points "as_found"; otherwise both sides,
    or the painful leg for an "affected_leg" selection."""
    if code.startswith(("GV", "CV")):
        return "midline"
    if code == "ASHI":
        return "as_found"
    if mode == "affected_leg" and leg_side in {"left", "right"}:
        return str(leg_side)
    return "bilateral"


def apply_safety(
    kb: Knowledge,
    candidates: list[Candidate],
    safety: SafetyFilter,
    *,
    moxibustion: bool,
    bleeding: bool,
    method: str,
    details: Mapping[str, km.PointDetail],
) -> PointSet:
    """Remove what the filter forbids, cap depths, limit the count; explain each change.
    ``details`` overrides the knowledge base for points whose detail depends on the intake."""
    out = PointSet()
    kept: list[Candidate] = []
    for c in candidates:
        if c.code in safety.excluded:
            out.excluded.append(_excluded(kb, c.code, safety.excluded[c.code]))
        else:
            kept.append(c)
    if safety.max_points is not None and len(kept) > safety.max_points[0]:
        limit, ref = safety.max_points
        why = f"{ref.title}: at most {limit} points (lowest-ranked roles dropped first)"
        out.excluded += [_excluded(kb, c.code, [ref], why) for c in kept[limit:]]
        kept = kept[:limit]
    for c in kept:
        d = details.get(c.code) or kb.prescribable(c.code)
        # Moxa only on pattern points that allow it and that no safety rule keeps moxa off
        # (the lumbosacral and abdominal points in pregnancy).
        moxa = (
            moxibustion
            and c.role == "pattern"
            and d.moxibustion != "avoid"
            and c.code not in safety.no_moxibustion_points
        )
        out.points.append(
            _prescribe(kb, c, d, safety, method, moxa=moxa, bleed=bleeding and d.bleeding_technique)
        )
    return out


def _excluded(
    kb: Knowledge, code: str, refs: list[RuleRef], text: str | None = None
) -> ExcludedPoint:
    reasons = [
        ExcludedReason(r.rule, text or r.title, [kb.citation(s) for s in kb.public_refs(r.sources)])
        for r in refs
    ]
    return ExcludedPoint(code, reasons)


def _prescribe(
    kb: Knowledge,
    c: Candidate,
    d: km.PointDetail,
    safety: SafetyFilter,
    method: str,
    *,
    moxa: bool,
    bleed: bool,
) -> PrescribedPoint:
    point = kb.points[c.code]
    rationale = " ".join(c.rationale)
    sources = c.sources + [s for s in d.sources if s not in c.sources]
    depth: float | None = None
    angle: str | None = None
    cautions: list[Caution] = []
    rules = list(c.rules)
    if method != "acupressure":  # with acupressure nothing is inserted: no depth or angle
        depth, angle, capped_by = safety.capped(c.code, d.depth_max_cun, d.angle)
        rationale += _cap_note(capped_by, depth, angle, d)
        sources += [s for r in capped_by for s in r.sources if s not in sources]
        cautions = [Caution(x.kind, x.text) for x in d.cautions]
        rules += [r.rule for r in capped_by]
    return PrescribedPoint(
        code=c.code,
        name=f"{point.pinyin} ({point.english})",
        side=c.side,
        role=c.role,
        depth_max_cun=depth,
        angle=angle,
        cautions=cautions,
        rationale=rationale,
        sources=kb.public_refs(sources),
        rules=rules,
        status=d.status,
        moxibustion=moxa,
        bleeding=bleed and method != "acupressure",
        pregnancy_contraindicated=d.pregnancy_contraindicated,
        note=c.note,
    )


def _cap_note(capped_by: list[RuleRef], depth: float, angle: str, d: km.PointDetail) -> str:
    if not capped_by:
        return ""
    # The rule's title first, its id beside it: a reader never meets a bare rule id.
    rules = ", ".join(f"{r.title.lower()} ({r.rule})" for r in capped_by)
    if depth < d.depth_max_cun:
        return (
            f" Depth limited to {depth} cun ({angle.replace('_', ' ')}) by the rule on {rules}; "
            f"the textbook maximum is {d.depth_max_cun} cun."
        )
    if angle != d.angle:
        return f" Needle {angle.replace('_', ' ')}, as the rule on {rules} requires."
    return f" Within the cap of the rule on {rules}."
