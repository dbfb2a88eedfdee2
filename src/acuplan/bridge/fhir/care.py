"""Condition (from a plan's classification), Procedure (one per session), AdverseEvent
(naming its session), CarePlan (the course) and Consent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from acuplan.bridge.fhir import systems
from acuplan.bridge.fhir.people import ref
from acuplan.clinic.models import AdverseEvent, Consent, Plan, PlanStatus, Session
from acuplan.clinic.safety_gate import BLOCKING
from acuplan.core.knowledge import Knowledge

METHOD_TEXT = {"manual": "Manual acupuncture", "electro": "Electroacupuncture"}
METHOD_TEXT["acupressure"] = "Acupressure"
CAREPLAN_STATUS: dict[str, str] = {"draft": "draft", "approved": "active", "superseded": "revoked"}


def plan_conditions(plan: Plan, patient_ref: dict[str, Any]) -> list[dict[str, Any]]:
    """One Condition per ICD-10-CM or SNOMED CT code of the plan's classification."""
    classification = plan.data["classification"]
    weeks = float(classification.get("duration_weeks") or 0)
    onset = plan.as_of - dt.timedelta(weeks=weeks)
    out = []
    for i, code in enumerate(classification["codes"]):
        system = systems.PLAN_SYSTEMS.get(code["system"])
        if system is None:
            continue
        out.append(
            {
                "resourceType": "Condition",
                "id": f"plan-{plan.pk}-{i + 1}",
                "clinicalStatus": {
                    "coding": [{"system": systems.CONDITION_CLINICAL, "code": "active"}]
                },
                "verificationStatus": {
                    "coding": [{"system": systems.CONDITION_VERIFICATION, "code": "provisional"}]
                },
                "category": [
                    {
                        "coding": [
                            {"system": systems.CONDITION_CATEGORY, "code": "encounter-diagnosis"}
                        ]
                    }
                ],
                "code": {
                    "coding": [
                        {"system": system, "code": code["code"], "display": code["display"]}
                    ],
                    "text": code["display"],
                },
                "subject": patient_ref,
                "onsetDateTime": onset.isoformat(),
                "recordedDate": plan.as_of.isoformat(),
                "recorder": ref("Practitioner", plan.created_by_id),
                "note": [
                    {
                        "text": f"Classified by acuplan (engine {plan.engine_version}, knowledge "
                        f"{plan.knowledge_version}); duration {weeks:g} weeks, "
                        f"{classification['duration_category']}."
                    }
                ],
            }
        )
    return out


def _stimulation(code: str) -> dict[str, Any]:
    return {"coding": [{"system": systems.STIMULATION, "code": code}]}


def procedure(kb: Knowledge, session: Session, patient_ref: dict[str, Any]) -> dict[str, Any]:
    """Acupuncture (SNOMED CT 44868003) with the method and manipulations as acuplan
    stimulation codes, the points as body sites (WHO codes), and the STRICTA dose in notes."""
    codings = []
    if session.method != "acupressure":
        codings.append(
            {
                "system": systems.SNOMED,
                "code": systems.ACUPUNCTURE_SNOMED,
                "display": "Acupuncture (procedure)",
            }
        )
    codings.append({"system": systems.STIMULATION, "code": session.method})
    points = list(session.points.all())
    used = [_stimulation(session.method)]
    used += [_stimulation("moxibustion")] if session.moxibustion else []
    manipulations = sorted({p.stimulation for p in points if p.stimulation})
    used += [
        _stimulation(m) if m in {"even", "tonifying", "reducing"} else {"text": m}
        for m in manipulations
    ]
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "id": f"session-{session.pk}",
        "status": "completed",
        "code": {"coding": codings, "text": METHOD_TEXT.get(session.method, session.method)},
        "subject": patient_ref,
        "performedDateTime": session.date.isoformat(),
        "performer": [{"actor": ref("Practitioner", session.practitioner_id)}],
        "usedCode": used,
        "note": [{"text": _stricta(session, len(points))}],
    }
    if session.plan_id:
        resource["basedOn"] = [ref("CarePlan", f"plan-{session.plan_id}")]
    sites = [_site(kb, p.code, p.side) for p in points]
    if sites:
        resource["bodySite"] = sites
    return resource


def _site(kb: Knowledge, code: str, side: str) -> dict[str, Any]:
    point = kb.points.get(code)
    name = f"{point.pinyin} ({point.english})" if point is not None else code
    return {
        "coding": [{"system": systems.POINTS, "code": code, "display": name}],
        "text": f"{code} {name}, {side.replace('_', ' ')}",
    }


