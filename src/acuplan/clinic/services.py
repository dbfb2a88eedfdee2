"""Service layer: every write to a clinical record goes through here, in one transaction with
its audit event. Views, API handlers and commands call these; they never ``.save()`` models.

Errors: InvalidInput (names every bad field, nothing changed), NotPermitted, Conflict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from acuplan.accounts.models import PractitionerProfile, Role, User
from acuplan.audit.log import record_event
from acuplan.clinic import safety_gate
from acuplan.clinic.models import (
    AdverseEvent,
    Consent,
    Intake,
    NeedleSet,
    Patient,
    Plan,
    PlanOverride,
    PlanStatus,
    ReferralMade,
    Session,
    SessionPoint,
)
from acuplan.clinic.prescription import effective_prescription
from acuplan.core.billing import default_rules as billing_rules
from acuplan.core.errors import Conflict, FieldError, InvalidInput, NotPermitted
from acuplan.core.intake import parse_intake
from acuplan.core.knowledge import default_knowledge
from acuplan.core.medications import recognise
from acuplan.core.plan import assess_and_plan, plan_json
from acuplan.core.planning.prescription import point_side

SIDES = {"left", "right", "bilateral", "midline", "as_found"}
METHODS = {"manual", "electro", "acupressure"}
SEVERITIES = {"mild", "moderate", "serious"}
STIMULATIONS = {"manual", "electro"}
MAX_SETS, MAX_SET_MINUTES = 20, 240
CONSENT_TOPICS = {"what_to_expect", "benefits", "risks", "cost", "alternatives", "course"}


@dataclass(frozen=True)
class Actor:
    """Who acts, and from where (recorded in the audit event)."""

    user: User
    ip: str | None = None


def _require(errors: list[FieldError]) -> None:
    if errors:
        raise InvalidInput(errors)


def _audit(actor: Actor, action: str, record: Any, patient: Patient, **detail: Any) -> None:
    record_event(actor.user, action, record, patient_id=patient.pk, ip=actor.ip, detail=detail)


# --- patients ---------------------------------------------------------------------------


def _patient_fields(data: dict[str, Any]) -> dict[str, Any]:
    errors: list[FieldError] = []
    allowed = {
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "email",
        "phone",
        "physician_name",
        "physician_contact",
    }
    errors += [FieldError(k, "unknown field") for k in data if k not in allowed]
    clean = {k: (str(v).strip() if v is not None else "") for k, v in data.items() if k in allowed}
    for name in ("first_name", "last_name"):
        if not clean.get(name):
            errors.append(FieldError(name, "required"))
    fields: dict[str, Any] = dict(clean)
    try:
        born = dt.date.fromisoformat(clean.get("date_of_birth", ""))
        today = timezone.localdate()
        if born > today:
            errors.append(FieldError("date_of_birth", "is in the future"))
        elif born.year < today.year - 120:
            errors.append(
                FieldError(
                    "date_of_birth",
                    f"is more than 120 years ago ({born.year}): check the year",
                )
            )
        fields["date_of_birth"] = born
    except ValueError:
        errors.append(FieldError("date_of_birth", "required, as YYYY-MM-DD"))
    limits = {
        "first_name": 100,
        "last_name": 100,
        "phone": 30,
        "physician_name": 200,
        "physician_contact": 200,
        "email": 254,
    }
    errors += [
        FieldError(k, f"at most {n} characters")
        for k, n in limits.items()
        if len(clean.get(k, "")) > n
    ]
    if clean.get("email"):
        try:
            validate_email(clean["email"])
        except ValidationError:
            errors.append(FieldError("email", "not a valid email address"))
    if clean.get("sex", "unknown") not in {"female", "male", "other", "unknown", ""}:
        errors.append(FieldError("sex", "must be female, male, other or unknown"))
    fields["sex"] = clean.get("sex") or "unknown"
    _require(errors)
    return fields


def patient_errors(data: dict[str, Any]) -> list[FieldError]:
    """What ``create_patient`` would refuse in ``data``, without saving anything (so that a
    page can show every problem at once, even when some inputs did not parse)."""
    try:
        _patient_fields(data)
    except InvalidInput as exc:
        return exc.errors
    return []


@transaction.atomic
def create_patient(*, actor: Actor, data: dict[str, Any]) -> Patient:
    fields = _patient_fields(data)
    practitioner = actor.user if actor.user.role == Role.PRACTITIONER else None
    if actor.user.clinic is None:
        raise NotPermitted("the user belongs to no clinic")
    patient = Patient.objects.create(clinic=actor.user.clinic, practitioner=practitioner, **fields)
    _audit(actor, "acuplan.patient.created", patient, patient)
    return patient


#: What front desk may correct on a patient record; clinical staff may correct all of it.
CONTACT_FIELDS = ("email", "phone", "physician_name", "physician_contact")


@transaction.atomic
def update_patient(*, actor: Actor, patient: Patient, data: dict[str, Any]) -> Patient:
    """Correct a patient's details. Front desk may change the contact details only; the
    audit event keeps every old value beside the new one. Fields left out stay as they are."""
    if actor.user.clinic_id != patient.clinic_id:
        raise NotPermitted("the patient belongs to another clinic")
    if not actor.user.is_clinical:
        refused = [k for k in data if k not in CONTACT_FIELDS]
        _require([FieldError(k, "front desk may change contact details only") for k in refused])
    current = {k: getattr(patient, k) for k in ("first_name", "last_name", "sex", *CONTACT_FIELDS)}
    current["date_of_birth"] = patient.date_of_birth.isoformat()
    fields = _patient_fields({**current, **data})
    changes = {
        k: [str(old), str(fields[k])]
        for k, old in {**current, "date_of_birth": patient.date_of_birth}.items()
        if fields[k] != old
    }
    if not changes:
        return patient
    Patient.objects.filter(pk=patient.pk).update(**{k: fields[k] for k in changes})
    patient.refresh_from_db()
    _audit(actor, "acuplan.patient.updated", patient, patient, changes=changes)
    return patient


# --- intakes and plans ---------------------------------------------------------------


#: Drug classes whose disappearance from a reassessment intake must be confirmed: their
#: precautions (no bleeding techniques, fewer points, shallow over vessels) go with them.
CONFIRM_REMOVAL = ("anticoagulant", "antiplatelet")


@transaction.atomic
def record_intake(
    *,
    actor: Actor,
    patient: Patient,
    data: object,
    confirmed_removals: tuple[str, ...] = (),
) -> Intake:
    """Validate against the contract (InvalidIntake names every bad field) and store the next
    version for this patient. A blood thinner that the last intake recorded and this one
    does not must be confirmed as stopped (``confirmed_removals`` names its class)."""
    require_clinical_actor(actor)
    intake = parse_intake(data, as_of=timezone.localdate())
    Patient.objects.select_for_update().filter(pk=patient.pk).first()  # serialise versions
    last = patient.intakes.order_by("-version").first()
    if last is not None:
        _require_confirmed_removals(last, list(intake.medical.medications), confirmed_removals)
    record = Intake.objects.create(
        patient=patient,
        version=(last.version + 1) if last else 1,
        data=intake.model_dump(mode="json", exclude_unset=True),
        schema_version=intake.schema_version,
        recorded_by=actor.user,
    )
    _audit(actor, "acuplan.intake.recorded", record, patient, version=record.version)
    return record


def removed_classes(last: Intake, medications: list[str]) -> dict[str, list[str]]:
    """Drug classes of CONFIRM_REMOVAL on the last intake and gone from ``medications``:
    class -> the entries of the last intake."""
    kb = default_knowledge()
    before = recognise(kb, (last.data.get("medical") or {}).get("medications", []))
    now = recognise(kb, medications)
    return {c: before[c] for c in CONFIRM_REMOVAL if c in before and c not in now}


def _require_confirmed_removals(
    last: Intake, medications: list[str], confirmed: tuple[str, ...]
) -> None:
    missing = {c: e for c, e in removed_classes(last, medications).items() if c not in confirmed}
    _require(
        [
            FieldError(
                "medical.medications",
                f"{', '.join(entries)} ({cls}) was on intake {last.version} and is not on this "
                "one: confirm that it has been stopped, or add it back",
            )
            for cls, entries in missing.items()
        ]
    )


@transaction.atomic
def create_plan(*, actor: Actor, intake: Intake, as_of: dt.date | None = None) -> Plan:
    """Run the engine on a stored intake and store its output unchanged, as a draft."""
    require_clinical_actor(actor)
    kb = default_knowledge()
    day = as_of or timezone.localdate()
    result = plan_json(assess_and_plan(parse_intake(intake.data), knowledge=kb, as_of=day))
    plan = Plan(
        patient=intake.patient,
        intake=intake,
        data=result,
        engine_version=result["versions"]["engine"],
        knowledge_version=kb.version,
        as_of=day,
        triage_decision=result["triage"]["decision"],
        created_by=actor.user,
    )
    plan.fill_columns()
    plan.save()
    Patient.objects.filter(pk=intake.patient_id).update(
        latest_plan=plan, latest_decision=plan.triage_decision
    )
    _audit(
        actor,
        "acuplan.plan.created",
        plan,
        intake.patient,
        triage=plan.triage_decision,
        knowledge=kb.version,
    )
    return plan


@transaction.atomic
def approve_plan(*, actor: Actor, plan: Plan) -> Plan:
    """A practitioner approves a draft; earlier approved plans of the patient are superseded."""
    require_practitioner(actor, timezone.localdate())
    Patient.objects.select_for_update().filter(pk=plan.patient_id).first()  # one approval at a time
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(f"only a draft plan can be approved; this plan is {plan.status}")
    if not plan.is_treatable:
        raise Conflict(
            "this plan stops treatment (triage: "
            f"{plan.triage_decision}); there is no prescription to approve"
        )
    current = Plan.objects.filter(patient_id=plan.patient_id, status=PlanStatus.APPROVED).first()
    if current is not None and current.created_at > plan.created_at:
        raise Conflict("a newer plan is already approved; create a new plan instead")
    # The approved plan replaces the previous approved plan and every older draft.
    Plan.objects.filter(patient_id=plan.patient_id, created_at__lte=plan.created_at).exclude(
        pk=plan.pk
    ).exclude(status=PlanStatus.SUPERSEDED).update(status=PlanStatus.SUPERSEDED)
    plan.status, plan.approved_by, plan.approved_at = (
        PlanStatus.APPROVED,
        actor.user,
        timezone.now(),
    )
    plan.save(update_fields=["status", "approved_by", "approved_at"])
    _audit(actor, "acuplan.plan.approved", plan, plan.patient)
    return plan


@transaction.atomic
def override_plan(
    *,
    actor: Actor,
    plan: Plan,
    kind: str,
    target: str,
    reason: str,
    overrides_rules: tuple[str, ...] = (),
) -> PlanOverride:
    """Change the engine's prescription; a reason is required and recorded. An override that
    adds a point or a technique a safety rule excludes or forbids must name each such rule
    (``overrides_rules``): it is then a safety override, flagged wherever the plan is shown.
    A rule that is not overridable refuses; an identical override is refused."""
    require_clinical_actor(actor)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)  # one override at a time
    errors: list[FieldError] = []
    if kind not in PlanOverride.Kind.values:
        errors.append(FieldError("kind", f"must be one of {', '.join(PlanOverride.Kind.values)}"))
    target = target.strip().upper() if kind != "technique" else target.strip()
    if kind in {"add_point", "remove_point"} and target not in default_knowledge().points:
        errors.append(FieldError("target", f"unknown point code {target!r}"))
    if kind == "technique" and target not in METHODS:
        errors.append(
            FieldError("target", f"technique must be one of {', '.join(sorted(METHODS))}")
        )
    if not reason.strip():
        errors.append(FieldError("reason", "an override needs a reason"))
    if not plan.is_treatable:
        errors.append(FieldError("plan", "a plan that stops treatment cannot be overridden"))
    elif plan.status == PlanStatus.SUPERSEDED:
        errors.append(FieldError("plan", "a superseded plan cannot be overridden"))
    _require(errors)
    if _in_force(plan, kind, target):
        raise Conflict(f"this plan already has the override {kind} {target}")
    safety = safety_gate.plan_safety(plan, [target] if kind == "add_point" else [])
    prescribed = {p["code"] for p in (effective_prescription(plan, safety) or {}).get("points", [])}
    if kind == "add_point" and target in prescribed:
        errors.append(FieldError("target", f"{target} is already prescribed"))
    if kind == "remove_point" and target not in prescribed:
        errors.append(FieldError("target", f"{target} is not in the prescription"))
    _require(errors)
    rules = _rules_overridden(safety, kind, target, overrides_rules)
    override = PlanOverride.objects.create(
        plan=plan,
        kind=kind,
        target=target,
        reason=reason.strip(),
        overrides_rules=rules,
        by=actor.user,
    )
    _audit(
        actor,
        "acuplan.plan.overridden",
        override,
        plan.patient,
        kind=kind,
        target=target,
        safety_override=bool(rules),
        overrides_safety_rules=rules,
    )
    return override


def _in_force(plan: Plan, kind: str, target: str) -> bool:
    """Whether the latest override on ``target`` (on the technique, for a technique) is this
    very change: a point removed after being added back may be added back again."""
    rows = plan.overrides.order_by("-at", "-pk")
    if kind == PlanOverride.Kind.TECHNIQUE:
        latest = rows.filter(kind=kind).first()
    else:
        points = (PlanOverride.Kind.ADD_POINT, PlanOverride.Kind.REMOVE_POINT)
        latest = rows.filter(target=target, kind__in=points).first()
    return latest is not None and (latest.kind, latest.target) == (kind, target)


def _rules_overridden(
    safety: safety_gate.PlanSafety, kind: str, target: str, named: tuple[str, ...]
) -> list[str]:
    """The safety rules the override sets aside: each must be named, and overridable."""
    if kind == "add_point":
        refs = safety.excluded_by(target)
        if safety.detail(target).needling_forbidden:
            _require([FieldError("target", f"{target} is never needled")])
    elif kind == "technique":
        refs = safety.forbidding(target)
    else:
        return []
    if not safety.overridable(refs):
        _require(
            [FieldError("target", f"{target} cannot be overridden: {safety_gate.describe(refs)}")]
        )
    ids = [r.rule for r in refs]
    unnamed = [r for r in refs if r.rule not in named]
    extra = [n for n in named if n not in ids]
    errors = []
    if unnamed:
        errors.append(
            FieldError(
                "overrides_rules",
                f"{target} is excluded or forbidden by {safety_gate.describe(unnamed)}: name "
                "each rule you override, with your reason",
            )
        )
    if extra:
        errors.append(
            FieldError("overrides_rules", f"{', '.join(extra)} does not exclude {target}")
        )
    _require(errors)
    return ids


@transaction.atomic
def record_referral_made(*, actor: Actor, plan: Plan, note: str = "") -> ReferralMade:
    """The referral a blocking triage raised has been made (letter sent, call made): the
    patient leaves the dashboard's urgent panel. Audited; Conflict when already recorded."""
    require_clinical_actor(actor)
    if plan.triage_decision not in safety_gate.BLOCKING:
        raise Conflict("only a plan that stops treatment raises a referral to record")
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one record per plan
    if plan.referrals_made.exists():
        raise Conflict("this plan's referral is already recorded as made")
    if len(note) > 2000:
        raise InvalidInput([FieldError("note", "at most 2000 characters")])
    triage = plan.data["triage"]
    to = "; ".join(r["to"] for r in triage["referrals"] if r["urgency"] == triage.get("urgency"))
    made = ReferralMade.objects.create(
        patient=plan.patient,
        plan=plan,
        to=(to or "the patient's physician")[:200],
        urgency=triage.get("urgency") or "",
        note=note.strip(),
        made_by=actor.user,
    )
    _audit(actor, "acuplan.referral.made", made, plan.patient, plan=plan.pk, urgency=made.urgency)
    return made


