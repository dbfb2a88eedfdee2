"""Patient, Practitioner and Organization resources."""

from __future__ import annotations

from typing import Any

from acuplan.accounts.models import Clinic, PractitionerProfile, User
from acuplan.bridge.fhir import systems
from acuplan.clinic.models import Patient

GENDERS = {"female", "male", "other", "unknown"}


def ref(resource_type: str, resource_id: object, display: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        out["display"] = display
    return out


def patient_ref(patient: Patient) -> dict[str, Any]:
    return ref("Patient", patient.pk, patient.full_name)


def patient_resource(patient: Patient, clinic: Clinic) -> dict[str, Any]:
    telecom = [{"system": "email", "value": patient.email}] if patient.email else []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "identifier": [
            {"system": systems.clinic_system(clinic.slug, "patient"), "value": str(patient.pk)}
        ],
        "active": True,
        "name": [{"use": "official", "family": patient.last_name, "given": [patient.first_name]}],
        "gender": patient.sex if patient.sex in GENDERS else "unknown",
        "birthDate": patient.date_of_birth.isoformat(),
        "managingOrganization": ref("Organization", clinic.pk, clinic.name),
    }
    if telecom:
        resource["telecom"] = telecom
    if patient.physician_name:
        # Free text on the patient record: a display-only reference, no resource behind it.
        resource["generalPractitioner"] = [{"display": patient.physician_name[:200]}]
    return resource


def practitioner_resource(user: User, profile: PractitionerProfile | None) -> dict[str, Any]:
    identifiers: list[dict[str, Any]] = []
    qualifications: list[dict[str, Any]] = []
    if profile is not None:
        if profile.npi:
            identifiers.append({"system": systems.NPI, "value": profile.npi})
        identifiers.append(
            {
                "type": {"coding": [{"system": systems.V2_0203, "code": "LN"}]},
                "system": systems.licence_system(profile.licence_state),
                "value": profile.licence_number,
                "period": {"end": profile.licence_expiry.isoformat()},
            }
        )
        qualifications.append(
            {
                "identifier": [
                    {
                        "system": systems.licence_system(profile.licence_state),
                        "value": profile.licence_number,
                    }
                ],
                "code": {"text": f"Licensed acupuncturist ({profile.licence_state})"},
                "period": {"end": profile.licence_expiry.isoformat()},
            }
        )
        if profile.nccaom_number:
            nccaom: dict[str, Any] = {"code": {"text": "NCCAOM certification"}}
            nccaom["identifier"] = [
                {"system": f"{systems.ACUPLAN}:nccaom", "value": profile.nccaom_number}
            ]
            if profile.nccaom_expiry:
                nccaom["period"] = {"end": profile.nccaom_expiry.isoformat()}
            qualifications.append(nccaom)
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": str(user.pk),
        "active": user.is_active,
        "name": [{"text": user.display_name}],
    }
    if user.last_name:
        resource["name"] = [
            {"family": user.last_name, "given": [user.first_name] if user.first_name else []}
        ]
        if not user.first_name:
            del resource["name"][0]["given"]
    if identifiers:
        resource["identifier"] = identifiers
    if qualifications:
        resource["qualification"] = qualifications
    if user.email:
        resource["telecom"] = [{"system": "email", "value": user.email}]
    return resource


def organization_resource(clinic: Clinic) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": str(clinic.pk),
        "identifier": [{"system": f"{systems.ACUPLAN}:clinic", "value": clinic.slug}],
        "active": True,
        "name": clinic.name,
    }
