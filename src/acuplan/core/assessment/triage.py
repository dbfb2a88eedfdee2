"""Triage: emergency, referral before treatment, or proceed (with precautions)."""

from __future__ import annotations

from dataclasses import dataclass, field

from acuplan.core.assessment.rules import firing, matched
from acuplan.core.knowledge import Knowledge
from acuplan.core.knowledge import models as km

Decision = str  # "emergency" | "refer_before_treatment" | "proceed_with_precautions" | "proceed"


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text: str
    source: str
    status: str
    findings: list[str] = field(default_factory=list)


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

    @property
    def blocks_treatment(self) -> bool:
        return self.decision in {"emergency", "refer_before_treatment"}


def reason_for(kb: Knowledge, rule: km.Rule, findings: frozenset[str]) -> Reason:
    """A rule as an explained reason: its text, findings used, and cited sources."""
    source = "; ".join(kb.citation(s) for s in rule.sources)
    return Reason(
        rule.id, f"{rule.title}: {rule.text}", source, rule.status, matched(rule, findings)
    )


def triage(kb: Knowledge, findings: frozenset[str], cautions: list[km.SafetyRule]) -> Triage:
    """Red flags first; then non-blocking referrals and the safety cautions that apply."""
    flags = firing(kb.red_flag_rules, findings)
    referral_rules = firing(kb.referral_rules, findings)
    referrals = [Referral(r.refer_to, r.urgency, r.title, r.id) for r in flags]
    referrals += [Referral(r.refer_to, r.urgency, r.title, r.id) for r in referral_rules]
    emergency = [r for r in flags if r.decision == "emergency"]
    if emergency or flags:
        decision = "emergency" if emergency else "refer_before_treatment"
        return Triage(decision, [reason_for(kb, r, findings) for r in flags], referrals)
    patient_specific = [r for r in cautions if r.severity != "routine"]
    reasons = [reason_for(kb, r, findings) for r in (*patient_specific, *referral_rules)]
    return Triage("proceed_with_precautions" if reasons else "proceed", reasons, referrals)
