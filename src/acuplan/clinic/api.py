"""The clinic's REST endpoints. Thin handlers: an access helper finds the record (404 for
another clinic's, 403 for clinical data asked for by front desk), a service writes, and
every read of a patient's chart leaves one audit event (``services.record_read``).

Errors are raised, never returned: ``acuplan.api`` turns them into the one error shape.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from acuplan.accounts.idempotency import run_once
from acuplan.accounts.models import User
from acuplan.clinic import access, services
from acuplan.clinic.api_support import (
    CappedPagination,
    PatientListPagination,
    api_actor,
    api_user,
    intake_body,
)
from acuplan.clinic.models import Intake, Patient, Plan, Session
from acuplan.clinic.prescription import effective_prescription
from acuplan.core.errors import FieldError, InvalidInput
from acuplan.core.intake import Intake as IntakeContract
from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.plan import PLAN_ADAPTER, assess_and_plan, plan_schema

router = Router()

PAGE_SIZE = 50
MAX_Q_CHARS, MAX_Q_WORDS = 100, 5  # as on the patient list page
Text = Annotated[str, Field(max_length=2000)]
INTAKE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Intake"}}},
    }
}
PLAN_RESPONSE = {
    "responses": {
        200: {
            "description": "The plan (contract shape)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Plan"}}},
        }
    }
}


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


# --- schemas ----------------------------------------------------------------------------


class PatientIn(_In):
    first_name: Annotated[str, Field(min_length=1, max_length=100)]
    last_name: Annotated[str, Field(min_length=1, max_length=100)]
    date_of_birth: dt.date
    sex: Literal["female", "male", "other", "unknown"] = "unknown"
    email: Annotated[str, Field(max_length=254)] = ""
    phone: Annotated[str, Field(max_length=30)] = ""
    physician_name: Annotated[str, Field(max_length=200)] = ""
    physician_contact: Annotated[str, Field(max_length=200)] = ""


class PatientQuery(Schema):
    q: str = Field(
        "", max_length=MAX_Q_CHARS, description="up to five words of a name, or an email"
    )


class PatientOut(Schema):
    id: int
    first_name: str
    last_name: str
    date_of_birth: dt.date
    sex: str
    email: str
    phone: str
    physician_name: str
    physician_contact: str
    practitioner_id: int | None
    created_at: dt.datetime


class IntakeRef(Schema):
    id: int
    patient_id: int
    version: int
    schema_version: str
    recorded_by_id: int
    recorded_at: dt.datetime


class IntakeOut(IntakeRef):
    data: dict[str, Any]


class OverrideIn(_In):
    kind: Literal["add_point", "remove_point", "technique"]
    target: Annotated[
        str, Field(min_length=1, max_length=20, description="a point code or a method")
    ]
    reason: Annotated[str, Field(min_length=1, max_length=2000)]
    overrides_rules: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=60)]], Field(max_length=20)
    ] = Field(
        default_factory=list,
        description="The safety rules this override sets aside (required, each named, to "
        "add back a point or a technique a safety rule excludes or forbids).",
    )


class OverrideOut(Schema):
    id: int
    plan_id: int
    kind: str
    target: str
    reason: str
    overrides_rules: list[str]
    """Non-empty: a safety override, naming the rules it sets aside."""
    by_id: int
    at: dt.datetime


class PlanSummary(Schema):
    id: int
    patient_id: int
    intake_id: int
    status: str
    triage_decision: str
    engine_version: str
    knowledge_version: str
    as_of: dt.date
    created_by_id: int
    created_at: dt.datetime
    approved_by_id: int | None
    approved_at: dt.datetime | None


class PlanOut(PlanSummary):
    data: dict[str, Any]
    overrides: list[OverrideOut]
    effective_prescription: dict[str, Any] | None = Field(
        None,
        description="The prescription with the overrides applied (what is to be given); "
        "null when the plan stops treatment.",
    )

    @staticmethod
    def resolve_effective_prescription(obj: Plan) -> dict[str, Any] | None:
        return effective_prescription(obj)


class SessionPointIn(_In):
    code: Annotated[str, Field(min_length=1, max_length=10)]
    side: Literal["left", "right", "bilateral", "midline", "as_found"] | None = None
    depth_cun: Annotated[Decimal, Field(ge=0, max_digits=3, decimal_places=1)] | None = None
    de_qi: bool | None = None
    stimulation: Annotated[str, Field(max_length=40)] = ""


class AdverseEventIn(_In):
    kind: Annotated[str, Field(min_length=1, max_length=40)]
    severity: Literal["mild", "moderate", "serious"]
    description: Text = ""


class NeedleSetIn(_In):
    stimulation: Literal["manual", "electro"]
    face_to_face_minutes: Annotated[int, Field(ge=0, le=240)] | None = Field(
        None, description="minutes of personal one-on-one contact; null: not recorded"
    )
    retention_minutes: Annotated[int, Field(ge=0, le=240)] = Field(
        0, description="minutes the needles stayed in without contact (never billed)"
    )


class SessionIn(_In):
    date: dt.date
    method: Literal["manual", "electro", "acupressure"]
    points: Annotated[list[SessionPointIn], Field(min_length=1, max_length=60)]
    plan: Annotated[int, Field(ge=1, le=2**62)] | None = Field(
        None, description="id of this patient's approved plan"
    )
    retention_minutes: Annotated[int, Field(ge=0, le=120)] | None = None
    needle_type: Annotated[str, Field(max_length=100)] = ""
    needle_size: Annotated[str, Field(max_length=40)] = ""
    needle_count: Annotated[int, Field(ge=0, le=200)] | None = None
    electro: dict[str, Any] = Field(default_factory=dict)
    moxibustion: bool = False
    cotreatments: Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=20)] = (
        Field(default_factory=list)
    )
    notes: Annotated[str, Field(max_length=10000)] = ""
    pain_nrs: Annotated[int, Field(ge=0, le=10)] | None = None
    adverse_events: Annotated[list[AdverseEventIn], Field(max_length=20)] = Field(
        default_factory=list
    )
    confirmations: dict[
        Annotated[str, Field(min_length=1, max_length=20)],
        Annotated[str, Field(min_length=1, max_length=500)],
    ] = Field(
        default_factory=dict,
        max_length=60,
        description="What the practitioner confirms against the safety filter, with a reason "
        'each: a point code (an excluded point), "CODE.depth" (deeper than the cap), '
        '"method" (a withheld technique) or "moxibustion".',
    )
    sets: Annotated[list[NeedleSetIn], Field(max_length=20)] | None = Field(
        None,
        description="Each insertion of needles, in order, for the CPT coding. Omitted: one set "
        "of the session's method with its face-to-face minutes not recorded (nothing "
        "billable); none for acupressure. An electro set needs the method electro.",
    )
    evaluation: Literal[
        "", "99202", "99203", "99204", "99205", "99212", "99213", "99214", "99215"
    ] = Field("", description="E/M code of a separately identifiable evaluation (modifier 25)")
    evaluation_note: Annotated[str, Field(max_length=5000)] = Field(
        "", description="what the separate evaluation covered (required with an E/M code)"
    )


class SessionPointOut(Schema):
    code: str
    side: str
    depth_cun: float | None
    de_qi: bool | None
    stimulation: str


class AdverseEventOut(Schema):
    kind: str
    severity: str
    description: str


class NeedleSetOut(Schema):
    number: int
    stimulation: str
    face_to_face_minutes: int | None
    retention_minutes: int


class CodingLineOut(Schema):
    cpt: str
    units: int
    modifiers: list[str]


class SessionCodingOut(Schema):
    lines: list[CodingLineOut]
    explanation: list[str]
    face_to_face_minutes: int
    units: int
    rules_version: str


class SessionOut(Schema):
    id: int
    patient_id: int
    plan_id: int | None
    date: dt.date
    practitioner_id: int
    method: str
    retention_minutes: int | None
    needle_type: str
    needle_size: str
    needle_count: int | None
    electro: dict[str, Any]
    moxibustion: bool
    cotreatments: list[str]
    notes: str
    pain_nrs: int | None
    confirmations: list[dict[str, Any]]
    created_at: dt.datetime
    points: list[SessionPointOut]
    adverse_events: list[AdverseEventOut]
    sets: list[NeedleSetOut]
    evaluation: str
    evaluation_note: str
    coding: SessionCodingOut = Field(
        description="The CPT codes of this session, with the day's earlier sessions counted, "
        "explained (computed from the sets; the payer's modifiers included)"
    )

    @staticmethod
    def resolve_coding(obj: Session) -> dict[str, Any]:
        from acuplan.billing.coding import code_session

        coded = code_session(obj)
        return {
            "lines": [
                {"cpt": x.cpt, "units": x.units, "modifiers": list(x.modifiers)}
                for x in coded.lines
            ],
            "explanation": list(coded.explanation),
            "face_to_face_minutes": coded.coding.face_to_face_minutes,
            "units": coded.coding.units,
            "rules_version": coded.coding.rules_version,
        }


# --- stateless planning and the contract's schemas --------------------------------------


@router.post(
    "/plans",
    tags=["planning"],
    summary="Plan an intake without storing anything",
    openapi_extra={**INTAKE_BODY, **PLAN_RESPONSE},
)
def preview_plan(request: HttpRequest) -> HttpResponse:
    """Validate the intake (422 naming every bad field) and return the plan as of today.
    Reads and writes no clinical record, so it leaves no audit event."""
    access.require_clinical(api_user(request))
    intake = parse_intake(intake_body(request))
    plan = assess_and_plan(intake, knowledge=default_knowledge(), as_of=timezone.localdate())
    # The same JSON as plan_json(plan), serialised by pydantic in one pass: half the time
    # of building the dict and handing it to json.dumps (the plan is ~35 kB).
    return HttpResponse(PLAN_ADAPTER.dump_json(plan), content_type="application/json")


@router.get("/schema/intake", auth=None, tags=["planning"], summary="JSON Schema of an intake")
def get_intake_schema(request: HttpRequest) -> dict[str, Any]:
    return IntakeContract.model_json_schema()


@router.get("/schema/plan", auth=None, tags=["planning"], summary="JSON Schema of a plan")
def get_plan_schema(request: HttpRequest) -> dict[str, Any]:
    return plan_schema()


# --- patients ---------------------------------------------------------------------------


@router.get("/patients", response=list[PatientOut], tags=["patients"])
@paginate(PatientListPagination, page_size=PAGE_SIZE)
def list_patients(request: HttpRequest, q: str = "") -> QuerySet[Patient]:
    """The clinic's patients (demographics only; front desk may list them). ``q``: at most
    100 characters and five words, each matching a first or last name, or the email
    address. The ids shown are recorded in the audit log."""
    # (q's limits are checked here: @paginate evaluates the signature's annotations in
    # ninja's own module, so a constrained parameter type cannot be declared there.)
    words = q.split()
    if len(q) > MAX_Q_CHARS or len(words) > MAX_Q_WORDS:
        raise InvalidInput(
            [FieldError("q", f"at most {MAX_Q_CHARS} characters and {MAX_Q_WORDS} words")]
        )
    patients = access.patients_for(api_user(request))
    for word in words:
        patients = patients.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__iexact=word)
        )
    return patients


@router.post("/patients", response={201: PatientOut}, tags=["patients"])
def create_patient(request: HttpRequest, payload: PatientIn) -> Patient:
    data = payload.model_dump(exclude_unset=True)
    data["date_of_birth"] = payload.date_of_birth.isoformat()
    return services.create_patient(actor=api_actor(request), data=data)


@router.get("/patients/{patient_id}", response=PatientOut, tags=["patients"])
def get_patient(request: HttpRequest, patient_id: int) -> Patient:
    """Demographics (front desk allowed). Reading them is still recorded."""
    patient = access.get_patient_for(api_user(request), patient_id)
    services.record_read(actor=api_actor(request), record=patient, patient=patient, what="patient")
    return patient


# --- intakes ----------------------------------------------------------------------------


@router.post(
    "/patients/{patient_id}/intakes",
    response={201: IntakeRef},
    tags=["intakes"],
    openapi_extra=INTAKE_BODY,
)
def record_intake(
    request: HttpRequest,
    patient_id: int,
    confirmed_removals: Annotated[
        list[str],
        Query(
            description="Drug classes the previous intake recorded and this one leaves out, "
            "confirmed as stopped (for example `anticoagulant`); without it such an intake is "
            "refused with 422, so a blood thinner is never dropped by omission."
        ),
    ] = [],  # noqa: B006 (ninja copies the default)
) -> Intake:
    """Store the intake (contract JSON) as the patient's next version."""
    patient = access.get_patient_for(api_user(request), patient_id, clinical=True)
    return services.record_intake(
        actor=api_actor(request),
        patient=patient,
        data=intake_body(request),
        confirmed_removals=tuple(confirmed_removals),
    )


