"""Record an outcome response: validated and scored by the core (the engine's scoring)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from acuplan.clinic.models import Intake, Patient, Session
from acuplan.clinic.services import Actor
from acuplan.core.errors import Conflict, FieldError, InvalidInput
from acuplan.core.knowledge import default_knowledge
from acuplan.core.outcomes.measures import FIELDS, Measures, score_answers
from acuplan.outcomes.models import OutcomeResponse, ResponseKind
from acuplan.outcomes.services.baseline import first_intake_day
from acuplan.outcomes.services.clinic_settings import function_instrument_for
from acuplan.outcomes.services.common import audit, require_clinical


@transaction.atomic
def record_outcome(
    *,
    actor: Actor,
    patient: Patient,
    kind: str,
    answered_on: dt.date,
    data: Mapping[str, object],
    session: Session | None = None,
) -> OutcomeResponse:
    """Record what the patient reported on ``answered_on`` (``kind``: intake, session or
    follow_up). Raises InvalidInput naming every bad field (answers and arguments alike)."""
    require_clinical(actor)
    errors: list[FieldError] = []
    if kind not in ResponseKind.values:
        errors.append(FieldError("kind", "must be one of " + ", ".join(ResponseKind.values)))
    errors += check_answered_on(patient, answered_on)
    if session is not None and session.patient_id != patient.pk:
        errors.append(FieldError("session", "must be one of this patient's sessions"))
    if kind == ResponseKind.SESSION and session is None:
        errors.append(FieldError("session", "a session response names its session"))
    try:
        measures = score_answers(
            default_knowledge(), data, allowed=FIELDS, intake=kind == ResponseKind.INTAKE
        )
    except InvalidInput as exc:
        raise InvalidInput(errors + exc.errors) from None
    if errors:
        raise InvalidInput(errors)
    response = create_response(patient, kind, answered_on, measures, session=session, by=actor)
    audit(
        actor,
        "acuplan.outcome.recorded",
        response,
        patient,
        kind=kind,
        instruments=sorted(measures.scores),
        red_flags=measures.answers.get("red_flags", []),
    )
    from acuplan.followup.services.booster import check_booster  # builds on this app

    check_booster(patient, response)  # pain back after discharge: offer a booster
    return response


def check_answered_on(patient: Patient, answered_on: dt.date) -> list[FieldError]:
    """A response is dated on or after the first intake, and not in the future: an earlier
    one would silently become the baseline."""
    if answered_on > timezone.localdate():
        return [FieldError("answered_on", "is in the future")]
    first = first_intake_day(patient)
    if first is None:
        return [
            FieldError(
                "answered_on",
                "the patient has no intake yet: record the intake first (it is the baseline)",
            )
        ]
    if answered_on < first:
        return [
            FieldError(
                "answered_on",
                f"{answered_on.isoformat()} is before the first intake "
                f"({first.isoformat()}): outcomes are measured from the intake",
            )
        ]
    return []


def create_response(
    patient: Patient,
    kind: str,
    answered_on: dt.date,
    measures: Measures,
    *,
    session: Session | None = None,
    by: Actor | None = None,
) -> OutcomeResponse:
    """The row itself (callers hold the transaction and write the audit event)."""
    a = measures.answers
    start_back = measures.scores.get("start_back")
    return OutcomeResponse.objects.create(
        patient=patient,
        kind=kind,
        session=session,
        answered_on=answered_on,
        answers=a,
        scores=measures.scores_json(),
        versions=measures.versions,
        pain_nrs=a.get("pain_nrs"),
        peg=measures.total("peg"),
        function_instrument=measures.function_instrument,
        function_score=measures.total(measures.function_instrument),
        start_back_risk=str(start_back.band or "") if start_back else "",
        sleep_nights_disturbed=a.get("sleep_nights_disturbed"),
        sleep_quality=a.get("sleep_quality"),
        analgesic_doses_week=a.get("analgesic_doses_week"),
        workdays_missed=a.get("workdays_missed"),
        red_flags=a.get("red_flags", []),
        recorded_by=by.user if by else None,
    )


@transaction.atomic
def record_intake_baseline(*, actor: Actor, patient: Patient) -> OutcomeResponse:
    """Record the latest intake's own answers (pain NRS, PEG, RMDQ or ODI, STarT Back) as an
    intake response dated the day the intake was taken, so the baseline is not typed twice.
    Conflict without an intake, or when that day already has an intake response."""
    require_clinical(actor)
    intake = Intake.objects.filter(patient=patient).order_by("-version").first()
    if intake is None:
        raise Conflict("the patient has no intake to take a baseline from")
    day = timezone.localdate(intake.recorded_at)
    if patient.outcome_responses.filter(kind=ResponseKind.INTAKE, answered_on=day).exists():
        raise Conflict(f"an intake response of {day.isoformat()} is already recorded")
    questionnaires = intake.data.get("questionnaires") or {}
    data: dict[str, object] = {
        k: v for k, v in questionnaires.items() if k in {"peg", "rmdq", "odi", "start_back"}
    }
    if "rmdq" in data and "odi" in data:  # one function score per response: the clinic's
        data.pop("odi" if function_instrument_for(patient.clinic_id) == "rmdq" else "rmdq")
    nrs = (intake.data.get("pain") or {}).get("intensity_nrs")
    if nrs is not None:
        data["pain_nrs"] = nrs
    measures = score_answers(default_knowledge(), data, allowed=FIELDS, intake=True)
    response = create_response(patient, ResponseKind.INTAKE, day, measures, by=actor)
    audit(
        actor,
        "acuplan.outcome.recorded",
        response,
        patient,
        kind=ResponseKind.INTAKE.value,
        instruments=sorted(measures.scores),
        from_intake=intake.version,
    )
    return response
