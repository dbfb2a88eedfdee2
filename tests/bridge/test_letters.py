"""Referral letters and the physician summary: what they say, who may read and send them,
and what sending records (the referral made, the audit event, the email)."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core import mail
from django.test import Client

from acuplan.audit.models import AuditEvent
from acuplan.bridge.models import ReferralLetter
from acuplan.clinic import services
from acuplan.clinic.models import Patient, Plan, ReferralMade
from tests.web.conftest import Cast, example, login


def _with_contact(patient: Patient, cast: Cast, contact: str) -> None:
    services.update_patient(
        actor=services.Actor(cast.owner),
        patient=patient,
        data={"physician_name": "Dr R. Osei", "physician_contact": contact},
    )


def test_it_writes_the_letter_in_medical_language(
    client: Client, cast: Cast, blocked_plan: Plan
) -> None:
    page = login(client, cast.owner).get(f"/plans/{blocked_plan.pk}/letter/").content.decode()
    assert "Emergency: same day, emergency department" in page
    assert "Saddle anaesthesia" in page
    assert "Urinary retention" in page
    assert "no needling" in page
    assert "CA acupuncture licence L-owner" in page
    assert AuditEvent.objects.filter(action="acuplan.referral_letter.read").exists()


def test_it_emails_the_letter_and_records_the_referral_as_made(
    client: Client, cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    _with_contact(patient, cast, "r.osei@example.org")
    login(client, cast.owner)
    response = client.post(
        f"/plans/{blocked_plan.pk}/letter/send/", {"referral": "0", "method": "email"}
    )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["r.osei@example.org"]]
    assert "URGENCY: Emergency" in mail.outbox[0].body
    made = ReferralMade.objects.get(plan=blocked_plan)
    letter = ReferralLetter.objects.get()
    assert letter.referral_made == made
    assert letter.method == "email"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"acuplan.referral.made", "acuplan.referral_letter.sent"} <= actions
    # the dashboard's urgent panel no longer waits on this referral
    assert "no referral recorded yet" not in client.get("/").content.decode()


def test_it_refuses_to_email_a_contact_that_is_not_an_email_address(
    client: Client, cast: Cast, patient: Patient, blocked_plan: Plan
) -> None:
    _with_contact(patient, cast, "fax 555 0100")
    login(client, cast.owner)
    client.post(f"/plans/{blocked_plan.pk}/letter/send/", {"referral": "0", "method": "email"})
    assert mail.outbox == []
    assert not ReferralLetter.objects.exists()
    assert not ReferralMade.objects.exists()
    page = client.get(f"/plans/{blocked_plan.pk}/letter/").content.decode()
    assert "not an email address" in page


def test_it_records_a_printed_letter_for_a_routine_referral(
    client: Client, cast: Cast, patient: Patient
) -> None:
    actor = services.Actor(cast.owner)
    intake = services.record_intake(actor=actor, patient=patient, data=example("pregnant-24-weeks"))
    plan = services.create_plan(actor=actor, intake=intake)
    login(client, cast.owner)
    page = client.get(f"/plans/{plan.pk}/letter/?referral=0").content.decode()
    assert "Urgency: Routine" in page
    assert "midwife or obstetrician" in page
    client.post(f"/plans/{plan.pk}/letter/send/", {"referral": "0", "method": "printed"})
    letter = ReferralLetter.objects.get()
    assert (letter.method, letter.urgency, letter.referral_made) == ("printed", "routine", None)


def test_it_answers_a_referral_the_plan_does_not_have_with_400(
    client: Client, cast: Cast, blocked_plan: Plan
) -> None:
    login(client, cast.owner)
    assert client.get(f"/plans/{blocked_plan.pk}/letter/?referral=7").status_code == 400
    assert client.get(f"/plans/{blocked_plan.pk}/letter/?referral=x").status_code == 400


def test_it_says_so_when_a_plan_raises_no_referral(client: Client, cast: Cast, plan: Plan) -> None:
    page = login(client, cast.owner).get(f"/plans/{plan.pk}/letter/").content.decode()
    assert "no letter to write" in page


def test_it_summarises_the_care_for_the_physician(
    client: Client, cast: Cast, full_record: Patient
) -> None:
    login(client, cast.owner)
    page = client.get(f"/patients/{full_record.pk}/physician-summary/").content.decode()
    for expected in (
        "ICD-10-CM",
        "SNOMED CT",
        "Cold-damp lumbago (traditional pattern",
        "Sessions given (2)",
        "haematoma (mild)",
        "Pain Numeric Rating Scale",
        "2 points or 30%",
        "Yes",
        "Next step",
    ):
        assert expected in page, expected
    assert "0.25 x 40" not in page
    detail = client.get(f"/patients/{full_record.pk}/physician-summary/?stricta=1")
    assert "BL23 bilateral 1.0 cun de qi" in detail.content.decode()
    assert AuditEvent.objects.filter(action="acuplan.physician_summary.read").count() == 2


def test_it_records_nothing_when_the_email_cannot_be_sent(
    client: Client, cast: Cast, patient: Patient, blocked_plan: Plan, monkeypatch: Any
) -> None:
    _with_contact(patient, cast, "r.osei@example.org")

    def fail(*args: object, **kwargs: object) -> None:
        raise smtplib.SMTPException("relay refused")

    monkeypatch.setattr("acuplan.bridge.services.send_mail", fail)
    login(client, cast.owner)
    client.post(f"/plans/{blocked_plan.pk}/letter/send/", {"referral": "0", "method": "email"})
    assert not ReferralLetter.objects.exists()
    assert not ReferralMade.objects.exists()
    page = client.get(f"/plans/{blocked_plan.pk}/letter/").content.decode()
    assert "could not be sent" in page


def test_it_answers_a_bad_referral_number_on_sending_with_a_message(
    client: Client, cast: Cast, blocked_plan: Plan
) -> None:
    login(client, cast.owner)
    response = client.post(f"/plans/{blocked_plan.pk}/letter/send/", {"referral": "x"})
    assert response.status_code == 302
    assert not ReferralLetter.objects.exists()
