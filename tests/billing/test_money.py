"""Payments, reversals and prepaid packages: every change audited, nothing edited, bad
input refused with every bad field named and nothing changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from acuplan.audit.models import AuditEvent
from acuplan.billing import services as billing
from acuplan.billing.account import patient_account
from acuplan.billing.models import Package, Payment
from acuplan.clinic.models import Patient, Plan
from acuplan.clinic.services import Actor
from acuplan.core.errors import Conflict, InvalidInput, NotPermitted
from tests.billing.conftest import record
from tests.web.conftest import Cast


def test_it_records_a_payment_with_its_audit_event(cast: Cast, payment: Payment) -> None:
    assert payment.amount == Decimal("100.00")
    event = AuditEvent.objects.get(action="acuplan.payment.recorded")
    assert event.detail["amount"] == "100.00"
    assert event.patient_id == payment.patient_id
    assert event.actor_id == cast.front_desk.pk


@pytest.mark.parametrize(
    ("amount", "method", "day", "fields"),
    [
        ("0", "cash", "today", {"amount"}),
        ("-5", "cash", "today", {"amount"}),
        ("12.345", "cash", "today", {"amount"}),
        ("NaN", "cash", "today", {"amount"}),
        ("1e9", "cash", "today", {"amount"}),
        ("10", "bitcoin", "today", {"method"}),
        ("10", "cash", "tomorrow", {"received_on"}),
        ("abc", "bitcoin", "1999-01-01", {"amount", "method", "received_on"}),
    ],
)
def test_it_refuses_a_bad_payment_and_changes_nothing(
    cast: Cast, patient: Patient, amount: str, method: str, day: str, fields: set[str]
) -> None:
    today = timezone.localdate()
    when = {"today": today, "tomorrow": today + dt.timedelta(days=1)}.get(day, day)
    with pytest.raises(InvalidInput) as exc:
        billing.record_payment(
            actor=Actor(cast.owner), patient=patient, amount=amount, method=method, received_on=when
        )
    assert {e.field for e in exc.value.errors} == fields
    assert not Payment.objects.exists()


def test_it_refuses_another_clinic_s_patient(cast: Cast, patient: Patient) -> None:
    with pytest.raises(NotPermitted):
        billing.record_payment(
            actor=Actor(cast.outsider),
            patient=patient,
            amount="10",
            method="cash",
            received_on=timezone.localdate(),
        )


def test_it_reverses_a_payment_once_and_never_edits_it(cast: Cast, payment: Payment) -> None:
    reversal = billing.reverse_payment(actor=Actor(cast.owner), payment=payment, reason="twice")
    assert (reversal.amount, reversal.reverses_id) == (Decimal("-100.00"), payment.pk)
    assert patient_account(payment.patient).balance == Decimal("0.00")
    with pytest.raises(Conflict, match="already been reversed"):
        billing.reverse_payment(actor=Actor(cast.owner), payment=payment, reason="again")
    with pytest.raises(Conflict, match="cannot itself be reversed"):
        billing.reverse_payment(actor=Actor(cast.owner), payment=reversal, reason="undo")
    with pytest.raises(InvalidInput):
        billing.reverse_payment(actor=Actor(cast.owner), payment=payment, reason=" ")
    payment.amount = Decimal("1.00")
    with pytest.raises(RuntimeError, match="never edited"):
        payment.save()
    with pytest.raises(RuntimeError, match="never deleted"):
        payment.delete()
    assert AuditEvent.objects.filter(action="acuplan.payment.reversed").count() == 1


def test_it_covers_sessions_with_a_package_and_keeps_the_balance(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    today = timezone.localdate()
    package = billing.record_package(
        actor=Actor(cast.front_desk),
        patient=patient,
        sessions=2,
        price="170.00",
        purchased_on=today - dt.timedelta(days=5),
        paid_by="card",
    )
    for days in (3, 2, 1):  # three visits on three days: each an initial code
        record(cast, patient, approved_plan, today - dt.timedelta(days=days))
    account = patient_account(patient)
    assert list(account.covered.values()) == [package.pk, package.pk]
    # two sessions prepaid; the third is one 97810 at 95.00; the package paid
    assert account.balance == Decimal("95.00")
    assert Payment.objects.get().package_id == package.pk
    with pytest.raises(Conflict, match="cannot be voided"):
        billing.void_package(actor=Actor(cast.owner), package=package, reason="x", used=2)


def test_it_voids_an_unused_package_once(cast: Cast, package: Package) -> None:
    billing.void_package(actor=Actor(cast.owner), package=package, reason="sold in error", used=0)
    assert patient_account(package.patient).balance == Decimal("0.00")
    with pytest.raises(Conflict, match="already void"):
        billing.void_package(actor=Actor(cast.owner), package=package, reason="again", used=0)
    assert AuditEvent.objects.filter(action="acuplan.package.voided").count() == 1


@pytest.mark.parametrize(
    ("sessions", "price", "fields"),
    [(0, "100", {"sessions"}), (101, "100", {"sessions"}), (True, "0", {"sessions", "price"})],
)
def test_it_refuses_a_bad_package(
    cast: Cast, patient: Patient, sessions: object, price: str, fields: set[str]
) -> None:
    with pytest.raises(InvalidInput) as exc:
        billing.record_package(
            actor=Actor(cast.owner),
            patient=patient,
            sessions=sessions,
            price=price,
            purchased_on=timezone.localdate(),
        )
    assert {e.field for e in exc.value.errors} == fields
    assert not Package.objects.exists()


def test_it_lets_only_a_clinic_admin_change_the_billing_details(cast: Cast) -> None:
    clinic = cast.owner.clinic
    assert clinic is not None
    with pytest.raises(NotPermitted, match="only a clinic admin"):
        billing.update_clinic_billing(actor=Actor(cast.owner), clinic=clinic, data={"phone": "1"})
    with pytest.raises(InvalidInput) as exc:
        billing.update_clinic_billing(
            actor=Actor(cast.admin),
            clinic=clinic,
            data={"fee_schedule": {"12345": "1", "97810": "-1"}, "colour": "red"},
        )
    assert {e.field for e in exc.value.errors} == {
        "fee_schedule.12345",
        "fee_schedule.97810",
        "colour",
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"npi": "1234567890"}, "npi"),
        ({"licence_state": "XX"}, "licence_state"),
        ({"licence_expiry": "soon"}, "licence_expiry"),
        ({"nccaom_number": "123"}, "nccaom_expiry"),
        ({"hobby": "golf"}, "hobby"),
    ],
)
def test_it_refuses_bad_credentials(cast: Cast, changes: dict[str, str], field: str) -> None:
    profile = cast.owner.profile
    with pytest.raises(InvalidInput) as exc:
        billing.update_credentials(actor=Actor(cast.owner), profile=profile, data=changes)
    assert field in {e.field for e in exc.value.errors}


def test_it_keeps_old_and_new_credentials_in_the_audit_event(cast: Cast) -> None:
    profile = cast.owner.profile
    billing.update_credentials(actor=Actor(cast.owner), profile=profile, data={"npi": "1234567893"})
    event = AuditEvent.objects.get(action="acuplan.credentials.changed")
    assert event.detail["changes"] == {"npi": ["", "1234567893"]}
    with pytest.raises(NotPermitted):
        billing.update_credentials(
            actor=Actor(cast.colleague), profile=profile, data={"npi": "1993999998"}
        )
