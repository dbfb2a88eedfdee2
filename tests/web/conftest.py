"""Fixture chain for the clinic application: clinic -> users (the cast) -> patient -> intake
-> plan -> session. The cast: ``owner`` (the patient's practitioner), ``colleague`` (another
practitioner in the same clinic), ``outsider`` (a practitioner of another clinic),
``front_desk`` (same clinic, no clinical notes)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from acuplan.accounts.models import Clinic, PractitionerProfile, Role, User
from acuplan.clinic import services
from acuplan.clinic.models import Intake, Patient, Plan, Session
from tests.conftest import EXAMPLES

PASSWORD = "correct horse battery staple"  # noqa: S105


def make_user(
    clinic: Clinic, username: str, role: str = Role.PRACTITIONER, licence_days: int | None = 365
) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, clinic=clinic, role=role)
    if role == Role.PRACTITIONER and licence_days is not None:
        PractitionerProfile.objects.create(
            user=user,
            licence_number=f"L-{username}",
            licence_state="CA",
            licence_expiry=timezone.localdate() + dt.timedelta(days=licence_days),
        )
    return user


def example(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return data


@dataclass
class Cast:
    owner: User
    colleague: User
    outsider: User
    front_desk: User
    admin: User


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    """PBKDF2's deliberate slowness is for production; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clinic(db: None) -> Clinic:
    return Clinic.objects.create(name="Riverside", slug="riverside")


@pytest.fixture
def other_clinic(db: None) -> Clinic:
    return Clinic.objects.create(name="Harbour", slug="harbour")


@pytest.fixture
def cast(clinic: Clinic, other_clinic: Clinic) -> Cast:
    return Cast(
        owner=make_user(clinic, "owner"),
        colleague=make_user(clinic, "colleague"),
        outsider=make_user(other_clinic, "outsider"),
        front_desk=make_user(clinic, "desk", Role.FRONT_DESK),
        admin=make_user(clinic, "admin", Role.CLINIC_ADMIN),
    )


@pytest.fixture
def patient(cast: Cast) -> Patient:
    return services.create_patient(
        actor=services.Actor(cast.owner),
        data={
            "first_name": "Ada",
            "last_name": "Byrne",
            "date_of_birth": "1970-05-01",
            "sex": "female",
        },
    )


@pytest.fixture
def intake(cast: Cast, patient: Patient) -> Intake:
    return services.record_intake(
        actor=services.Actor(cast.owner), patient=patient, data=example("chronic-cold-damp")
    )


@pytest.fixture
def plan(cast: Cast, intake: Intake) -> Plan:
    return services.create_plan(actor=services.Actor(cast.owner), intake=intake)


@pytest.fixture
def approved_plan(cast: Cast, plan: Plan) -> Plan:
    return services.approve_plan(actor=services.Actor(cast.owner), plan=plan)


@pytest.fixture
def blocked_plan(cast: Cast, patient: Patient) -> Plan:
    """A plan that stops treatment: suspected cauda equina (emergency)."""
    actor = services.Actor(cast.owner)
    red = services.record_intake(
        actor=actor, patient=patient, data=example("red-flag-cauda-equina")
    )
    return services.create_plan(actor=actor, intake=red)


@pytest.fixture
def planned_patient(patient: Patient, approved_plan: Plan) -> Patient:
    """The patient once an approved plan allows treatment (the session form is open)."""
    return patient


@pytest.fixture
def session(cast: Cast, patient: Patient, approved_plan: Plan) -> Session:
    return services.record_session(
        actor=services.Actor(cast.owner),
        patient=patient,
        plan=approved_plan,
        date=timezone.localdate(),
        method="manual",
        points=[{"code": "BL23", "side": "bilateral", "depth_cun": 1.0, "de_qi": True}],
        retention_minutes=20,
        notes="Private clinical note.",
    )


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client
