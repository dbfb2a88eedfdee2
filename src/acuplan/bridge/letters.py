"""A referral letter to the patient's physician, as data: the urgency in words, the
findings that raised it in medical language, what was and was not done, and who writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from acuplan.accounts.models import PractitionerProfile, User
from acuplan.clinic.models import Plan
from acuplan.clinic.safety_gate import BLOCKING
from acuplan.core.errors import FieldError, InvalidInput
from acuplan.core.knowledge import default_knowledge
from acuplan.core.knowledge.interop import default_interop


@dataclass(frozen=True)
class Writer:
    name: str
    licence: str
    contact: str
    clinic: str


@dataclass(frozen=True)
class Letter:
    plan: Plan
    index: int
    day: dt.date
    to: str
    urgency: str
    urgency_words: str
    reason: str
    reason_text: str
    findings: list[str]
    done: list[str]
    not_done: list[str]
    writer: Writer
    physician_name: str
    physician_contact: str
    other_referrals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def can_email(self) -> bool:
        return is_email(self.physician_contact)


def is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def referral_of(plan: Plan, index: int) -> dict[str, Any]:
    """The plan's ``index``-th referral (InvalidInput when there is none)."""
    referrals: list[dict[str, Any]] = plan.data["triage"].get("referrals", [])
    if not 0 <= index < len(referrals):
        raise InvalidInput(
            [FieldError("referral", f"this plan has {len(referrals)} referral(s); no {index}")]
        )
    return referrals[index]


def writer_for(user: User) -> Writer:
    profile = PractitionerProfile.objects.filter(user=user).first()
    licence = "no licence on file"
    if profile is not None:
        licence = f"{profile.licence_state} acupuncture licence {profile.licence_number}"
        if profile.npi:
            licence += f", NPI {profile.npi}"
    contact = user.email
    return Writer(user.display_name, licence, contact, user.clinic.name if user.clinic else "")


def build_letter(plan: Plan, index: int, user: User, day: dt.date) -> Letter:
    kb, words = default_knowledge(), default_interop()
    referral = referral_of(plan, index)
    triage = plan.data["triage"]
    reasons = [r for r in triage["reasons"] if r["code"] == referral.get("code")]
    findings = [words.medical(f) for r in reasons for f in r.get("findings", [])]
    blocked = plan.triage_decision in BLOCKING
    done = [f"History and screening on {plan.as_of:%d %B %Y} (acuplan triage)."]
    not_done = ["No investigation (imaging, laboratory) was ordered or performed."]
    if blocked:
        not_done.insert(0, "No acupuncture or other treatment was given: no needling.")
    else:
        sessions = plan.patient.sessions.count()
        done.append(f"Acupuncture may continue with precautions; {sessions} session(s) so far.")
    return Letter(
        plan=plan,
        index=index,
        day=day,
        to=referral["to"],
        urgency=referral["urgency"],
        urgency_words=kb.term(f"urgency.{referral['urgency']}"),
        reason=referral["reason"],
        reason_text=reasons[0]["text"] if reasons else referral["reason"],
        findings=list(dict.fromkeys(findings)),
        done=done,
        not_done=not_done,
        writer=writer_for(user),
        physician_name=plan.patient.physician_name,
        physician_contact=plan.patient.physician_contact,
        other_referrals=[r for i, r in enumerate(triage.get("referrals", [])) if i != index],
    )


def letter_text(letter: Letter) -> str:
    """The letter as plain text (the email body)."""
    p = letter.plan.patient
    lines = [
        f"{letter.writer.clinic}, {letter.day:%d %B %Y}",
        "",
        f"Dear {letter.physician_name or 'Doctor'},",
        "",
        f"Re: {p.full_name}, born {p.date_of_birth:%d %B %Y}",
        "",
        f"URGENCY: {letter.urgency_words}",
        f"Referral to: {letter.to}",
        f"Reason: {letter.reason}",
        "",
        letter.reason_text,
        "",
        "Findings: " + ("; ".join(letter.findings) or "see reason above") + ".",
        "",
        "What was done: " + " ".join(letter.done),
        "What was not done: " + " ".join(letter.not_done),
        "",
        "Yours sincerely,",
        letter.writer.name,
        letter.writer.licence,
        letter.writer.contact,
    ]
    return "\n".join(lines) + "\n"
