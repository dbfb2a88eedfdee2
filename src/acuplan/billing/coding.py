"""A stored session's CPT coding, in the context of its day, and Medicare's visit rules for
the patient. The rules are ``acuplan.core.billing``; this module reads the records they need:
the session's sets, the earlier sessions of the same day, the payer named on the intake and
whether a responder decision is on file."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from acuplan.clinic.models import Patient, Plan, PlanStatus, Session
from acuplan.core.billing import Coding, DaySoFar, Line, NeedleSet, code_sets, default_rules
from acuplan.core.billing.medicare import VisitCheck, check_visit
from acuplan.core.errors import Conflict

#: The progress decision that documents improvement (a responder), as the scheduler reads it.
RESPONDER = "continue_then_taper"


@dataclass(frozen=True)
class SessionCoding:
    session_id: int
    coding: Coding
    payer: str | None
    visit: VisitCheck | None
    """Medicare's check of this visit; None for another payer."""
    plan: Plan | None = None
    """The plan the session followed (or the one in force that day): its diagnoses."""

    @property
    def lines(self) -> tuple[Line, ...]:
        """The coded lines with the payer's modifiers on the acupuncture lines (KX)."""
        extra = self.visit.modifiers if self.visit and self.visit.allowed else ()
        if not extra:
            return self.coding.lines
        return tuple(
            Line(x.cpt, x.units, (*x.modifiers, *extra), x.kind) if x.kind else x
            for x in self.coding.lines
        )

    @property
    def explanation(self) -> tuple[str, ...]:
        if self.visit is None:
            return self.coding.explanation
        return (*self.coding.explanation, f"Medicare: {self.visit.reason}")


def core_sets(session: Session) -> list[NeedleSet]:
    return [
        NeedleSet(s.stimulation, s.face_to_face_minutes, s.retention_minutes)  # type: ignore[arg-type]
        for s in session.sets.all()
    ]


def payer_of(plan: Plan | None) -> str | None:
    """The payer the plan's intake names (``preferences.payer``), None when not given."""
    if plan is None:
        return None
    prefs = (plan.intake.data or {}).get("preferences") or {}
    payer = prefs.get("payer")
    return str(payer) if payer else None


def improvement_documented(patient: Patient) -> bool:
    """A settled progress review whose decision is the responder's (continue, then taper)."""
    from acuplan.outcomes.models import ProgressReview, ReviewStatus

    return (
        ProgressReview.objects.filter(patient=patient, final_decision=RESPONDER)
        .exclude(status=ReviewStatus.PROPOSED)
        .exists()
    )


def treatment_days(patient: Patient, before: dt.date) -> list[dt.date]:
    return list(
        Session.objects.filter(patient=patient, date__lt=before)
        .values_list("date", flat=True)
        .distinct()
    )


def medicare_gate(patient: Patient, day: dt.date, plan: Plan | None) -> VisitCheck | None:
    """Conflict when the payer is Medicare and it would not cover a visit on ``day``
    (visit 13-20 without documented improvement; visit 21 in a year). None for another
    payer. Called by ``clinic.services.record_session`` before it writes."""
    if payer_of(plan) != default_rules().medicare.payer:
        return None
    # One visit at a time: two sessions recorded at once cannot both be the 20th.
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    if Session.objects.filter(patient=patient, date=day).exists():
        return None  # a second session the same day is the same visit
    check = check_visit(
        day,
        treatment_days(patient, day),
        improvement_documented=improvement_documented(patient),
        rules=default_rules(),
    )
    if not check.allowed:
        raise Conflict(
            f"{check.reason} The payer on the intake is Medicare; to give this visit as "
            "self-pay, record the payer on a new intake first."
        )
    return check


@dataclass
class _PatientFacts:
    """What the payer rules read about one patient, fetched once per patient."""

    days: list[dt.date]
    responder_days: list[dt.date]
    plans: list[Plan]

    @classmethod
    def of(cls, patient_id: int) -> _PatientFacts:
        from acuplan.outcomes.models import ProgressReview, ReviewStatus

        days = Session.objects.filter(patient_id=patient_id).values_list("date", flat=True)
        settled = (
            ProgressReview.objects.filter(patient_id=patient_id, final_decision=RESPONDER)
            .exclude(status=ReviewStatus.PROPOSED)
            .exclude(settled_at=None)
            .values_list("settled_at", flat=True)
        )
        plans = Plan.objects.filter(patient_id=patient_id).select_related("intake")
        return cls(
            sorted(set(days)),
            [timezone.localtime(at).date() for at in settled if at is not None],
            list(plans.order_by("-as_of", "-id")),
        )

    def plan_on(self, day: dt.date) -> Plan | None:
        """As :func:`plan_in_force`, from the fetched plans."""
        earlier = [p for p in self.plans if p.as_of <= day]
        settled = [p for p in earlier if p.status in (PlanStatus.APPROVED, PlanStatus.SUPERSEDED)]
        chosen = settled or earlier
        return chosen[0] if chosen else None


def code_sessions(sessions: Iterable[Session]) -> dict[int, SessionCoding]:
    """Each session coded with the earlier sessions of its day (same patient), in the order
    they were recorded. Sessions of the same day not in ``sessions`` are fetched."""
    wanted = list(sessions)
    days = {(s.patient_id, s.date) for s in wanted}
    patients = {s.patient_id for s in wanted}
    by_day: dict[tuple[int, dt.date], list[Session]] = defaultdict(list)
    for s in _sessions_on(days):
        by_day[(s.patient_id, s.date)].append(s)
    facts = {pk: _PatientFacts.of(pk) for pk in patients}
    out: dict[int, SessionCoding] = {}
    rules = default_rules()
    for (patient_id, _), day_sessions in by_day.items():
        so_far = DaySoFar()
        for s in sorted(day_sessions, key=lambda x: x.pk):
            coding = code_sets(
                core_sets(s), evaluation=s.evaluation or None, rules=rules, day=so_far
            )
            so_far = coding.day
            out[s.pk] = _with_payer(s, coding, facts[patient_id])
    return {s.pk: out[s.pk] for s in wanted}


def code_session(session: Session) -> SessionCoding:
    return code_sessions([session])[session.pk]


def _sessions_on(days: set[tuple[int, dt.date]]) -> list[Session]:
    if not days:
        return []
    match = Q()
    for patient_id, day in days:
        match |= Q(patient_id=patient_id, date=day)
    return list(
        Session.objects.filter(match).select_related("plan__intake").prefetch_related("sets")
    )


def _with_payer(session: Session, coding: Coding, facts: _PatientFacts) -> SessionCoding:
    plan = session.plan or facts.plan_on(session.date)
    payer = payer_of(plan)
    if payer != default_rules().medicare.payer or not coding.units:
        return SessionCoding(session.pk, coding, payer, None, plan)
    check = check_visit(
        session.date,
        [d for d in facts.days if d < session.date],
        improvement_documented=any(d <= session.date for d in facts.responder_days),
        rules=default_rules(),
    )
    return SessionCoding(session.pk, coding, payer, check, plan)
