"""Access checks for billing records: one helper per record type. Billing is front-desk
work: every member of the patient's clinic may see a superbill, an account or a payment
(they show codes, dates and money, never the clinical notes). Another clinic's record is a
404. Credentials: a practitioner edits their own, a clinic admin anyone's in the clinic."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from acuplan.accounts.models import Clinic, PractitionerProfile, User
from acuplan.billing.models import Package, Payment
from acuplan.clinic.access import get_patient_for
from acuplan.clinic.models import Patient, Session
from acuplan.core.errors import NotPermitted


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


def practitioners_of(clinic: Clinic) -> QuerySet[PractitionerProfile]:
    """The clinic's active practitioners with a licence on file, by name."""
    return (
        PractitionerProfile.objects.filter(user__clinic=clinic, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def get_profile_for(user: User, pk: int) -> PractitionerProfile:
    """A practitioner's credentials to edit: the user's own, or (for a clinic admin) any of
    the clinic's. 404 for another clinic's; NotPermitted for a colleague's."""
    clinic_id = _clinic_id(user)
    profile = (
        PractitionerProfile.objects.select_related("user")
        .filter(pk=pk, user__clinic_id=clinic_id)
        .first()
        if clinic_id is not None
        else None
    )
    if profile is None:
        raise Http404("no such practitioner")
    if profile.user_id != user.pk and not user.is_clinic_admin:
        raise NotPermitted("only the practitioner or a clinic admin may change credentials")
    return profile


def get_public_clinic(slug: str) -> Clinic:
    """A clinic for its public directory page (no login); 404 for an unknown or retired one."""
    clinic = Clinic.objects.filter(slug=slug).first()
    if clinic is None or "-retired-" in clinic.slug:
        raise Http404("no such clinic")
    return clinic