# --- consent and sessions ---------------------------------------------------------------


@transaction.atomic
def record_consent(
    *,
    actor: Actor,
    patient: Patient,
    explained: list[str],
    signed_by_name: str,
    signed_at: dt.datetime,
    plan: Plan | None = None,
    method: str = "paper",
) -> Consent:
    require_clinical_actor(actor)
    errors = [
        FieldError("explained", f"unknown topic {t!r}")
        for t in explained
        if t not in CONSENT_TOPICS
    ]
    if "risks" not in explained:
        errors.append(FieldError("explained", "the risks must be explained before consent"))
    if not signed_by_name.strip() or len(signed_by_name) > 200:
        errors.append(FieldError("signed_by_name", "required, at most 200 characters"))
    if plan is not None and plan.patient_id != patient.pk:
        errors.append(FieldError("plan", "must be this patient's plan"))
    if method not in {"paper", "electronic", "verbal"}:
        errors.append(FieldError("method", "must be paper, electronic or verbal"))
    if signed_at > timezone.now() + dt.timedelta(minutes=5):
        errors.append(FieldError("signed_at", "is in the future"))
    _require(errors)
    consent = Consent.objects.create(
        patient=patient,
        plan=plan,
        explained=explained,
        signed_by_name=signed_by_name.strip(),
        signed_at=signed_at,
        method=method,
        recorded_by=actor.user,
    )
    _audit(actor, "acuplan.consent.recorded", consent, patient)
    return consent


