"""Fixtures of the outcomes tests: the clinic fixture chain and cast of tests/web, plus
helpers that record responses and sessions quickly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from acuplan.clinic import services as clinic_services
from acuplan.clinic.models import Intake, Patient, Plan, Session
from acuplan.clinic.services import Actor
from acuplan.outcomes import services as outcome_services
from acuplan.outcomes.models import OutcomeResponse
from tests.web.conftest import *  # noqa: F403  (fixtures: clinic, cast, patient, plan ...)
from tests.web.conftest import Cast, example

TODAY = dt.date.today


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def intake_before(patient: Patient, cast: Cast, day: dt.date) -> None:
    """Outcomes are measured from the first intake: make sure one exists, dated no later
    than ``day`` (the test's history goes back in time)."""
    first = Intake.objects.filter(patient=patient).order_by("version").first()
    if first is None:
        first = clinic_services.record_intake(
            actor=Actor(cast.owner), patient=patient, data=example("chronic-cold-damp")
        )
    when = dt.datetime.combine(day, dt.time(8, 0), tzinfo=dt.UTC)
    if first.recorded_at > when:
        Intake.objects.filter(pk=first.pk).update(recorded_at=when)


def record(
    patient: Patient, cast: Cast, day: dt.date, kind: str = "follow_up", **data: Any
) -> OutcomeResponse:
    intake_before(patient, cast, day)
    return outcome_services.record_outcome(
        actor=Actor(cast.owner), patient=patient, kind=kind, answered_on=day, data=data
    )


def add_sessions(patient: Patient, cast: Cast, days: list[dt.date], plan: Plan | None) -> None:
    """Sessions straight into the table: the outcomes tests need them as dates only."""
    Session.objects.bulk_create(
        Session(patient=patient, plan=plan, date=d, practitioner=cast.owner, method="manual")
        for d in days
    )


@pytest.fixture
def owner(cast: Cast) -> Actor:
    return Actor(cast.owner, ip="127.0.0.1")


@pytest.fixture
def emailed_patient(patient: Patient, cast: Cast) -> Patient:
    """A patient with an email address and a first intake, dated a year back (a link is
    only sent once the first intake is recorded)."""
    Patient.objects.filter(pk=patient.pk).update(email="ada@example.org")
    patient.refresh_from_db()
    intake_before(patient, cast, days_ago(365))
    return patient


@pytest.fixture
def medicare_plan(cast: Cast, patient: Patient) -> Plan:
    data = example("chronic-cold-damp")
    prefs = dict(data["preferences"])  # type: ignore[call-overload]
    prefs["payer"] = "medicare"
    data["preferences"] = prefs
    intake = clinic_services.record_intake(actor=Actor(cast.owner), patient=patient, data=data)
    plan = clinic_services.create_plan(actor=Actor(cast.owner), intake=intake)
    return clinic_services.approve_plan(actor=Actor(cast.owner), plan=plan)
