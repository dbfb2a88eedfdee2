"""``Patient/$everything``: one patient's record as a FHIR R4 searchset Bundle, with the
Questionnaire definitions and acuplan's code systems the record's codes point to.

The same function serves the API and ``acuplan fhir export``, so both give the same Bundle
(``fullUrl`` is built on ``settings.ACUPLAN_BASE_URL``). Loaded with a bounded number of
queries whatever the size of the record."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from acuplan.accounts.models import PractitionerProfile, User
from acuplan.bridge.fhir import care, people, scores
from acuplan.bridge.fhir.codesystems import code_systems
from acuplan.bridge.fhir.questionnaires import questionnaires
from acuplan.clinic.models import Patient, Session
from acuplan.core.knowledge import default_knowledge
from acuplan.outcomes.models import OutcomeResponse


def fhir_base() -> str:
    return str(settings.ACUPLAN_BASE_URL).rstrip("/") + "/fhir"


def everything(patient: Patient) -> dict[str, Any]:
    kb = default_knowledge()
    clinic = patient.clinic
    me = people.patient_ref(patient)
    resources: list[dict[str, Any]] = [people.patient_resource(patient, clinic)]
    resources += _practitioners(patient)
    resources.append(people.organization_resource(clinic))
    plans = list(patient.plans.order_by("created_at", "pk"))
    latest_conditions: list[str] = []
    for plan in plans:
        conditions = care.plan_conditions(plan, me)
        resources += conditions
        latest_conditions = [f"Condition/{c['id']}" for c in conditions]
        resources.append(care.care_plan(plan, me, latest_conditions))
    resources += _intake_scores(patient, me)
    resources += _outcome_scores(patient, me)
    sessions = list(
        patient.sessions.order_by("date", "pk").prefetch_related("points", "adverse_events")
    )
    for session in sessions:
        resources.append(care.procedure(kb, session, me))
        resources += [care.adverse_event(e, session, me) for e in session.adverse_events.all()]
        if session.pain_nrs is not None:
            score = {"total": session.pain_nrs, "scorable": True}
            resources.append(
                scores.observation(
                    kb,
                    obs_id=f"session-{session.pk}-nrs",
                    patient_ref=me,
                    instrument="nrs",
                    score=score,
                    day=session.date,
                    part_of=f"Procedure/session-{session.pk}",
                )
            )
    resources += [care.consent(c, me, clinic.pk) for c in patient.consents.order_by("pk")]
    resources += questionnaires(kb) + code_systems()
    return _bundle(resources)


def _practitioners(patient: Patient) -> list[dict[str, Any]]:
    """The patient's practitioner and everyone who treated or planned for the patient."""
    ids = set(Session.objects.filter(patient=patient).values_list("practitioner_id", flat=True))
    ids |= set(patient.plans.values_list("created_by_id", flat=True))
    if patient.practitioner_id:
        ids.add(patient.practitioner_id)
    users = User.objects.filter(pk__in=ids).order_by("pk")
    profiles = {p.user_id: p for p in PractitionerProfile.objects.filter(user_id__in=ids)}
    return [people.practitioner_resource(u, profiles.get(u.pk)) for u in users]


def _intake_scores(patient: Patient, me: dict[str, Any]) -> list[dict[str, Any]]:
    """The questionnaires answered on each intake, scored by the plan made from it."""
    kb = default_knowledge()
    out: list[dict[str, Any]] = []
    for intake in patient.intakes.order_by("version").prefetch_related("plans"):
        plan = max(intake.plans.all(), key=lambda p: (p.created_at, p.pk), default=None)
        if plan is None:
            continue
        answers = dict(intake.data.get("questionnaires") or {})
        answers["pain_nrs"] = (intake.data.get("pain") or {}).get("intensity_nrs")
        day = timezone.localdate(intake.recorded_at)
        for name, given in scores.answered(answers).items():
            score = plan.data.get("scores", {}).get(name)
            out += _pair(kb, f"intake-{intake.pk}-{name}", me, name, given, score, day)
    return out


def _outcome_scores(patient: Patient, me: dict[str, Any]) -> list[dict[str, Any]]:
    kb = default_knowledge()
    out: list[dict[str, Any]] = []
    responses = OutcomeResponse.objects.filter(patient=patient).order_by("answered_on", "pk")
    for response in responses:
        for name, given in scores.answered(response.answers).items():
            score = response.scores.get(name)
            rid = f"response-{response.pk}-{name}"
            out += _pair(kb, rid, me, name, given, score, response.answered_on)
    return out


def _pair(
    kb: Any,
    rid: str,
    me: dict[str, Any],
    name: str,
    given: object,
    score: dict[str, Any] | None,
    day: dt.date,
) -> list[dict[str, Any]]:
    rid = rid.replace("_", "-")
    qr = scores.questionnaire_response(
        kb, qr_id=rid, patient_ref=me, instrument=name, answers=given, day=day
    )
    out = [qr]
    if score is not None:
        out.append(
            scores.observation(
                kb,
                obs_id=rid,
                patient_ref=me,
                instrument=name,
                score=score,
                day=day,
                derived_from=f"QuestionnaireResponse/{rid}",
            )
        )
    return out


def _bundle(resources: list[dict[str, Any]]) -> dict[str, Any]:
    base = fhir_base()
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": timezone.now().isoformat(timespec="seconds"),
        "total": 1,  # the matches: the one Patient; the rest are included
        "entry": [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match" if r["resourceType"] == "Patient" else "include"},
            }
            for r in resources
        ],
    }


__all__ = ["everything", "fhir_base"]
