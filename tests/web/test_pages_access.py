"""Every page of ``acuplan.clinic.urls`` against the cast: owner and colleague get the page,
an outsider (another clinic) gets 404, front desk gets 403 on clinical pages, anonymous
visitors are sent to log in. The table below must name every URL pattern, so a new page
cannot ship without its access expectations."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from acuplan.clinic import urls as clinic_urls
from tests.page_cast import Page, PageTable, cast_tests
from tests.web.conftest import PASSWORD, Cast, login

PAGES: dict[str, Page] = {
    "login": Page(public=True),
    "logout": Page(public=True, method="POST"),
    "dashboard": Page(clinical=False),
    "dashboard_due": Page(),
    "dashboard_awaiting": Page(),
    "patient_list": Page(clinical=False),
    "patient_new": Page(clinical=False),
    "patient_chart": Page("patient"),
    "patient_details": Page("patient", clinical=False),
    "patient_edit": Page("patient", clinical=False),
    "intake_new": Page("patient"),
    "session_new": Page("planned_patient"),
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
    "plan_referral_made": Page(
        "blocked_plan", method="POST", ok=302, data={"note": "sent to the emergency department"}
    ),
    "session_detail": Page("session"),
}
TABLE = PageTable(PAGES, clinic_urls)
globals().update(cast_tests(TABLE))


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
    for name in ("plan_approve", "plan_override", "plan_referral_made"):
        response = client.get(reverse(name, kwargs={"pk": plan.pk}))
        assert response.status_code == 405
        assert response["Allow"] == "POST"