def _decimal(value: Any, field: str, errors: list[FieldError], high: Decimal) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors.append(FieldError(field, "must be a number"))
        return None
    if not number.is_finite() or not Decimal(0) <= number <= high:
        errors.append(FieldError(field, f"must be between 0 and {high}"))
        return None
    return number.quantize(Decimal("0.1"))


def _text(value: Any, field: str, limit: int, errors: list[FieldError]) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        errors.append(FieldError(field, f"at most {limit} characters"))
    return text


def _point_side(code: str, given: Any, field: str, errors: list[FieldError]) -> str:
    """The side a point was needled on: blank means the point's usual side (GV and CV on
    the midline, a tender point where found, any other point on both sides). A midline
    point has no left or right, and a paired point is never on the midline."""
    usual = point_side(code)
    side = str(given or usual)
    if side not in SIDES:
        errors.append(FieldError(field, f"must be one of {', '.join(sorted(SIDES))}"))
    elif usual == "midline" and side != "midline":
        errors.append(FieldError(field, f"{code} lies on the midline: its side is midline"))
    elif usual == "bilateral" and side in {"midline", "as_found"}:
        errors.append(FieldError(field, f"{code} is a paired point: left, right or bilateral"))
    return side


def _session_points(points: list[dict[str, Any]], errors: list[FieldError]) -> list[SessionPoint]:
    known = default_knowledge().points
    out = []
    for i, p in enumerate(points):
        code = str(p.get("code", "")).strip().upper()
        if code not in known:
            errors.append(FieldError(f"points.{i}.code", f"unknown point code {code!r}"))
        side = _point_side(code, p.get("side"), f"points.{i}.side", errors)
        depth = _decimal(p.get("depth_cun"), f"points.{i}.depth_cun", errors, Decimal(5))
        de_qi = p.get("de_qi")
        if de_qi not in (None, True, False):
            errors.append(FieldError(f"points.{i}.de_qi", "must be true, false or empty"))
            de_qi = None
        stimulation = _text(p.get("stimulation"), f"points.{i}.stimulation", 40, errors)
        out.append(
            SessionPoint(
                code=code, side=side, depth_cun=depth, de_qi=de_qi, stimulation=stimulation
            )
        )
    if not out:
        errors.append(FieldError("points", "record at least one point"))
    return out


