"""Access checks for billing records: one helper per record type. Billing is front-desk
work: every member of the patient's clinic may see a superbill, an account or a payment
(they show codes, dates and money, never the clinical notes). Another clinic's record is a
404."""

from __future__ import annotations

from django.http import Http404

from acuplan.accounts.models import User
from acuplan.billing.models import Package, Payment
from acuplan.clinic.access import get_patient_for
from acuplan.clinic.models import Patient, Session


def _clinic_id(user: User) -> int | None:
    return user.clinic_id if user.is_authenticated else None


def get_billing_patient_for(user: User, pk: int) -> Patient:
    """The patient, for billing (front desk included); 404 for another clinic's."""
    return get_patient_for(user, pk)


def get_billing_session_for(user: User, pk: int) -> Session:
    """A session, for its superbill (front desk included); 404 for another clinic's."""
    clinic_id = _clinic_id(user)
    session = (
        Session.objects.select_related("patient", "practitioner", "plan__intake")
        .filter(pk=pk, patient__clinic_id=clinic_id)
        .first()
        if clinic_id is not None
        else None
    )
    if session is None:
        raise Http404("no such session")
    return session


def get_payment_for(user: User, pk: int) -> Payment:
    clinic_id = _clinic_id(user)
    payment = (
        Payment.objects.select_related("patient")
        .filter(pk=pk, patient__clinic_id=clinic_id)
        .first()
        if clinic_id is not None
        else None
    )
    if payment is None:
        raise Http404("no such payment")
    return payment


def get_package_for(user: User, pk: int) -> Package:
    clinic_id = _clinic_id(user)
    package = (
        Package.objects.select_related("patient")
        .filter(pk=pk, patient__clinic_id=clinic_id)
        .first()
        if clinic_id is not None
        else None
    )
    if package is None:
        raise Http404("no such package")
    return package
