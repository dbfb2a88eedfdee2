"""The portal's access table: every pattern of ``acuplan.portal.urls`` is listed; a visitor
without a portal session is sent to sign in; a signed-in patient sees their own record and
never another's (another patient's visit or questionnaire is a 404 and stays unchanged);
every portal page the patient opens is audited."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from acuplan.audit.models import AuditEvent
from acuplan.clinic.models import Patient
from acuplan.outcomes.models import Appointment
from acuplan.portal import urls as portal_urls
from tests.portal.conftest import due_for, sign_in_as, visit_for
from tests.web.conftest import Cast, login


@dataclass(frozen=True)
class Row:
    method: str = "GET"
    own: int = 200
    """What the signed-in patient gets for their own record."""
    target: str | None = None
    """"visit" or "due": the record the URL takes (``pk``); ``token`` pages take a token."""
    public: bool = False
    audited: str | None = None


TABLE: dict[str, Row] = {
    "sign_in": Row(public=True),
    "enter": Row(public=True),
    "sign_out": Row(method="POST", own=302, public=True),
    "self_check": Row(public=True),
    "consultation": Row(method="POST", own=400, public=True),
    "home": Row(audited="acuplan.portal_page.read"),
    "handout": Row(audited="acuplan.portal_page.read"),
    "record": Row(audited="acuplan.own_record.downloaded"),
    "visit_cancel": Row(method="POST", own=302, target="visit"),
    "visit_move": Row(method="POST", own=400, target="visit"),
    "questionnaire": Row(method="POST", own=302, target="due"),
}
PRIVATE = sorted(n for n, r in TABLE.items() if not r.public)


def url(name: str, record: object | None = None) -> str:
    if name == "enter":
        return reverse("portal:enter", args=["not-a-token"])
    if TABLE[name].target:
        return reverse(f"portal:{name}", kwargs={"pk": record.pk})  # type: ignore[attr-defined]
    return reverse(f"portal:{name}")


def call(client: Client, name: str, target: object | None = None) -> object:
    u = url(name, target)
    return client.post(u, {}) if TABLE[name].method == "POST" else client.get(u)


def records(patient: Patient, cast: Cast) -> dict[str, object]:
    days = 5 if patient.last_name == "Byrne" else 6  # one practitioner: no overlap
    return {"visit": visit_for(patient, cast, days), "due": due_for(patient)}


def test_it_has_an_access_row_for_every_portal_page() -> None:
    names = [p.name for p in portal_urls.urlpatterns if isinstance(p, URLPattern)]
    assert sorted(names) == sorted(TABLE)
    for p in portal_urls.urlpatterns:
        assert ("pk" in p.pattern.converters) == (TABLE[str(p.name)].target is not None)


@pytest.mark.parametrize("name", PRIVATE)
def test_it_sends_visitors_without_a_portal_session_to_sign_in(
    client: Client, cast: Cast, ada: Patient, name: str
) -> None:
    target = records(ada, cast).get(TABLE[name].target or "")
    for who in (None, cast.owner):  # a staff login is not a patient's sign-in
        if who is not None:
            login(client, who)
        response = call(client, name, target)
        assert response.status_code == 302  # type: ignore[attr-defined]
        assert response["Location"] == reverse("portal:sign_in")  # type: ignore[index]


@pytest.mark.parametrize("name", PRIVATE)
def test_it_shows_the_patient_their_own_record(
    client: Client, cast: Cast, ada: Patient, bea: Patient, name: str
) -> None:
    target = records(ada, cast).get(TABLE[name].target or "")
    sign_in_as(client, ada)
    start = AuditEvent.objects.count()
    response = call(client, name, target)
    assert response.status_code == TABLE[name].own, response.content[:500]  # type: ignore[attr-defined]
    body = response.content.decode()  # type: ignore[attr-defined]
    assert "Quist" not in body
    assert "bea@example.org" not in body
    if TABLE[name].audited:
        events = list(AuditEvent.objects.order_by("id")[start:])
        assert [(e.action, e.patient_id, e.actor_id) for e in events] == [
            (TABLE[name].audited, ada.pk, None)
        ]


@pytest.mark.parametrize("name", [n for n in PRIVATE if TABLE[n].target])
def test_it_never_lets_one_patient_reach_anothers_record(
    client: Client, cast: Cast, ada: Patient, bea: Patient, name: str
) -> None:
    theirs = records(bea, cast)[TABLE[name].target or ""]
    sign_in_as(client, ada)
    response = call(client, name, theirs)
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert "Quist" not in response.content.decode()  # type: ignore[attr-defined]
    visit = Appointment.objects.get(patient=bea)
    assert (visit.status, visit.move_request) == ("scheduled", "")


def test_it_downloads_only_the_patients_own_record(
    client: Client, cast: Cast, ada: Patient, bea: Patient
) -> None:
    visit_for(ada, cast)
    visit_for(bea, cast, days=6)
    data = json.loads(sign_in_as(client, ada).get(reverse("portal:record")).content)
    assert data["patient"]["last_name"] == "Byrne"
    assert len(data["appointments"]) == 1
    assert "Quist" not in json.dumps(data)


def test_it_signs_in_once_with_an_emailed_link(client: Client, ada: Patient) -> None:
    response = client.post(reverse("portal:sign_in"), {"email": "ADA@example.org"})
    assert "Check your email" in response.content.decode()
    unknown = client.post(reverse("portal:sign_in"), {"email": "nobody@example.org"})
    assert "Check your email" in unknown.content.decode()  # says nothing about who is known
    assert len(mail.outbox) == 1
    path = next(w for w in mail.outbox[0].body.split() if "/my/s/" in w)
    enter = path[path.index("/my/s/") :]
    assert client.get(enter).status_code == 200  # a GET (a mail scanner) spends nothing
    assert client.post(enter).status_code == 302
    assert client.get(reverse("portal:home")).status_code == 200
    assert Client().post(enter).status_code == 410  # single use
    assert Client().post(reverse("portal:enter", args=["made-up"])).status_code == 404


def test_it_refuses_a_late_cancellation_online(client: Client, cast: Cast, ada: Patient) -> None:
    visit = visit_for(ada, cast)
    Appointment.objects.filter(pk=visit.pk).update(starts_at=timezone.now() + dt.timedelta(hours=3))
    sign_in_as(client, ada)
    response = client.post(reverse("portal:visit_cancel", args=[visit.pk]))
    assert response.status_code == 409
    assert "please call the clinic" in response.content.decode()
    assert Appointment.objects.get(pk=visit.pk).status == "scheduled"
