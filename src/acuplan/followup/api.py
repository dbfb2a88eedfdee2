"""The patient's scheduled sends in the REST API: key, kind, due time and status. They
carry no clinical content, so any member of the patient's clinic may list them."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from acuplan.clinic import access
from acuplan.clinic.api_support import CappedPagination, api_actor, api_user
from acuplan.clinic.services import record_read
from acuplan.followup.models import ScheduledSend

router = Router()


class FollowUpOut(Schema):
    key: str
    kind: Literal["questionnaire", "reminder", "appointment_reminder", "booster_invite"]
    reason: str
    due_at: dt.datetime
    status: Literal["scheduled", "sent", "answered", "cancelled", "failed"]
    sent_at: dt.datetime | None
    answered_at: dt.datetime | None
    attempts: int
    last_error: str


@router.get("/patients/{patient_id}/follow-ups", response=list[FollowUpOut], tags=["follow-up"])
@paginate(CappedPagination, page_size=50)
def follow_ups(request: HttpRequest, patient_id: int) -> QuerySet[ScheduledSend]:
    patient = access.get_patient_for(api_user(request), patient_id)
    record_read(actor=api_actor(request), record=patient, patient=patient, what="follow_ups")
    return ScheduledSend.objects.filter(patient=patient).order_by("due_at", "id")
