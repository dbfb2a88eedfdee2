"""The safety gate around the engine. The engine's filter holds inside a plan; these checks
hold it everywhere care is recorded or decided, because every entry point (page, API,
questionnaire link, command, admin) goes through the services that call them.

- ``treatment_gate``: may this patient be treated today? Not when the latest plan's triage
  stops treatment, not when the patient reported a red flag since, not without any plan.
- ``plan_safety``: the plan's safety filter recomputed from its stored findings, for any
  point (an override or a session may name a point the engine never proposed).
- ``check_session``: what a session records, against that filter: excluded points and
  depths beyond the cap need a confirmation with a reason; a rule that is not overridable
  (electrical stimulation with a cardiac device) refuses outright.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from acuplan.clinic.models import Patient, Plan, PlanOverride
from acuplan.core.assessment.safety import RuleRef, SafetyFilter, add_point_rules, evaluate_safety
from acuplan.core.errors import FieldError
from acuplan.core.knowledge import Knowledge, default_knowledge
from acuplan.core.knowledge import models as km
from acuplan.core.knowledge.zones import regional_points

BLOCKING = frozenset({"emergency", "refer_before_treatment"})


# --- may the patient be treated? ----------------------------------------------------------


@dataclass(frozen=True)
class Gate:
    """``blocked`` with ``message`` in clinical words; ``plan`` is the latest plan."""

    plan: Plan | None
    blocked: bool
    message: str = ""
    urgency: str | None = None
    reported_flags: list[str] = field(default_factory=list)


def latest_plan(patient: Patient) -> Plan | None:
    """The newest plan: the latest intake's assessment, whatever its status."""
    return patient.plans.order_by("-created_at", "-pk").first()


def treatment_gate(patient: Patient) -> Gate:
    plan = latest_plan(patient)
    kb = default_knowledge()
    if plan is None:
        return Gate(
            None,
            True,
            "No intake has been assessed for this patient: record an intake (red flags, "
            "contraindications) before any treatment.",
        )
    if plan.triage_decision in BLOCKING:
        titles = "; ".join(r["text"].split(":")[0] for r in _standing(plan))
        return Gate(
            plan,
            True,
            f"{kb.term('decision.' + plan.triage_decision)} Latest assessment of "
            f"{plan.as_of.isoformat()}: {titles}. Treatment stays refused until a new intake "
            "records the physician's assessment (red flags ruled out are entered as cleared, "
            "with who cleared them and when).",
            plan.data["triage"].get("urgency"),
        )
    flags = reported_flags_since(patient, plan)
    if flags:
        words = ", ".join(f.replace("_", " ") for f in flags)
        return Gate(
            plan,
            True,
            f"The patient reported {words} after the latest assessment: re-triage with a new "
            "intake before any treatment.",
            None,
            flags,
        )
    return Gate(plan, False)


def _standing(plan: Plan) -> list[dict[str, Any]]:
    reasons: list[dict[str, Any]] = plan.data["triage"]["reasons"]
    return [r for r in reasons if not r.get("cleared")]


def reported_flags_since(patient: Patient, plan: Plan) -> list[str]:
    """Red flags the patient reported on an outcome response recorded after ``plan``."""
    rows = patient.outcome_responses.filter(recorded_at__gt=plan.created_at).values_list(
        "red_flags", flat=True
    )
    return sorted({f for flags in rows for f in (flags or [])})


# --- the plan's safety filter, for any point ----------------------------------------------


