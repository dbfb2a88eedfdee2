"""An incoming referral: a FHIR R4 ServiceRequest from a physician, read into the patient's
details, the reason and the referring physician. The patient and the requester come as
contained resources (acuplan cannot resolve references to the sender's server)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.servicerequest import ServiceRequest

from acuplan.core.errors import FieldError, InvalidInput

PRIORITIES = ("routine", "urgent", "asap", "stat")
#: The R4 value sets of the two required codes (fhir.resources checks only their syntax);
#: a referral to act on is an active request (an order, a plan or a proposal).
STATUSES = ("draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown")
INTENTS = (
    "proposal",
    "plan",
    "directive",
    "order",
    "original-order",
    "reflex-order",
    "filler-order",
    "instance-order",
    "option",
)


@dataclass(frozen=True)
class Referral:
    patient: dict[str, Any]
    reason: str
    priority: str
    requester_name: str
    requester_contact: str


def _contained(resource: dict[str, Any], reference: object, kind: str) -> dict[str, Any] | None:
    ref = str((reference or {}).get("reference", "")) if isinstance(reference, dict) else ""
    if not ref.startswith("#"):
        return None
    for item in resource.get("contained") or []:
        if (
            isinstance(item, dict)
            and item.get("resourceType") == kind
            and item.get("id") == ref[1:]
        ):
            return item
    return None


def _name(person: dict[str, Any]) -> tuple[str, str]:
    names = person.get("name") or [{}]
    name = names[0] if isinstance(names[0], dict) else {}
    given = " ".join(str(g) for g in name.get("given") or [])
    return given.strip(), str(name.get("family") or "").strip()


def _contact(person: dict[str, Any] | None) -> str:
    telecom = [t for t in (person or {}).get("telecom") or [] if isinstance(t, dict)]
    for system in ("email", "phone", "fax"):
        for t in telecom:
            if t.get("system") == system and t.get("value"):
                return str(t["value"])[:200]
    return ""


def read_service_request(data: object) -> Referral:
    """InvalidInput naming each problem: not a valid R4 ServiceRequest, or missing what a
    referral needs (a contained Patient with name and birth date, a requester, a reason)."""
    if not isinstance(data, dict) or data.get("resourceType") != "ServiceRequest":
        raise InvalidInput([FieldError("resourceType", "must be ServiceRequest")])
    try:
        ServiceRequest.model_validate(data)
    except (ValueError, TypeError) as exc:
        errors = getattr(exc, "errors", None)
        found = errors() if callable(errors) else []
        fields = [
            FieldError(".".join(str(p) for p in e.get("loc", ())) or "(root)", str(e.get("msg")))
            for e in found[:20]
        ] or [FieldError("(root)", str(exc)[:300])]
        raise InvalidInput(fields) from None
    errors_out: list[FieldError] = []
    if data.get("status") not in STATUSES:
        errors_out.append(FieldError("status", f"must be one of {', '.join(STATUSES)}"))
    elif data["status"] != "active":
        errors_out.append(FieldError("status", "a referral to act on must be active"))
    if data.get("intent") not in INTENTS:
        errors_out.append(FieldError("intent", f"must be one of {', '.join(INTENTS)}"))
    patient = _contained(data, data.get("subject"), "Patient")
    first, last, born = "", "", None
    if patient is None:
        errors_out.append(FieldError("subject", "must reference a contained Patient (#id)"))
    else:
        first, last = _name(patient)
        try:
            born = dt.date.fromisoformat(str(patient.get("birthDate", "")))
        except ValueError:
            errors_out.append(FieldError("contained.Patient.birthDate", "required, YYYY-MM-DD"))
        if not first or not last:
            errors_out.append(FieldError("contained.Patient.name", "given and family required"))
    requester = _contained(data, data.get("requester"), "Practitioner")
    requester_name = " ".join(_name(requester)) if requester else ""
    requester_name = requester_name.strip() or str(
        (data.get("requester") or {}).get("display") or ""
    )
    if not requester_name.strip():
        errors_out.append(FieldError("requester", "name the referring physician"))
    reasons = [
        str(c.get("text") or "") for c in data.get("reasonCode") or [] if isinstance(c, dict)
    ]
    reasons += [
        str(c.get("display") or "")
        for rc in data.get("reasonCode") or []
        if isinstance(rc, dict)
        for c in rc.get("coding") or []
        if isinstance(c, dict)
    ]
    reasons += [str(n.get("text") or "") for n in data.get("note") or [] if isinstance(n, dict)]
    reason = "; ".join(r for r in reasons if r.strip())[:2000]
    if not reason:
        errors_out.append(FieldError("reasonCode", "give the reason for the referral"))
    if errors_out:
        raise InvalidInput(errors_out)
    if patient is None or born is None:  # pragma: no cover - reported above
        raise InvalidInput([FieldError("subject", "no patient")])
    gender = str(patient.get("gender") or "unknown")
    details: dict[str, Any] = {
        "first_name": first[:100],
        "last_name": last[:100],
        "date_of_birth": born.isoformat(),
        "sex": gender if gender in {"female", "male", "other"} else "unknown",
    }
    telecom = [t for t in patient.get("telecom") or [] if isinstance(t, dict)]
    for t in telecom:
        if t.get("system") == "phone" and t.get("value"):
            details["phone"] = str(t["value"])[:30]
        if t.get("system") == "email" and t.get("value"):
            details["email"] = str(t["value"])[:254]
    priority = str(data.get("priority") or "routine")
    return Referral(
        details,
        reason,
        priority if priority in PRIORITIES else "routine",
        requester_name.strip()[:200],
        _contact(requester),
    )
