"""Every page of ``acuplan.billing.urls`` against the cast: billing is front-desk work, so
front desk gets the account, payments and superbills (which show no clinical notes); an
outsider gets 404; the billing settings are for the clinic admin. The table must name every
URL pattern."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from acuplan.accounts.models import Clinic
from acuplan.audit.models import AuditEvent
from acuplan.billing import urls as billing_urls
from acuplan.clinic.models import Patient, Session
from tests.page_cast import Page, PageTable, cast_tests
from tests.web.conftest import Cast, login

TODAY = dt.date.today().isoformat()

PAGES: dict[str, Page] = {
    "account": Page("patient", clinical=False),
    "payment_new": Page(
        "patient",
        clinical=False,
        method="POST",
        ok=302,
        data={"amount": "50.00", "method": "cash", "received_on": TODAY},
    ),
    "package_new": Page(
        "patient",
        clinical=False,
        method="POST",
        ok=302,
        data={"sessions": 5, "price": "400.00", "purchased_on": TODAY},
    ),
    "payment_reverse": Page(
        "payment", clinical=False, method="POST", ok=302, data={"reason": "charged twice"}
    ),
    "package_void": Page(
        "package", clinical=False, method="POST", ok=302, data={"reason": "sold in error"}
    ),
    "session_superbill": Page("billed_session", clinical=False),
    "period_superbill": Page("patient", clinical=False),
    "claims_csv": Page(clinical=False),
    "settings": Page(admin_only=True),
}
TABLE = PageTable(PAGES, billing_urls, "billing")
globals().update(cast_tests(TABLE))


def _get(client: Client, name: str, **kwargs: object) -> str:
    response = client.get(reverse(f"billing:{name}", kwargs=kwargs or None))
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_it_prints_everything_a_superbill_states(
    client: Client, cast: Cast, billed_session: Session
) -> None:
    login(client, cast.front_desk)
    html = _get(client, "session_superbill", pk=billed_session.pk)
    for fact in (
        "Riverside",
        "12 River Road",
        "12-3456789",
        "1234567893",  # the rendering practitioner's NPI
        "171100000X",
        "L-owner",
        "CA",
        "Ada Byrne",
        "1970-05-01",
        "place of service 11",
        "M54.50",
        "97810",
        "97814",
        "95.00",
        "50.00",
        "145.00",
    ):
        assert fact in html, fact
    assert "<strong>A.</strong> M54.50" in html


def test_it_keeps_clinical_notes_off_the_superbill(
    client: Client, cast: Cast, session: Session
) -> None:
    login(client, cast.front_desk)
    html = _get(client, "session_superbill", pk=session.pk)
    assert "Private clinical note." not in html
    assert "BL23" not in html  # the points needled are clinical


def test_it_audits_each_superbill_and_account_read(
    client: Client, cast: Cast, billed_session: Session
) -> None:
    login(client, cast.front_desk)
    _get(client, "session_superbill", pk=billed_session.pk)
    _get(client, "account", pk=billed_session.patient_id)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "acuplan.superbill.read" in actions
    assert "acuplan.account.read" in actions


def test_it_records_and_reverses_a_payment_from_the_account_page(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.front_desk)
    url = reverse("billing:payment_new", kwargs={"pk": patient.pk})
    bad = client.post(url, {"amount": "0", "method": "cash", "received_on": TODAY})
    assert bad.status_code == 400
    assert "more than 0" in bad.content.decode() or "greater than or equal" in bad.content.decode()
    ok = client.post(url, {"amount": "60.00", "method": "cash", "received_on": TODAY})
    assert ok.status_code == 302
    payment = patient.payments.get()
    assert "balance -60.00" in _get(client, "account", pk=patient.pk)
    client.post(reverse("billing:payment_reverse", kwargs={"pk": payment.pk}), {"reason": "typo"})
    assert "balance 0.00" in _get(client, "account", pk=patient.pk)
    again = client.post(
        reverse("billing:payment_reverse", kwargs={"pk": payment.pk}), {"reason": "again"}
    )
    assert again.status_code == 409


def test_it_exports_the_clinic_s_claim_lines_as_csv(
    client: Client, cast: Cast, billed_session: Session
) -> None:
    login(client, cast.front_desk)
    response = client.get(reverse("billing:claims_csv"), {"start": TODAY, "end": TODAY})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().splitlines()
    assert rows[0].startswith("date_of_service,patient_id,")
    assert [r.split(",")[8] for r in rows[1:]] == ["97810", "97814"]
    assert all("171100000X" in r and ",11," in r for r in rows[1:])
    login(client, cast.outsider)
    other = client.get(reverse("billing:claims_csv"), {"start": TODAY, "end": TODAY})
    assert len(other.content.decode().splitlines()) == 1  # the header only
    refused = client.get(reverse("billing:claims_csv"), {"start": TODAY, "end": "2000-01-01"})
    assert refused.status_code == 400


def test_it_lets_the_admin_set_the_clinic_s_billing_details(client: Client, cast: Cast) -> None:
    login(client, cast.admin)
    url = reverse("billing:settings")
    bad = client.post(url, {"address": "x", "tax_id": "123456789", "fee_97810": "90"})
    assert bad.status_code == 400
    assert "EIN" in bad.content.decode()
    ok = client.post(url, {"address": "1 Main St", "tax_id": "98-7654321", "fee_97810": "90"})
    assert ok.status_code == 302
    clinic = Clinic.objects.get(pk=cast.admin.clinic_id)
    assert (clinic.tax_id, clinic.fee_schedule) == ("98-7654321", {"97810": "90.00"})
    event = AuditEvent.objects.get(action="acuplan.clinic_billing.changed")
    assert event.detail["changes"]["tax_id"] == ["12-3456789", "98-7654321"]