@transaction.atomic
def record_session(
    *,
    actor: Actor,
    patient: Patient,
    date: dt.date,
    method: str,
    points: list[dict[str, Any]],
    plan: Plan | None = None,
    retention_minutes: int | None = None,
    needle_type: str = "",
    needle_size: str = "",
    needle_count: int | None = None,
    electro: dict[str, Any] | None = None,
    moxibustion: bool = False,
    cotreatments: list[str] | None = None,
    notes: str = "",
    pain_nrs: int | None = None,
    adverse_events: list[dict[str, Any]] | None = None,
    confirmations: dict[str, str] | None = None,
    sets: list[dict[str, Any]] | None = None,
    evaluation: str = "",
    evaluation_note: str = "",
) -> Session:
    """Record a treatment. The practitioner's licence must be valid on the session date.

    ``sets``: each insertion of needles, in order (``stimulation`` manual | electro,
    ``face_to_face_minutes``, ``retention_minutes``): what the CPT coding counts. None: one
    set of the session's method with its minutes not recorded (acupressure: none). An
    electrical set needs the method electro, so the safety filter sees it. ``evaluation``:
    the E/M code of a separately identifiable evaluation, described in ``evaluation_note``.
    Medicare (the payer on the intake): Conflict for visit 13-20 without documented
    improvement and for a 21st visit in a year.

    The safety gate: Conflict when the latest triage stops treatment (or the patient has no
    assessed intake, or reported a red flag since); InvalidInput when a point the plan's
    safety filter excluded, a depth beyond a point's cap, a withheld technique or withheld
    moxibustion is recorded without a confirmation (``confirmations``: target -> reason;
    targets are a point code, "CODE.depth", "method", "moxibustion"), and always for a rule
    that is not overridable (electrical stimulation with a cardiac device)."""
    if date > timezone.localdate():
        raise InvalidInput([FieldError("date", "a session cannot be recorded in the future")])
    require_practitioner(actor, date)
    gate = safety_gate.treatment_gate(patient)
    if gate.blocked or gate.plan is None:
        raise Conflict(gate.message)
    errors: list[FieldError] = []
    if method not in METHODS:
        errors.append(FieldError("method", f"must be one of {', '.join(sorted(METHODS))}"))
    if plan is not None and (plan.patient_id != patient.pk or plan.status != PlanStatus.APPROVED):
        errors.append(FieldError("plan", "must be this patient's approved plan"))
    if needle_count is not None and not 0 <= needle_count <= 200:
        errors.append(FieldError("needle_count", "must be 0-200"))
    needle_type = _text(needle_type, "needle_type", 100, errors)
    needle_size = _text(needle_size, "needle_size", 40, errors)
    if pain_nrs is not None and not 0 <= pain_nrs <= 10:
        errors.append(FieldError("pain_nrs", "must be 0-10"))
    if retention_minutes is not None and not 0 <= retention_minutes <= 120:
        errors.append(FieldError("retention_minutes", "must be 0-120"))
    rows = _session_points(points, errors)
    needle_sets = _needle_sets(sets, method, errors)
    evaluation = _evaluation(evaluation, evaluation_note, errors)
    evaluation_note = _text(evaluation_note, "evaluation_note", 5000, errors)
    check = safety_gate.check_session(
        safety_gate.plan_safety(gate.plan, [r.code for r in rows]),
        method=method,
        moxibustion=moxibustion,
        points=[{"code": r.code, "depth_cun": r.depth_cun} for r in rows],
        confirmations=_confirmations(confirmations, errors),
    )
    errors += check.errors
    events: list[AdverseEvent] = []
    for i, ev in enumerate(adverse_events or []):
        if ev.get("severity") not in SEVERITIES:
            errors.append(
                FieldError(
                    f"adverse_events.{i}.severity",
                    f"must be one of {', '.join(sorted(SEVERITIES))}",
                )
            )
        if not str(ev.get("kind", "")).strip():
            errors.append(FieldError(f"adverse_events.{i}.kind", "required"))
        events.append(
            AdverseEvent(
                kind=str(ev.get("kind", "")).strip(),
                severity=str(ev.get("severity")),
                description=str(ev.get("description", "")),
            )
        )
    _require(errors)
    from acuplan.billing.coding import medicare_gate  # billing reads clinic's models

    visit = medicare_gate(patient, date, gate.plan)
    session = Session.objects.create(
        patient=patient,
        plan=plan,
        date=date,
        practitioner=actor.user,
        method=method,
        retention_minutes=retention_minutes,
        needle_type=needle_type,
        needle_size=needle_size,
        needle_count=needle_count,
        electro=electro or {},
        moxibustion=moxibustion,
        cotreatments=cotreatments or [],
        notes=notes,
        pain_nrs=pain_nrs,
        confirmations=check.confirmed,
        evaluation=evaluation,
        evaluation_note=evaluation_note,
    )
    # The reassessment list counts the sessions given under the approved plan.
    Plan.objects.filter(patient=patient, status=PlanStatus.APPROVED).update(
        sessions_given=F("sessions_given") + 1
    )
    for row in rows:
        row.session = session
    SessionPoint.objects.bulk_create(rows)
    for needle_set in needle_sets:
        needle_set.session = session
    NeedleSet.objects.bulk_create(needle_sets)
    for event in events:
        event.session = session
    AdverseEvent.objects.bulk_create(events)
    _audit(
        actor,
        "acuplan.session.recorded",
        session,
        patient,
        points=len(rows),
        adverse_events=len(events),
        confirmations=check.confirmed,
        sets=[[n.stimulation, n.face_to_face_minutes, n.retention_minutes] for n in needle_sets],
        evaluation=evaluation or None,
        medicare_visit=visit.number if visit else None,
    )
    return session