@dataclass
class PlanSafety:
    kb: Knowledge
    findings: frozenset[str]
    filter: SafetyFilter
    details: dict[str, km.PointDetail]
    overrides: list[PlanOverride]
    dropped_by_limit: frozenset[str] = frozenset()
    """Points the plan left out because a safety rule limits their number."""

    def detail(self, code: str) -> km.PointDetail:
        return self.details.get(code) or self.kb.prescribable(code)

    def excluded_by(self, code: str) -> list[RuleRef]:
        """The rules that keep ``code`` out: its exclusions, and the rule whose point limit
        dropped it from this plan."""
        refs = list(self.filter.excluded.get(code, []))
        limit = self.filter.max_points
        if limit is not None and code in self.dropped_by_limit and limit[1] not in refs:
            refs.append(limit[1])
        return refs

    def readmitted(self, code: str) -> set[str]:
        """The rules that the safety override in force set aside for ``code``: the latest
        add-back, unless a later override removed the point again."""
        rules: set[str] = set()
        for o in self._in_order():
            if o.target == code and o.kind == PlanOverride.Kind.ADD_POINT:
                rules = set(o.overrides_rules)
            elif o.target == code and o.kind == PlanOverride.Kind.REMOVE_POINT:
                rules = set()
        return rules

    def technique_override(self) -> PlanOverride | None:
        """The latest technique override: the one in force."""
        changes = [o for o in self._in_order() if o.kind == PlanOverride.Kind.TECHNIQUE]
        return changes[-1] if changes else None

    def _in_order(self) -> list[PlanOverride]:
        return sorted(self.overrides, key=lambda o: (o.at, o.pk))

    def cap(self, code: str) -> tuple[float, list[RuleRef]]:
        d = self.detail(code)
        depth, _, rules = self.filter.capped(code, d.depth_max_cun, d.angle)
        return depth, rules

    def forbidding(self, method: str) -> list[RuleRef]:
        return list(self.filter.forbidden_techniques.get(method, []))

    def rule(self, rule_id: str) -> km.SafetyRule | None:
        return next((r for r in self.kb.safety_rules if r.id == rule_id), None)

    def overridable(self, refs: Iterable[RuleRef]) -> bool:
        return all((rule := self.rule(r.rule)) is None or rule.overridable for r in refs)


def plan_safety(plan: Plan, points: Iterable[str] = ()) -> PlanSafety:
    """The safety filter of the plan's findings, with the point-following rules (lung,
    kidney) applied to ``points`` too."""
    kb = default_knowledge()
    findings = frozenset(plan.data.get("findings", []))
    details = regional_points(kb, plan.data["classification"]["regions"])
    safety = evaluate_safety(kb, findings, details)
    known = [c for c in points if c in kb.points and kb.points[c].detail is not None]
    add_point_rules(kb, safety, findings, known, details)
    rx = plan.data.get("prescription") or {}
    limit_rule = safety.max_points[1].rule if safety.max_points else None
    dropped = frozenset(
        e["code"]
        for e in rx.get("excluded_points", [])
        if any(r["rule"] == limit_rule for r in e["reasons"]) and e["code"] not in safety.excluded
    )
    return PlanSafety(kb, findings, safety, details, list(plan.overrides.all()), dropped)


def describe(refs: Sequence[RuleRef]) -> str:
    return "; ".join(f"{r.title} ({r.rule})" for r in refs)


# --- a session against the filter ---------------------------------------------------------


@dataclass
class SessionCheck:
    refused: list[FieldError] = field(default_factory=list)
    """Errors no confirmation can lift."""
    unconfirmed: list[FieldError] = field(default_factory=list)
    """Issues a confirmation with a reason would lift."""
    confirmed: list[dict[str, Any]] = field(default_factory=list)
    """What will be stored on the session: target, issue, rules, reason."""
    pending: dict[str, str] = field(default_factory=dict)
    """Target -> what to confirm, for each unconfirmed issue (the page asks for a reason)."""

    @property
    def errors(self) -> list[FieldError]:
        return self.refused + self.unconfirmed


def check_session(
    safety: PlanSafety,
    *,
    method: str,
    moxibustion: bool,
    points: Sequence[Mapping[str, Any]],
    confirmations: Mapping[str, str],
) -> SessionCheck:
    """``points``: the validated rows (code, depth_cun); ``confirmations``: target (a point
    code, "CODE.depth", "method", "moxibustion" or "points" for the point limit) -> the
    practitioner's reason."""
    out = SessionCheck()
    needling = method != "acupressure"
    _check_method(safety, method, confirmations, out)
    for i, p in enumerate(points):
        code = str(p["code"])
        if code not in safety.kb.points:
            continue  # already reported as an unknown code
        d = safety.detail(code)
        if d.needling_forbidden and needling:
            out.refused.append(
                FieldError(f"points.{i}.code", f"{code} is never needled: {d.needling}")
            )
            continue
        if code not in safety.dropped_by_limit:  # the point limit is checked on the count
            _check_excluded(safety, i, code, confirmations, out)
        depth = p.get("depth_cun")
        if needling and depth is not None:
            _check_depth(safety, i, code, Decimal(str(depth)), confirmations, out)
    if moxibustion:
        _check_moxibustion(safety, [str(p["code"]) for p in points], confirmations, out)
    _check_limit(safety, len(points), confirmations, out)
    return out


