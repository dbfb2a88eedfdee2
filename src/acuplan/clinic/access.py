"""Access checks: one helper per record type. A record of another clinic is a 404 (its
existence is not revealed); a clinical record asked for by front desk is NotPermitted (403)."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from acuplan.accounts.models import User
from acuplan.clinic.models import Intake, Patient, Plan, Session
from acuplan.core.errors import NotPermitted

M = TypeVar("M", bound=Model)


def patients_for(user: User) -> QuerySet[Patient]:
    if not user.is_authenticated or user.clinic_id is None:
        return Patient.objects.none()
    return Patient.objects.filter(clinic_id=user.clinic_id)


def require_clinical(user: User) -> None:
    if not user.is_clinical:
        raise NotPermitted("front desk staff cannot see clinical notes")


def get_patient_for(user: User, pk: int, *, clinical: bool = False) -> Patient:
    """The patient if it belongs to the user's clinic (else 404). ``clinical=True`` also
    requires a clinical role, for pages that show clinical notes."""
    patient = patients_for(user).filter(pk=pk).first()
    if patient is None:
        raise Http404("no such patient")
    if clinical:
        require_clinical(user)
    return patient


def _clinical_record(user: User, qs: QuerySet[M], pk: int, name: str) -> M:
    record = None
    if user.is_authenticated and user.clinic_id is not None:
        record = qs.filter(pk=pk, patient__clinic_id=user.clinic_id).first()
    if record is None:
        raise Http404(f"no such {name}")
    require_clinical(user)
    return record


def get_intake_for(user: User, pk: int) -> Intake:
    return _clinical_record(user, Intake.objects.select_related("patient"), pk, "intake")


def get_plan_for(user: User, pk: int) -> Plan:
    return _clinical_record(user, Plan.objects.select_related("patient", "intake"), pk, "plan")


def get_session_for(user: User, pk: int) -> Session:
    qs = Session.objects.select_related("patient", "practitioner", "plan")
    return _clinical_record(user, qs, pk, "session")