def _needle_sets(
    sets: list[dict[str, Any]] | None, method: str, errors: list[FieldError]
) -> list[NeedleSet]:
    """The session's needle sets, numbered from 1 (see ``record_session``)."""
    if sets is None:
        sets = [{"stimulation": method}] if method in STIMULATIONS else []
    if method == "acupressure" and sets:
        errors.append(FieldError("sets", "acupressure inserts no needles: record no needle sets"))
        return []
    if len(sets) > MAX_SETS:
        errors.append(FieldError("sets", f"at most {MAX_SETS} sets"))
        return []
    out = []
    for i, given in enumerate(sets):
        stimulation = given.get("stimulation")
        if stimulation not in STIMULATIONS:
            errors.append(FieldError(f"sets.{i}.stimulation", "must be manual or electro"))
        elif stimulation == "electro" and method != "electro":
            errors.append(
                FieldError(
                    f"sets.{i}.stimulation",
                    "electrical stimulation needs the session's method to be electro (the "
                    "safety filter checks the method)",
                )
            )
        minutes = _minutes(
            given.get("face_to_face_minutes"), f"sets.{i}.face_to_face_minutes", errors
        )
        retention = _minutes(given.get("retention_minutes"), f"sets.{i}.retention_minutes", errors)
        out.append(
            NeedleSet(
                number=i + 1,
                stimulation=str(stimulation),
                face_to_face_minutes=minutes,
                retention_minutes=retention or 0,
            )
        )
    return out


