"""Appointments in the REST API, under the same booking rules as the calendar
(``booking.services.book_appointment``). Any member of the patient's clinic may book and
list (front desk books); another clinic's patient is a 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from acuplan.accounts.models import User
from acuplan.booking import services
from acuplan.clinic import access
from acuplan.clinic.api_support import CappedPagination, api_actor, api_user
from acuplan.clinic.services import record_read
from acuplan.core.errors import FieldError, InvalidInput
from acuplan.outcomes.models import Appointment

router = Router()


class AppointmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    starts_at: dt.datetime = Field(
        description="ISO 8601; without an offset it is read on the clinic's wall clock"
    )
    practitioner: Annotated[int, Field(ge=1, le=2**62, description="a practitioner's user id")]
    duration_minutes: Annotated[int, Field(ge=10, le=180)] = 45


class AppointmentOut(Schema):
    id: int
    patient_id: int
    starts_at: dt.datetime
    duration_minutes: int
    practitioner_id: int | None
    number: int
    phase: str
    status: str
    late_cancellation: bool


@router.post(
    "/patients/{patient_id}/appointments", response={201: AppointmentOut}, tags=["calendar"]
)
def book(request: HttpRequest, patient_id: int, payload: AppointmentIn) -> Appointment:
    user = api_user(request)
    patient = access.get_patient_for(user, patient_id)
    who = User.objects.filter(pk=payload.practitioner, clinic_id=user.clinic_id or 0).first()
    if who is None:
        raise InvalidInput([FieldError("practitioner", "no such practitioner in this clinic")])
    return services.book_appointment(
        actor=api_actor(request),
        patient=patient,
        starts_at=payload.starts_at,
        practitioner=who,
        duration_minutes=payload.duration_minutes,
    )


@router.get("/patients/{patient_id}/appointments", response=list[AppointmentOut], tags=["calendar"])
@paginate(CappedPagination, page_size=50)
def appointments(request: HttpRequest, patient_id: int) -> QuerySet[Appointment]:
    patient = access.get_patient_for(api_user(request), patient_id)
    record_read(actor=api_actor(request), record=patient, patient=patient, what="appointments")
    return Appointment.objects.filter(patient=patient).order_by("starts_at", "id")