def _stricta(session: Session, n_points: int) -> str:
    parts = [f"{n_points} points"]
    if session.needle_count is not None:
        parts.append(f"{session.needle_count} needles")
    if session.retention_minutes is not None:
        parts.append(f"retained {session.retention_minutes} min")
    if session.needle_type or session.needle_size:
        parts.append(" ".join(x for x in (session.needle_type, session.needle_size) if x))
    if session.electro:
        parts.append("electro: " + ", ".join(f"{k} {v}" for k, v in session.electro.items()))
    return "STRICTA: " + "; ".join(parts)


def adverse_event(
    event: AdverseEvent, session: Session, patient_ref: dict[str, Any]
) -> dict[str, Any]:
    severe = event.severity == "serious"
    return {
        "resourceType": "AdverseEvent",
        "id": f"ae-{event.pk}",
        "actuality": "actual",
        "event": {"text": event.kind + (f": {event.description}" if event.description else "")},
        "subject": patient_ref,
        "date": session.date.isoformat(),
        "recorder": ref("Practitioner", session.practitioner_id),
        "seriousness": {
            "coding": [
                {"system": systems.AE_SERIOUSNESS, "code": "serious" if severe else "non-serious"}
            ]
        },
        "severity": {
            "coding": [
                {"system": systems.AE_SEVERITY, "code": "severe" if severe else event.severity}
            ]
        },
        "suspectEntity": [{"instance": ref("Procedure", f"session-{session.pk}")}],
    }


def care_plan(plan: Plan, patient_ref: dict[str, Any], conditions: list[str]) -> dict[str, Any]:
    triage, course = plan.data["triage"], plan.data.get("course")
    blocked = plan.triage_decision in BLOCKING
    activities: list[dict[str, Any]] = []
    for referral in triage.get("referrals", []):
        activities.append(
            {
                "detail": {
                    "kind": "ServiceRequest",
                    "code": {"text": f"Referral ({referral['urgency']}): {referral['to']}"},
                    "status": "not-started",
                    "description": referral["reason"],
                }
            }
        )
    if course:
        phases = "; ".join(
            f"{p['name'].replace('_', ' ')}: {p['sessions_per_week']:g}/week for {p['weeks']} weeks"
            for p in course["phases"]
        )
        activities.append(
            {
                "detail": {
                    "kind": "ServiceRequest",
                    "code": {
                        "coding": [{"system": systems.SNOMED, "code": systems.ACUPUNCTURE_SNOMED}],
                        "text": "Acupuncture course",
                    },
                    "status": "in-progress"
                    if plan.status == PlanStatus.APPROVED
                    else "not-started",
                    "scheduledString": f"{course['sessions_planned']} sessions ({phases}); "
                    f"reassess after {course['reassess_after_sessions']}",
                }
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": f"plan-{plan.pk}",
        "status": "on-hold" if blocked else CAREPLAN_STATUS.get(plan.status, "unknown"),
        "intent": "plan",
        "title": "Acupuncture plan" if not blocked else "Referral before any acupuncture",
        "description": f"Triage: {plan.triage_decision.replace('_', ' ')}.",
        "subject": patient_ref,
        "period": {"start": plan.as_of.isoformat()},
        "created": timezone.localtime(plan.created_at).isoformat(),
        "author": ref("Practitioner", plan.created_by_id),
    }
    if conditions:
        resource["addresses"] = [{"reference": c} for c in conditions]
    if activities:
        resource["activity"] = activities
    return resource


def consent(record: Consent, patient_ref: dict[str, Any], clinic_id: int) -> dict[str, Any]:
    topics = ", ".join(t.replace("_", " ") for t in record.explained)
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": f"consent-{record.pk}",
        "status": "active",
        "scope": {"coding": [{"system": systems.CONSENT_SCOPE, "code": "treatment"}]},
        "category": [{"coding": [{"system": systems.LOINC, "code": systems.CONSENT_LOINC}]}],
        "patient": patient_ref,
        "dateTime": timezone.localtime(record.signed_at).isoformat(),
        "performer": [patient_ref],
        "organization": [ref("Organization", clinic_id)],
        "sourceAttachment": {
            "title": f"Consent ({record.method}) signed by {record.signed_by_name}; "
            f"explained: {topics}"
        },
        "policyRule": {"coding": [{"system": systems.V3_ACT_CODE, "code": "OPTIN"}]},
        "provision": {"type": "permit"},
    }
    if record.plan_id:
        resource["provision"]["data"] = [
            {"meaning": "related", "reference": ref("CarePlan", f"plan-{record.plan_id}")}
        ]
    return resource