def _minutes(value: Any, field: str, errors: list[FieldError]) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SET_MINUTES:
        errors.append(FieldError(field, f"must be a whole number of minutes, 0-{MAX_SET_MINUTES}"))
        return None
    return value


def _evaluation(code: str, note: str, errors: list[FieldError]) -> str:
    code = str(code or "").strip()
    if not code:
        return ""
    allowed = billing_rules().evaluation.codes
    if code not in allowed:
        errors.append(FieldError("evaluation", f"must be one of {', '.join(allowed)} or empty"))
    if not str(note or "").strip():
        errors.append(
            FieldError(
                "evaluation_note",
                "describe the separately identifiable evaluation (what was assessed beyond "
                "the visit's routine check) to bill an E/M code",
            )
        )
    return code


def _confirmations(given: dict[str, str] | None, errors: list[FieldError]) -> dict[str, str]:
    out: dict[str, str] = {}
    for target, reason in (given or {}).items():
        text = str(reason or "").strip()
        if len(text) > 500:
            errors.append(FieldError(f"confirmations.{target}", "at most 500 characters"))
        elif text:
            out[_target(str(target))] = text
    return out


def _target(target: str) -> str:
    """ "method", "moxibustion", a point code ("bl23" -> "BL23") or "BL23.depth"."""
    t = target.strip()
    if t.lower() in {"method", "moxibustion", "points"}:
        return t.lower()
    code, dot, rest = t.partition(".")
    return code.upper() + dot + rest.lower()


# --- reads ------------------------------------------------------------------------------


@transaction.atomic
def record_read(*, actor: Actor, record: Any, patient: Patient, what: str) -> None:
    """Every read of a patient's chart leaves one audit event (``acuplan.<what>.read``)."""
    _audit(actor, f"acuplan.{what}.read", record, patient)


# --- permission checks --------------------------------------------------------------------


def require_clinical_actor(actor: Actor, doing: str = "record clinical notes") -> None:
    if not actor.user.is_clinical:
        raise NotPermitted(f"front desk staff cannot {doing}")


def require_practitioner(actor: Actor, day: dt.date) -> None:
    """A licensed practitioner whose licence is valid on ``day`` (NotPermitted says why)."""
    require_clinical_actor(actor)
    profile = PractitionerProfile.objects.filter(user=actor.user).first()
    if profile is None:
        raise NotPermitted("only a licensed practitioner may do this: no licence on file")
    if not profile.licence_valid_on(day):
        raise NotPermitted(
            f"licence {profile.licence_state} {profile.licence_number} expired on "
            f"{profile.licence_expiry.isoformat()}: renew it before recording treatment"
        )