@router.get("/intakes/{intake_id}", response=IntakeOut, tags=["intakes"])
def get_intake(request: HttpRequest, intake_id: int) -> Intake:
    intake = access.get_intake_for(api_user(request), intake_id)
    services.record_read(
        actor=api_actor(request), record=intake, patient=intake.patient, what="intake"
    )
    return intake


# --- plans ------------------------------------------------------------------------------


@router.post("/intakes/{intake_id}/plans", response={201: PlanOut}, tags=["plans"])
def create_plan(request: HttpRequest, intake_id: int) -> Plan:
    """Run the engine on a stored intake; the plan is stored as a draft."""
    intake = access.get_intake_for(api_user(request), intake_id)
    return services.create_plan(actor=api_actor(request), intake=intake)


@router.get("/plans/{plan_id}", response=PlanOut, tags=["plans"])
def get_plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = access.get_plan_for(api_user(request), plan_id)
    services.record_read(actor=api_actor(request), record=plan, patient=plan.patient, what="plan")
    return plan


@router.post("/plans/{plan_id}/approve", response=PlanOut, tags=["plans"])
def approve_plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = access.get_plan_for(api_user(request), plan_id)
    return services.approve_plan(actor=api_actor(request), plan=plan)


@router.post("/plans/{plan_id}/overrides", response={201: OverrideOut}, tags=["plans"])
def override_plan(request: HttpRequest, plan_id: int, payload: OverrideIn) -> Any:
    plan = access.get_plan_for(api_user(request), plan_id)
    return services.override_plan(
        actor=api_actor(request),
        plan=plan,
        kind=payload.kind,
        target=payload.target,
        reason=payload.reason,
        overrides_rules=tuple(payload.overrides_rules),
    )


class ReferralMadeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=2000, description="Letter sent, call made: to whom, how.")


class ReferralMadeOut(Schema):
    id: int
    plan_id: int
    patient_id: int
    to: str
    urgency: str
    note: str
    made_by_id: int
    made_at: dt.datetime


@router.post("/plans/{plan_id}/referral-made", response={201: ReferralMadeOut}, tags=["plans"])
def record_referral_made(request: HttpRequest, plan_id: int, payload: ReferralMadeIn) -> Any:
    """The referral a blocking triage raised has been made: the patient leaves the urgent
    panel (treatment stays refused until a new intake). 409 for a plan that raised none, or
    whose referral is already recorded."""
    plan = access.get_plan_for(api_user(request), plan_id)
    return services.record_referral_made(actor=api_actor(request), plan=plan, note=payload.note)


@router.get("/patients/{patient_id}/plans", response=list[PlanSummary], tags=["plans"])
@paginate(CappedPagination, page_size=PAGE_SIZE)
def list_plans(request: HttpRequest, patient_id: int) -> QuerySet[Plan]:
    patient = access.get_patient_for(api_user(request), patient_id, clinical=True)
    services.record_read(actor=api_actor(request), record=patient, patient=patient, what="plans")
    return patient.plans.all()


# --- sessions ---------------------------------------------------------------------------


