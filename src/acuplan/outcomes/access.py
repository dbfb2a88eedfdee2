"""Access checks of the outcomes app, one helper per record type (patients go through
``clinic.access``). Another clinic's record is a 404; front desk asking for a clinical
record is NotPermitted (403)."""

from __future__ import annotations

from django.http import Http404

from acuplan.accounts.models import User
from acuplan.clinic.access import get_patient_for, require_clinical
from acuplan.outcomes.models import OutcomeResponse, ProgressReview

__all__ = [
    "clinic_id_for",
    "get_patient_for",
    "get_response_for",
    "get_review_for",
    "require_clinical",
]


def get_response_for(user: User, pk: int) -> OutcomeResponse:
    response = None
    if user.is_authenticated and user.clinic_id is not None:
        response = (
            OutcomeResponse.objects.select_related("patient")
            .filter(pk=pk, patient__clinic_id=user.clinic_id)
            .first()
        )
    if response is None:
        raise Http404("no such outcome response")
    require_clinical(user)
    return response


def get_review_for(user: User, pk: int) -> ProgressReview:
    review = None
    if user.is_authenticated and user.clinic_id is not None:
        review = (
            ProgressReview.objects.select_related("patient", "created_by", "settled_by")
            .filter(pk=pk, patient__clinic_id=user.clinic_id)
            .first()
        )
    if review is None:
        raise Http404("no such progress review")
    require_clinical(user)
    return review


def clinic_id_for(user: User, *, clinical: bool = False) -> int:
    """The user's clinic, for clinic-wide pages (404 for a user of no clinic)."""
    if user.clinic_id is None:
        raise Http404("the user belongs to no clinic")
    if clinical:
        require_clinical(user)
    return user.clinic_id