def _check_limit(
    safety: PlanSafety, count: int, confirmations: Mapping[str, str], out: SessionCheck
) -> None:
    limit = safety.filter.max_points
    if limit is None or count <= limit[0]:
        return
    _confirm(
        out,
        confirmations,
        target="points",
        issue="point_limit",
        refs=[limit[1]],
        where="points",
        message=f"{count} points is more than the {limit[0]} that {describe([limit[1]])} allows",
    )


def _confirm(
    out: SessionCheck,
    confirmations: Mapping[str, str],
    *,
    target: str,
    issue: str,
    refs: Sequence[RuleRef],
    where: str,
    message: str,
) -> None:
    reason = confirmations.get(target, "").strip()
    if reason:
        out.confirmed.append(
            {"target": target, "issue": issue, "rules": [r.rule for r in refs], "reason": reason}
        )
    else:
        out.unconfirmed.append(FieldError(where, f"{message}: confirm with a reason to record it"))
        out.pending[target] = message


def _check_method(
    safety: PlanSafety, method: str, confirmations: Mapping[str, str], out: SessionCheck
) -> None:
    refs = safety.forbidding(method)
    if not refs:
        return
    if not safety.overridable(refs):
        out.refused.append(
            FieldError("method", f"{method} is refused for this patient: {describe(refs)}")
        )
        return
    override = safety.technique_override()
    if (
        override is not None
        and override.target == method
        and {r.rule for r in refs} <= set(override.overrides_rules)
    ):
        return
    _confirm(
        out,
        confirmations,
        target="method",
        issue="technique",
        refs=refs,
        where="method",
        message=f"{method} is withheld by {describe(refs)}",
    )


def _check_excluded(
    safety: PlanSafety, i: int, code: str, confirmations: Mapping[str, str], out: SessionCheck
) -> None:
    refs = [r for r in safety.excluded_by(code) if r.rule not in safety.readmitted(code)]
    if not refs:
        return
    if not safety.overridable(refs):
        out.refused.append(FieldError(f"points.{i}.code", f"{code} is refused: {describe(refs)}"))
        return
    _confirm(
        out,
        confirmations,
        target=code,
        issue="excluded",
        refs=refs,
        where=f"points.{i}.code",
        message=f"{code} was excluded by {describe(refs)}",
    )


def _check_depth(
    safety: PlanSafety,
    i: int,
    code: str,
    depth: Decimal,
    confirmations: Mapping[str, str],
    out: SessionCheck,
) -> None:
    cap, refs = safety.cap(code)
    if depth <= Decimal(str(cap)):
        return
    _confirm(
        out,
        confirmations,
        target=f"{code}.depth",
        issue="depth",
        refs=refs,
        where=f"points.{i}.depth_cun",
        message=f"{depth} cun at {code} is deeper than its cap of {cap:g} cun",
    )


def _check_moxibustion(
    safety: PlanSafety, codes: list[str], confirmations: Mapping[str, str], out: SessionCheck
) -> None:
    f = safety.filter
    refs = list(f.no_moxibustion)
    blocked = [c for c in codes if c in f.no_moxibustion_points]
    refs += [r for c in blocked for r in f.no_moxibustion_points[c] if r not in refs]
    if not refs:
        return
    what = f" at {', '.join(blocked)}" if blocked else ""
    _confirm(
        out,
        confirmations,
        target="moxibustion",
        issue="moxibustion",
        refs=refs,
        where="moxibustion",
        message=f"moxibustion{what} is withheld by {describe(refs)}",
    )
