"""Fixtures of the billing tests: the clinic fixture chain and cast of tests/web, a clinic
with its billing details and fees, a session with needle sets, a payment and a package."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from acuplan.accounts.models import Clinic, PractitionerProfile
from acuplan.billing import services as billing
from acuplan.billing.models import Package, Payment
from acuplan.clinic import services
from acuplan.clinic.models import Patient, Plan, Session
from tests.web.conftest import *  # noqa: F403  (fixtures: clinic, cast, patient, plan ...)
from tests.web.conftest import Cast

FEES = {"97810": "95.00", "97811": "45.00", "97813": "105.00", "97814": "50.00", "99213": "85.00"}
NPI = "1234567893"  # fictitious, with a valid check digit


@pytest.fixture(autouse=True)
def billing_details(clinic: Clinic) -> Clinic:
    Clinic.objects.filter(pk=clinic.pk).update(
        address="12 River Road\nSacramento, CA 95814",
        phone="(916) 555-0142",
        tax_id="12-3456789",
        fee_schedule=FEES,
    )
    clinic.refresh_from_db()
    return clinic


@pytest.fixture
def owner_npi(cast: Cast) -> PractitionerProfile:
    PractitionerProfile.objects.filter(user=cast.owner).update(npi=NPI)
    return PractitionerProfile.objects.get(user=cast.owner)


def record(cast: Cast, patient: Patient, plan: Plan | None, day: dt.date, **kw: Any) -> Session:
    """A session through the service (the safety gate and Medicare's rules apply)."""
    fields: dict[str, Any] = {
        "method": "manual",
        "points": [{"code": "BL23", "side": "bilateral", "depth_cun": 1.0}],
        "sets": [{"stimulation": "manual", "face_to_face_minutes": 15}],
    }
    fields.update(kw)
    return services.record_session(
        actor=services.Actor(cast.owner), patient=patient, plan=plan, date=day, **fields
    )


@pytest.fixture
def billed_session(cast: Cast, patient: Patient, approved_plan: Plan, owner_npi: Any) -> Session:
    """Manual 15 minutes, then electro 15 minutes (a re-insertion): 97810 + 97814."""
    return record(
        cast,
        patient,
        approved_plan,
        timezone.localdate(),
        method="electro",
        sets=[
            {"stimulation": "manual", "face_to_face_minutes": 15, "retention_minutes": 20},
            {"stimulation": "electro", "face_to_face_minutes": 15},
        ],
    )


@pytest.fixture
def payment(cast: Cast, patient: Patient) -> Payment:
    return billing.record_payment(
        actor=services.Actor(cast.front_desk),
        patient=patient,
        amount="100.00",
        method="card",
        received_on=timezone.localdate(),
        reference="slip 0042",
    )


@pytest.fixture
def package(cast: Cast, patient: Patient) -> Package:
    return billing.record_package(
        actor=services.Actor(cast.front_desk),
        patient=patient,
        sessions=5,
        price="400.00",
        purchased_on=timezone.localdate(),
    )
