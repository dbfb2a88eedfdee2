"""The demo clinic: created or reset through the same services a clinic uses."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from acuplan.accounts.models import Clinic, PractitionerProfile, Role, User
from acuplan.accounts.tokens import ApiToken
from acuplan.clinic import services
from acuplan.clinic.models import Patient, Plan
from acuplan.core.errors import FieldError, InvalidInput

DEMO_CLINICS = ("riverside", "harbour")
DEMO_INTAKES = (
    "chronic-cold-damp",
    "sciatica-on-apixaban",
    "pregnant-24-weeks",
    "red-flag-cauda-equina",
)
DEMO_LOGINS = [
    ("admin", "Alex", "Morgan"),
    ("dr.lee", "Min", "Lee"),
    ("chen", "Wei", "Chen"),
    ("frontdesk", "Jamie", "Fox"),
    ("dr.patel", "Asha", "Patel"),
]
PATIENTS = [
    ("Daniel", "Okafor", "1974-03-02", "male", "chronic-cold-damp"),
    ("Margaret", "Lindqvist", "1959-06-18", "female", "sciatica-on-apixaban"),
    ("Sofia", "Alvarez", "1995-01-09", "female", "pregnant-24-weeks"),
    ("Thomas", "Reid", "1982-11-30", "male", "red-flag-cauda-equina"),
]


def demo_intake(name: str) -> dict[str, Any]:
    text = resources.files("acuplan.clinic").joinpath(f"demo_intakes/{name}.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def _retire() -> None:
    """Retire the previous demo instead of deleting it: the audit log is append-only and
    its events point at the demo's users, clinics and patients, so those stay. The old
    clinics get a new slug and name, their users are deactivated and renamed (freeing
    the demo usernames) and lose their password and API tokens. Nothing is deleted, so
    this works whatever the old demo recorded (outcomes, reviews, appointments ...)."""
    for clinic in Clinic.objects.select_for_update().filter(slug__in=DEMO_CLINICS):
        Clinic.objects.filter(pk=clinic.pk).update(
            slug=f"{clinic.slug}-retired-{clinic.pk}", name=f"{clinic.name} (retired demo)"
        )
        for user in User.objects.filter(clinic=clinic):
            user.username = f"{user.username}+retired-{user.pk}"
            user.is_active = False
            user.set_unusable_password()
            user.save()
            ApiToken.objects.filter(user=user).update(revoked=True)


def check_password(password: str) -> None:
    """Django's password validators, for every demo login (InvalidInput says why)."""
    problems: list[str] = []
    for username, first, last in DEMO_LOGINS:
        try:
            validate_password(password, User(username=username, first_name=first, last_name=last))
        except ValidationError as exc:
            problems += [m for m in exc.messages if m not in problems]
    if problems:
        raise InvalidInput([FieldError("password", m) for m in problems])


#: Fictitious NPIs with valid check digits (no real practitioner's number).
DEMO_NPIS = {"AC12345": "1234567893", "AC23456": "1543219871", "AC98765": "1678901236"}
#: The demo clinic's fees per unit (an example, not a recommendation).
DEMO_FEES = {"97810": "95.00", "97811": "45.00", "97813": "105.00", "97814": "50.00"}
DEMO_FEES |= {"99203": "120.00", "99213": "85.00"}


def _user(
    clinic: Clinic,
    username: str,
    role: str,
    password: str,
    first: str,
    last: str,
    licence: str | None = None,
) -> User:
    user = User.objects.create_user(
        username=username,
        password=password,
        clinic=clinic,
        role=role,
        first_name=first,
        last_name=last,
    )
    if licence:
        PractitionerProfile.objects.create(
            user=user,
            licence_number=licence,
            licence_state="CA",
            licence_expiry=timezone.localdate() + dt.timedelta(days=365),
            nccaom_number=f"NC-{licence}",
            nccaom_expiry=timezone.localdate() + dt.timedelta(days=400),
            npi=DEMO_NPIS.get(licence, ""),
        )
    return user


