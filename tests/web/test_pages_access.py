"""Every page of ``acuplan.clinic.urls`` against the cast: owner and colleague get the page,
an outsider (another clinic) gets 404, front desk gets 403 on clinical pages, anonymous
visitors are sent to log in. The table below must name every URL pattern, so a new page
cannot ship without its access expectations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from acuplan.clinic import urls as clinic_urls
from acuplan.clinic.models import Patient
from tests.web.conftest import PASSWORD, Cast, login


@dataclass(frozen=True)
class Page:
    target: str | None = None
    """Fixture whose pk the URL takes ("patient", "plan", "intake", "session"), or None."""
    clinical: bool = True
    """Front desk gets 403 (else 200, like any member of the clinic)."""
    method: str = "GET"
    ok: int = 200
    """What owner and colleague get (a form post redirects)."""
    data: dict[str, Any] = field(default_factory=dict)
    public: bool = False
    """Reachable without logging in (tested separately)."""


PAGES: dict[str, Page] = {
    "login": Page(public=True),
    "logout": Page(public=True, method="POST"),
    "dashboard": Page(clinical=False),
    "patient_list": Page(clinical=False),
    "patient_new": Page(clinical=False),
    "patient_chart": Page("patient"),
    "patient_details": Page("patient", clinical=False),
    "intake_new": Page("patient"),
    "session_new": Page("patient"),
    "intake_detail": Page("intake"),
    "plan_review": Page("plan"),
    "plan_approve": Page("plan", method="POST", ok=302),
    "plan_override": Page(
        "plan",
        method="POST",
        ok=302,
        data={"kind": "add_point", "target": "GB34", "reason": "tender on palpation"},
    ),
    "plan_handout": Page("plan"),
    "session_detail": Page("session"),
}
PRIVATE = sorted(name for name, page in PAGES.items() if not page.public)
WITH_RECORD = sorted(name for name, page in PAGES.items() if page.target)


def _patterns() -> list[URLPattern]:
    return [p for p in clinic_urls.urlpatterns if isinstance(p, URLPattern)]


def test_it_has_an_access_entry_for_every_url_pattern() -> None:
    names = [p.name for p in _patterns()]
    assert len(names) == len(clinic_urls.urlpatterns), "a pattern is not a plain URLPattern"
    missing = sorted(n or "(unnamed)" for n in names if n not in PAGES)
    assert not missing, f"add these pages to PAGES in {__name__}: {missing}"
    assert sorted(PAGES) == sorted(n for n in names if n)


def test_it_gives_each_record_page_the_right_target() -> None:
    for pattern in _patterns():
        takes_pk = "pk" in pattern.pattern.converters
        assert takes_pk == (PAGES[str(pattern.name)].target is not None), pattern.name


def _url(request: pytest.FixtureRequest, name: str) -> str:
    page = PAGES[name]
    if page.target is None:
        return reverse(name)
    record = request.getfixturevalue(page.target)
    return reverse(name, kwargs={"pk": record.pk})


def _call(client: Client, name: str, url: str) -> Any:
    page = PAGES[name]
    if page.method == "POST":
        return client.post(url, page.data)
    return client.get(url)


@pytest.mark.parametrize("name", PRIVATE)
def test_it_sends_anonymous_visitors_to_log_in(
    request: pytest.FixtureRequest, client: Client, name: str
) -> None:
    url = _url(request, name)
    response = _call(client, name, url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", PRIVATE)
@pytest.mark.parametrize("who", ["owner", "colleague"])
def test_it_serves_the_clinic_s_clinicians(
    request: pytest.FixtureRequest, client: Client, cast: Cast, name: str, who: str
) -> None:
    url = _url(request, name)
    login(client, getattr(cast, who))
    response = _call(client, name, url)
    assert response.status_code == PAGES[name].ok, response.content[:500]


@pytest.mark.parametrize("name", WITH_RECORD)
def test_it_hides_other_clinics_records(
    request: pytest.FixtureRequest, client: Client, cast: Cast, patient: Patient, name: str
) -> None:
    url = _url(request, name)
    login(client, cast.outsider)
    response = _call(client, name, url)
    assert response.status_code == 404
    assert patient.last_name not in response.content.decode()


@pytest.mark.parametrize("name", PRIVATE)
def test_it_keeps_clinical_pages_from_front_desk(
    request: pytest.FixtureRequest, client: Client, cast: Cast, name: str
) -> None:
    page = PAGES[name]
    url = _url(request, name)
    login(client, cast.front_desk)
    response = _call(client, name, url)
    if page.clinical:
        assert response.status_code == 403
        assert "front desk staff cannot" in response.content.decode().lower()
    else:
        assert response.status_code == 200


def test_it_shows_the_login_page_and_logs_out_by_post(client: Client, cast: Cast) -> None:
    assert client.get(reverse("login")).status_code == 200
    login(client, cast.owner)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_it_logs_in_with_the_form(client: Client, cast: Cast) -> None:
    response = client.post(reverse("login"), {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    bad = Client().post(reverse("login"), {"username": "owner", "password": "wrong"})
    assert "did not match" in bad.content.decode()


def test_it_refuses_form_posts_by_get(client: Client, cast: Cast, plan: Any) -> None:
    login(client, cast.owner)
    for name in ("plan_approve", "plan_override"):
        response = client.get(reverse(name, kwargs={"pk": plan.pk}))
        assert response.status_code == 405
        assert response["Allow"] == "POST"
