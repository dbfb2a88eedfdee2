"""Outcome responses in the REST API, with the same validation and access rules as the pages:
``services.record_outcome`` validates and scores (an instrument its missing-item rule does
not allow is stored as not scorable), refuses a response dated before the first intake or in
the future, and writes the audit event; reading the list is a chart read."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, StrictInt

from acuplan.clinic import access
from acuplan.clinic.api_support import CappedPagination, api_actor, api_user
from acuplan.clinic.services import record_read
from acuplan.core.errors import FieldError, InvalidInput
from acuplan.outcomes import access as outcome_access
from acuplan.outcomes import services
from acuplan.outcomes.models import OutcomeResponse

router = Router()
PAGE_SIZE = 50


#: The instrument named in the API -> the answer field the service validates.
FIELD_OF = {
    "nrs": "pain_nrs",
    "peg": "peg",
    "rmdq": "rmdq",
    "odi": "odi",
    "start_back": "start_back",
}


class OutcomeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    instrument: Literal["nrs", "peg", "rmdq", "odi", "start_back"]
    answers: StrictInt | list[Any] = Field(
        description="The instrument's answers: nrs an integer 0-10; peg 3 integers 0-10; "
        "rmdq 24 booleans (statement applies today); odi 10 integers 0-5 or null (section "
        "not answered); start_back 9 answers (intake only)."
    )
    answered_on: dt.date
    kind: Literal["intake", "session", "follow_up"] = "follow_up"
    session: Annotated[int, Field(ge=1, le=2**62)] | None = None


class OutcomeOut(Schema):
    id: int
    patient_id: int
    kind: str
    session_id: int | None
    answered_on: dt.date
    answers: dict[str, Any]
    scores: dict[str, Any]
    """Instrument -> its score; ``{scorable: false, reason}`` when it cannot be scored."""
    red_flags: list[str]
    recorded_by_id: int | None
    recorded_at: dt.datetime


@router.post("/patients/{patient_id}/outcomes", response={201: OutcomeOut}, tags=["outcomes"])
def record_outcome(request: HttpRequest, patient_id: int, payload: OutcomeIn) -> OutcomeResponse:
    user = api_user(request)
    patient = access.get_patient_for(user, patient_id, clinical=True)
    session = None
    if payload.session is not None:
        try:
            session = access.get_session_for(user, payload.session)
        except Http404:
            raise InvalidInput([FieldError("session", "no such session in this clinic")]) from None
    return services.record_outcome(
        actor=api_actor(request),
        patient=patient,
        kind=payload.kind,
        answered_on=payload.answered_on,
        data={FIELD_OF[payload.instrument]: payload.answers},
        session=session,
    )


@router.get("/patients/{patient_id}/outcomes", response=list[OutcomeOut], tags=["outcomes"])
@paginate(CappedPagination, page_size=PAGE_SIZE)
def list_outcomes(request: HttpRequest, patient_id: int) -> QuerySet[OutcomeResponse]:
    patient = access.get_patient_for(api_user(request), patient_id, clinical=True)
    record_read(actor=api_actor(request), record=patient, patient=patient, what="outcomes")
    return patient.outcome_responses.order_by("-answered_on", "-id")


class FlagsSeenOut(Schema):
    id: int
    patient_id: int
    red_flags: list[str]
    flags_seen_by_id: int
    flags_seen_at: dt.datetime


@router.post("/outcomes/{response_id}/flags-seen", response=FlagsSeenOut, tags=["outcomes"])
def flags_seen(request: HttpRequest, response_id: int) -> OutcomeResponse:
    """A clinician has seen the red flags a patient reported: they leave the urgent panel
    (treatment stays refused until a new intake re-triages). 409 when the response reports
    none or they were already marked."""
    response = outcome_access.get_response_for(api_user(request), response_id)
    return services.acknowledge_red_flags(actor=api_actor(request), response=response)


class BaselineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    response: Annotated[int, Field(ge=1, le=2**62)]
    reason: str = Field(max_length=2000)


class BaselineOut(Schema):
    patient_id: int
    response_id: int
    reason: str
    chosen_by_id: int
    chosen_at: dt.datetime


@router.put("/patients/{patient_id}/baseline", response=BaselineOut, tags=["outcomes"])
def set_baseline(request: HttpRequest, patient_id: int, payload: BaselineIn) -> Any:
    """Choose the response progress is measured from, with a reason (audited with the one it
    replaces)."""
    patient = access.get_patient_for(api_user(request), patient_id, clinical=True)
    response = patient.outcome_responses.filter(pk=payload.response).first()
    if response is None:
        raise InvalidInput([FieldError("response", "must be one of this patient's responses")])
    return services.set_baseline(
        actor=api_actor(request), patient=patient, response=response, reason=payload.reason
    )