IDEMPOTENCY_HEADER = {
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 100},
            "description": "send the same key when retrying: the session is recorded once",
        }
    ]
}


@router.post(
    "/patients/{patient_id}/sessions",
    response={201: SessionOut},
    tags=["sessions"],
    openapi_extra=IDEMPOTENCY_HEADER,
)
def record_session(request: HttpRequest, patient_id: int, payload: SessionIn) -> Session:
    """Record a treatment (STRICTA fields); ``plan`` is the id of the approved plan followed.
    With an ``Idempotency-Key``, a retry returns the session the first request recorded."""
    user = api_user(request)
    patient = access.get_patient_for(user, patient_id, clinical=True)
    fields = payload.model_dump(exclude={"plan", "points", "adverse_events", "sets"})
    sets = None if payload.sets is None else [s.model_dump() for s in payload.sets]

    def create() -> Session:
        return services.record_session(
            actor=api_actor(request),
            patient=patient,
            plan=_plan_of(user, payload.plan),
            points=[p.model_dump() for p in payload.points],
            adverse_events=[e.model_dump() for e in payload.adverse_events],
            sets=sets,
            **fields,
        )

    idempotency_key = request.headers.get("Idempotency-Key")
    if idempotency_key is None:
        return create()
    return run_once(
        user=user,
        key=idempotency_key,
        operation=f"record_session:{patient.pk}",
        body=request.body,
        create=create,
        fetch=lambda pk: access.get_session_for(user, pk),
    )


@router.get("/sessions/{session_id}", response=SessionOut, tags=["sessions"])
def get_session(request: HttpRequest, session_id: int) -> Session:
    session = access.get_session_for(api_user(request), session_id)
    services.record_read(
        actor=api_actor(request), record=session, patient=session.patient, what="session"
    )
    return session


@router.get("/patients/{patient_id}/sessions", response=list[SessionOut], tags=["sessions"])
@paginate(CappedPagination, page_size=PAGE_SIZE)
def list_sessions(request: HttpRequest, patient_id: int) -> QuerySet[Session]:
    patient = access.get_patient_for(api_user(request), patient_id, clinical=True)
    services.record_read(actor=api_actor(request), record=patient, patient=patient, what="sessions")
    return patient.sessions.prefetch_related("points", "adverse_events", "sets")


def _plan_of(user: User, plan_id: int | None) -> Plan | None:
    """The plan a session follows. A plan the user cannot see is reported as a bad field,
    not a 404: the patient in the URL does exist. (The service checks it is this patient's
    approved plan.)"""
    if plan_id is None:
        return None
    try:
        return access.get_plan_for(user, plan_id)
    except Http404:
        raise InvalidInput([FieldError("plan", f"no plan {plan_id} in this clinic")]) from None