@transaction.atomic
def create_demo(password: str) -> list[tuple[str, str, str]]:
    """Reset the demo clinics; returns (clinic, username, role) for every demo login.
    InvalidInput when ``password`` fails Django's password validators."""
    check_password(password)
    _retire()
    riverside = Clinic.objects.create(
        name="Riverside Acupuncture",
        slug="riverside",
        time_zone="America/Los_Angeles",
        address="12 River Road, Suite 3\nSacramento, CA 95814",
        phone="(916) 555-0142",
        tax_id="12-3456789",
        fee_schedule=DEMO_FEES,
    )
    harbour = Clinic.objects.create(
        name="Harbour Integrative Clinic",
        slug="harbour",
        time_zone="America/New_York",
        phone="(555) 010-0300",
    )
    _user(riverside, "admin", Role.CLINIC_ADMIN, password, "Alex", "Morgan")
    lee = _user(riverside, "dr.lee", Role.PRACTITIONER, password, "Min", "Lee", "AC12345")
    _user(riverside, "chen", Role.PRACTITIONER, password, "Wei", "Chen", "AC23456")
    _user(riverside, "frontdesk", Role.FRONT_DESK, password, "Jamie", "Fox")
    other = _user(harbour, "dr.patel", Role.PRACTITIONER, password, "Asha", "Patel", "AC98765")
    actor = services.Actor(lee)
    today = timezone.localdate()
    for first, last, dob, sex, intake_name in PATIENTS:
        patient = services.create_patient(
            actor=actor,
            data={
                "first_name": first,
                "last_name": last,
                "date_of_birth": dob,
                "sex": sex,
                "email": f"{first.lower()}@example.org",
                "physician_name": "Dr R. Osei (family medicine)",
                "physician_contact": "r.osei@example.org",
            },
        )
        intake = services.record_intake(actor=actor, patient=patient, data=demo_intake(intake_name))
        plan = services.create_plan(actor=actor, intake=intake, as_of=today - dt.timedelta(days=21))
        if plan.is_treatable:
            plan = services.approve_plan(actor=actor, plan=plan)
            _demo_sessions(actor, patient, plan, today)
    harbour_actor = services.Actor(other)
    p = services.create_patient(
        actor=harbour_actor,
        data={
            "first_name": "Grace",
            "last_name": "Nakamura",
            "date_of_birth": "1968-08-08",
            "sex": "female",
        },
    )
    services.record_intake(actor=harbour_actor, patient=p, data=demo_intake("chronic-cold-damp"))
    return [
        (u.clinic.name if u.clinic else "", u.username, u.role)
        for u in User.objects.filter(clinic__slug__in=DEMO_CLINICS).select_related("clinic")
    ]


def _demo_sessions(actor: services.Actor, patient: Patient, plan: Plan, today: dt.date) -> None:
    rx = plan.data["prescription"]
    points = [
        {
            "code": p["code"],
            "side": p["side"],
            "depth_cun": p["depth_max_cun"],
            "de_qi": True,
            "stimulation": "even",
        }
        for p in rx["points"]
    ]
    method = rx["technique"]["method"]
    needles = "electro" if method == "electro" else "manual"
    for i, days_ago in enumerate((18, 14, 11, 7)):
        # One set in most visits; the second visit adds a re-insertion with stimulation.
        sets = [{"stimulation": "manual", "face_to_face_minutes": 15, "retention_minutes": 20}]
        if i == 1 and method != "acupressure":
            sets.append({"stimulation": needles, "face_to_face_minutes": 12})
        services.record_session(
            actor=actor,
            patient=patient,
            plan=plan,
            date=today - dt.timedelta(days=days_ago),
            method=rx["technique"]["method"],
            points=points,
            retention_minutes=rx["technique"]["retention_minutes"],
            needle_type="sterile single-use stainless steel",
            needle_size="0.25 x 40 mm",
            needle_count=len(points) * 2,
            moxibustion=rx["technique"]["moxibustion"],
            pain_nrs=max(0, 7 - i),
            notes="Tolerated well.",
            adverse_events=[{"kind": "bruising", "severity": "mild"}] if i == 1 else [],
            sets=sets if method != "acupressure" else [],
        )
