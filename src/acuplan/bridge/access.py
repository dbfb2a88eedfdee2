"""Access checks for the bridge's records, one helper per record type: another clinic's
record is a 404, and these are clinical records (front desk: 403)."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import QuerySet
from django.http import Http404

from acuplan.accounts.models import User
from acuplan.bridge.models import IncomingReferral
from acuplan.clinic.access import require_clinical

R = TypeVar("R", bound=IncomingReferral)


def _in_clinic(user: User, pk: int, qs: QuerySet[R], name: str) -> R:
    record = None
    if user.is_authenticated and user.clinic_id is not None:
        record = qs.filter(pk=pk, clinic_id=user.clinic_id).first()
    if record is None:
        raise Http404(f"no such {name}")
    require_clinical(user)
    return record


def get_incoming_referral_for(user: User, pk: int) -> IncomingReferral:
    record: IncomingReferral = _in_clinic(
        user, pk, IncomingReferral.objects.select_related("patient"), "referral"
    )
    return record


def pending_referrals(user: User) -> QuerySet[IncomingReferral]:
    """The clinic's referrals waiting to be accepted (clinical users only)."""
    if not user.is_authenticated or user.clinic_id is None or not user.is_clinical:
        return IncomingReferral.objects.none()
    return IncomingReferral.objects.filter(
        clinic_id=user.clinic_id, status=IncomingReferral.Status.PENDING
    ).select_related("patient")
