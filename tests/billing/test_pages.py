"""Every page of ``acuplan.billing.urls`` against the cast: billing is front-desk work, so
front desk gets the account, payments and superbills (which show no clinical notes); an
outsider gets 404; the billing settings are for the clinic admin; the directory is public.
The table must name every URL pattern."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acuplan.accounts.models import Clinic, PractitionerProfile, User
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
    "credentials": Page(clinical=False),
    "directory": Page(public=True),
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


def _credentials(client: Client, profile: PractitionerProfile, **changes: str) -> Any:
    data = {
        "practitioner": profile.pk,
        "licence_number": profile.licence_number,
        "licence_state": profile.licence_state,
        "licence_expiry": profile.licence_expiry.isoformat(),
        "nccaom_number": "",
        "nccaom_expiry": "",
        "npi": "",
        **changes,
    }
    return client.post(reverse("billing:credentials"), data)


def test_it_checks_the_npi_s_check_digit_on_the_credentials_page(
    client: Client, cast: Cast
) -> None:
    login(client, cast.owner)
    own = PractitionerProfile.objects.get(user=cast.owner)
    bad = _credentials(client, own, npi="1234567890")
    assert bad.status_code == 400
    assert "check digit" in bad.content.decode()
    good = _credentials(
        client, own, npi="1234567893", nccaom_number="123456", nccaom_expiry="2030-01-01"
    )
    assert good.status_code == 302
    own.refresh_from_db()
    assert own.npi == "1234567893"
    assert AuditEvent.objects.filter(action="acuplan.credentials.changed").count() == 1
    colleague = PractitionerProfile.objects.get(user=cast.colleague)
    assert _credentials(client, colleague).status_code == 403
    login(client, cast.admin)
    assert _credentials(client, colleague, npi="1993999998").status_code == 302
    login(client, cast.outsider)
    assert _credentials(client, own).status_code == 404


def test_it_warns_on_the_dashboard_sixty_days_before_a_credential_expires(
    client: Client, cast: Cast
) -> None:
    today = timezone.localdate()
    PractitionerProfile.objects.filter(user=cast.owner).update(
        licence_expiry=today + dt.timedelta(days=30),
        nccaom_number="1234",
        nccaom_expiry=today - dt.timedelta(days=2),
    )
    PractitionerProfile.objects.filter(user=cast.colleague).update(
        licence_expiry=today + dt.timedelta(days=61)
    )
    login(client, cast.owner)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Credentials to renew" in html
    assert "in 30 days" in html
    assert "NCCAOM certification expired" in html
    login(client, cast.colleague)
    assert "Credentials to renew" not in client.get(reverse("dashboard")).content.decode()
    login(client, cast.admin)
    assert "in 30 days" in client.get(reverse("dashboard")).content.decode()


# --- the public directory -----------------------------------------------------------------


def test_it_lists_the_clinic_s_practitioners_and_how_to_verify_them(
    client: Client, cast: Cast, patient: Patient
) -> None:
    PractitionerProfile.objects.filter(user=cast.owner).update(
        npi="1234567893", nccaom_number="98765", nccaom_expiry=dt.date(2030, 1, 1)
    )
    User.objects.filter(pk=cast.owner.pk).update(first_name="Min", last_name="Lee")
    response = client.get(reverse("billing:directory", kwargs={"slug": "riverside"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "the clinic's own record, not a verification" in html.lower()
    assert "Min Lee" in html
    assert "CA L-owner" in html
    assert "1234567893" in html
    assert "98765" in html
    assert "https://search.dca.ca.gov" in html  # the California board's lookup
    assert "help.nccaom.org" in html
    assert "L-outsider" not in html  # another clinic's practitioner
    assert patient.last_name not in html


@pytest.mark.parametrize("slug", ["nowhere", "riverside-retired-1"])
def test_it_has_no_directory_for_an_unknown_or_retired_clinic(
    client: Client, cast: Cast, slug: str
) -> None:
    if slug != "nowhere":
        Clinic.objects.create(name="Old", slug=slug)
    assert client.get(reverse("billing:directory", kwargs={"slug": slug})).status_code == 404
