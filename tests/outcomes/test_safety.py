"""The clinic safety page: adverse-event rates per 1,000 sessions and per patient, by
severity, clinic-scoped, beside the published figures with their citations."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from acuplan.accounts.models import Clinic
from acuplan.clinic.models import AdverseEvent, Patient, Session
from acuplan.outcomes.safety import safety_report
from tests.web.conftest import Cast, login


def _sessions(patient: Patient, cast: Cast, n: int) -> list[Session]:
    return Session.objects.bulk_create(
        Session(patient=patient, date=dt.date(2025, 1, 1), practitioner=cast.owner, method="manual")
        for _ in range(n)
    )


def _patient(clinic: Clinic, name: str) -> Patient:
    return Patient.objects.create(
        clinic=clinic, first_name=name, last_name="Test", date_of_birth=dt.date(1970, 1, 1)
    )


def test_it_computes_rates_by_severity(cast: Cast, clinic: Clinic) -> None:
    a, b = _patient(clinic, "A"), _patient(clinic, "B")
    sa, sb = _sessions(a, cast, 150), _sessions(b, cast, 50)
    AdverseEvent.objects.bulk_create(
        [
            AdverseEvent(session=sa[0], kind="bruising", severity="mild"),
            AdverseEvent(session=sa[1], kind="bruising", severity="mild"),
            AdverseEvent(session=sb[0], kind="pain", severity="mild"),
            AdverseEvent(session=sb[1], kind="fainting", severity="moderate"),
        ]
    )
    report = safety_report(clinic.pk)
    assert (report.sessions, report.patients) == (200, 2)
    mild, moderate, serious = report.rates
    assert (mild.events, mild.per_1000_sessions, mild.patients, mild.percent_of_patients) == (
        3,
        15.0,
        2,
        100.0,
    )
    assert (moderate.events, moderate.per_1000_sessions, moderate.percent_of_patients) == (
        1,
        5.0,
        50.0,
    )
    assert (serious.events, serious.per_1000_sessions) == (0, 0.0)
    assert (report.treated.events, report.treated.patients) == (1, 1)
    assert (report.any_event.events, report.any_event.per_1000_sessions) == (4, 20.0)


def test_it_has_no_rate_without_sessions(clinic: Clinic) -> None:
    report = safety_report(clinic.pk)
    assert report.any_event.per_1000_sessions is None
    assert report.any_event.percent_of_patients is None


def test_it_shows_only_the_clinic_s_own_events_beside_the_literature(
    client: Client, cast: Cast, clinic: Clinic, other_clinic: Clinic
) -> None:
    ours = _sessions(_patient(clinic, "A"), cast, 10)
    theirs = _sessions(_patient(other_clinic, "Z"), cast, 1000)
    AdverseEvent.objects.create(session=ours[0], kind="bruising", severity="mild")
    AdverseEvent.objects.create(session=theirs[0], kind="pneumothorax", severity="serious")
    login(client, cast.owner)
    page = client.get(reverse("outcomes:safety")).content.decode()
    assert "10 sessions given to 1 patient" in page
    assert "pneumothorax" not in page
    assert "8.6%" in page
    assert "2.2%" in page
    assert "1 serious adverse event per 10,000" in page
    assert "Witt CM" in page
    assert "Forsch Komplementmed" in page
    assert "10.1159/000209315" in page
    assert "Baumler P" in page
    assert "BMJ Open" in page
    login(client, cast.outsider)
    theirs_page = client.get(reverse("outcomes:safety")).content.decode()
    assert "1000 sessions given to 1 patient" in theirs_page


def test_it_flags_a_rate_far_above_the_published_figure(
    client: Client, cast: Cast, clinic: Clinic
) -> None:
    """100% of patients with an adverse event, against a published 8.6%, must not pass
    unremarked; one patient in five with a mild event (20%) is not yet beyond chance."""
    a = _patient(clinic, "A")
    (session,) = _sessions(a, cast, 1)
    AdverseEvent.objects.create(session=session, kind="bruising", severity="mild")
    flags = safety_report(clinic.pk).flags
    assert [f.published.rate for f in flags] == ["any"]
    assert flags[0].text.startswith(
        "Any adverse event: 100% of patients (1 of 1), against about 8.6% in Witt 2009."
    )
    login(client, cast.owner)
    html = client.get(reverse("outcomes:safety")).content.decode()
    assert 'id="safety-flags"' in html
    assert "Far above the published figures" in html

    for name in "BCDE":
        _sessions(_patient(clinic, name), cast, 1)
    assert safety_report(clinic.pk).flags == []
    assert 'id="safety-flags"' not in client.get(reverse("outcomes:safety")).content.decode()


def test_it_flags_any_serious_event_in_a_small_clinic(cast: Cast, clinic: Clinic) -> None:
    patients = [_patient(clinic, f"P{i}") for i in range(20)]
    sessions = [_sessions(p, cast, 1)[0] for p in patients]
    AdverseEvent.objects.create(session=sessions[0], kind="pneumothorax", severity="serious")
    flagged = {f.published.rate for f in safety_report(clinic.pk).flags}
    assert flagged == {"serious"}  # 1 in 20 against about 1 in 10,000


def test_it_compares_with_the_figures_the_knowledge_base_gives() -> None:
    from acuplan.core.knowledge import default_knowledge
    from acuplan.outcomes.safety import BAUMLER_SERIOUS, WITT_ANY, WITT_TREATED

    studies = default_knowledge().studies
    assert f"{WITT_ANY:g}% reported at least one side effect" in studies["witt2009"].finding
    assert f"{WITT_TREATED:g}% one needing treatment" in studies["witt2009"].finding
    assert BAUMLER_SERIOUS == 0.01
    assert "about 1 per 10,000 patients" in studies["baumler2021"].finding
