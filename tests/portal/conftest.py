"""Portal fixtures: two patients of one clinic, each with a booked visit and a questionnaire
due, and a client signed in as one of them."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client
from django.utils import timezone

from acuplan.clinic import services as clinic_services
from acuplan.clinic.models import Patient, Plan
from acuplan.clinic.services import Actor
from acuplan.followup.models import ScheduledSend, SendKind, SendStatus
from acuplan.outcomes.models import Appointment
from acuplan.portal.access import PATIENT, SEEN, SINCE
from tests.web.conftest import *  # noqa: F403  (fixtures: clinic, cast, patient, plan ...)
from tests.web.conftest import Cast, example


def sign_in_as(client: Client, patient: Patient) -> Client:
    session = client.session
    now = time.time()
    session[PATIENT], session[SINCE], session[SEEN] = patient.pk, now, now
    session.save()
    return client


def visit_for(patient: Patient, cast: Cast, days: int = 5) -> Appointment:
    from acuplan.booking.services import book_appointment

    when = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(10, 0))
    return book_appointment(
        actor=Actor(cast.owner), patient=patient, starts_at=when, practitioner=cast.owner
    )


def due_for(patient: Patient) -> ScheduledSend:
    return ScheduledSend.objects.create(
        key=f"test:{patient.pk}:q",
        clinic_id=patient.clinic_id,
        patient=patient,
        kind=SendKind.QUESTIONNAIRE,
        reason="phase_end",
        due_at=timezone.now(),
        status=SendStatus.SENT,
        sent_at=timezone.now(),
    )


@pytest.fixture
def ada(cast: Cast, patient: Patient, approved_plan: Plan) -> Patient:
    Patient.objects.filter(pk=patient.pk).update(email="ada@example.org")
    patient.refresh_from_db()
    return patient


@pytest.fixture
def bea(cast: Cast) -> Patient:
    actor = Actor(cast.colleague)
    other = clinic_services.create_patient(
        actor=actor,
        data={
            "first_name": "Bea",
            "last_name": "Quist",
            "date_of_birth": "1980-02-03",
            "email": "bea@example.org",
        },
    )
    intake = clinic_services.record_intake(
        actor=actor, patient=other, data=example("chronic-cold-damp")
    )
    plan = clinic_services.create_plan(actor=actor, intake=intake)
    clinic_services.approve_plan(actor=actor, plan=plan)
    return other
