"""Triage: emergency, referral before treatment, or proceed (with precautions).

A red flag that a physician has ruled out (``medical.cleared_red_flags``) stays in the plan,
marked cleared with who cleared it and when, and no longer blocks treatment. A rule is lifted
when every red flag it matched is cleared; a rule that matched only derived findings (bilateral
below-knee pain, a fracture risk with an injury) is lifted by the clearance of one of its
``clearable_by`` flags, and never when it has none (a child under 16).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from acuplan.core.assessment.rules import firing, matched
from acuplan.core.intake import Clearance
from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge import models as km

Decision = str  # "emergency" | "refer_before_treatment" | "proceed_with_precautions" | "proceed"
URGENCY_ORDER = ("emergency", "urgent", "soon", "routine")
NO_SOURCE = "acuplan's own default: no published source was checked"


@dataclass(frozen=True, slots=True)
class ClearedBy:
    """Who ruled out the red flags of a lifted rule, and when."""

    flags: list[str]
    cleared_by: list[str]
    cleared_on: list[str]
    notes: list[str]


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text: str
    source: str
    status: str
    findings: list[str] = field(default_factory=list)
    cleared: ClearedBy | None = None


@dataclass(frozen=True, slots=True)
class Referral:
    to: str
    urgency: str
    reason: str
    code: str


@dataclass(frozen=True, slots=True)
class Triage:
    decision: str
    reasons: list[Reason]
    referrals: list[Referral]
    urgency: str | None = None
    """The most urgent referral that stops treatment (None when treatment may go ahead)."""

    @property
    def blocks_treatment(self) -> bool:
        return self.decision in {"emergency", "refer_before_treatment"}


def reason_for(
    kb: Knowledge, rule: km.Rule, findings: frozenset[str], cleared: ClearedBy | None = None
) -> Reason:
    """A rule as an explained reason: its text, findings used, and cited sources (never an
    internal one: a rule that rests on acuplan's own default says so)."""
    source = "; ".join(kb.citation(s) for s in kb.public_refs(rule.sources)) or NO_SOURCE
    return Reason(
        rule.id,
        f"{rule.title}: {rule.text}",
        source,
        rule.status,
        matched(rule, findings),
        cleared,
    )


def clearance_of(
    rule: km.RedFlagRule | km.ReferralRule,
    findings: frozenset[str],
    clearances: Sequence[Clearance],
) -> ClearedBy | None:
    """The clearances that lift ``rule``, or None when it still stands."""
    by_flag: dict[str, Clearance] = {c.flag: c for c in clearances}
    flags = [
        t.removeprefix("red_flag.") for t in matched(rule, findings) if t.startswith("red_flag.")
    ]
    if any(f not in by_flag for f in flags):
        return None
    used = flags or [f for f in rule.clearable_by if f in by_flag][:1]
    if not used:
        return None
    items = [by_flag[f] for f in used]
    return ClearedBy(
        [c.flag for c in items],
        [c.cleared_by for c in items],
        [c.cleared_on.isoformat() for c in items],
        [c.note for c in items],
    )


def _referrals(rules: Iterable[km.RedFlagRule | km.ReferralRule]) -> list[Referral]:
    return [Referral(r.refer_to, r.urgency, r.title, r.id) for r in rules]


def most_urgent(urgencies: Iterable[str]) -> str | None:
    found = set(urgencies)
    return next((u for u in URGENCY_ORDER if u in found), None)


def triage(
    kb: Knowledge,
    findings: frozenset[str],
    cautions: list[km.SafetyRule],
    clearances: Sequence[Clearance] = (),
) -> Triage:
    """Red flags first; then non-blocking referrals and the safety cautions that apply."""
    flags, lifted = _split(firing(kb.red_flag_rules, findings), findings, clearances)
    referral_rules, lifted_refs = _split(firing(kb.referral_rules, findings), findings, clearances)
    cleared_reasons = [reason_for(kb, r, findings, c) for r, c in (*lifted, *lifted_refs)]
    cleared_reasons += _other_clearances(clearances, cleared_reasons)
    referrals = _referrals(flags) + _referrals(referral_rules)
    if flags:
        emergency = any(r.decision == "emergency" for r in flags)
        return Triage(
            "emergency" if emergency else "refer_before_treatment",
            [reason_for(kb, r, findings) for r in flags] + cleared_reasons,
            referrals,
            most_urgent(r.urgency for r in flags),
        )
    patient_specific = [r for r in cautions if r.severity != "routine"]
    reasons = [reason_for(kb, r, findings) for r in (*patient_specific, *referral_rules)]
    reasons += cleared_reasons
    return Triage("proceed_with_precautions" if reasons else "proceed", reasons, referrals)


def _other_clearances(clearances: Sequence[Clearance], shown: list[Reason]) -> list[Reason]:
    """Clearances that lifted no rule of this plan still stay in it, marked cleared."""
    used = {f for r in shown if r.cleared for f in r.cleared.flags}
    rest = [c for c in clearances if c.flag not in used]
    if not rest:
        return []
    words = "; ".join(
        f"{c.flag.replace('_', ' ')} (ruled out by {c.cleared_by} on {c.cleared_on.isoformat()})"
        for c in rest
    )
    return [
        Reason(
            "cleared_red_flags",
            f"Red flags ruled out by a physician: {words}.",
            "medical.cleared_red_flags (the intake)",
            "V",
            [f"red_flag.{c.flag}" for c in rest],
            ClearedBy(
                [c.flag for c in rest],
                [c.cleared_by for c in rest],
                [c.cleared_on.isoformat() for c in rest],
                [c.note for c in rest],
            ),
        )
    ]


T = TypeVar("T", km.RedFlagRule, km.ReferralRule)


def _split(
    rules: list[T], findings: frozenset[str], clearances: Sequence[Clearance]
) -> tuple[list[T], list[tuple[T, ClearedBy]]]:
    standing: list[T] = []
    lifted: list[tuple[T, ClearedBy]] = []
    for rule in rules:
        cleared = clearance_of(rule, findings, clearances) if clearances else None
        if cleared is None:
            standing.append(rule)
        else:
            lifted.append((rule, cleared))
    return standing, lifted
