"""The access cast for server-rendered pages, shared by every app's page table.

A module declares ``TABLE = PageTable(PAGES, app_urls, namespace)`` and adds the cast's tests
with ``globals().update(cast_tests(TABLE))``: owner and colleague get the page, an outsider
(another clinic) gets 404 without the patient's name, front desk gets 403 on clinical pages,
anonymous visitors are sent to log in, and the table must name every URL pattern so a new
page cannot ship without its access expectations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from acuplan.clinic.models import Patient
from tests.web.conftest import Cast, login


@dataclass(frozen=True)
class Page:
    target: str | None = None
    """Fixture whose pk the URL takes ("patient", "plan" ...), or None."""
    clinical: bool = True
    """Front desk gets 403 (else 200, like any member of the clinic)."""
    method: str = "GET"
    ok: int = 200
    """What owner and colleague get (a form post redirects)."""
    data: dict[str, Any] = field(default_factory=dict)
    public: bool = False
    """Reachable without logging in (tested separately)."""
    admin_only: bool = False
    """For the clinic admin only: every other member of the clinic gets 403."""


@dataclass(frozen=True)
class PageTable:
    pages: dict[str, Page]
    urls: ModuleType
    namespace: str = ""

    @property
    def private(self) -> list[str]:
        return sorted(name for name, page in self.pages.items() if not page.public)

    @property
    def admin_pages(self) -> list[str]:
        return sorted(name for name, page in self.pages.items() if page.admin_only)

    @property
    def with_record(self) -> list[str]:
        return sorted(name for name, page in self.pages.items() if page.target)

    def patterns(self) -> list[URLPattern]:
        return [p for p in self.urls.urlpatterns if isinstance(p, URLPattern)]

    def url(self, request: pytest.FixtureRequest, name: str) -> str:
        page, view = self.pages[name], f"{self.namespace}:{name}" if self.namespace else name
        if page.target is None:
            return reverse(view)
        return reverse(view, kwargs={"pk": request.getfixturevalue(page.target).pk})

    def call(self, client: Client, name: str, url: str) -> Any:
        page = self.pages[name]
        return client.post(url, page.data) if page.method == "POST" else client.get(url)


def cast_tests(table: PageTable) -> dict[str, Callable[..., None]]:
    """The cast's tests for one page table, to be added to a test module's globals."""

    def test_it_has_an_access_entry_for_every_url_pattern() -> None:
        names = [p.name for p in table.patterns()]
        assert len(names) == len(table.urls.urlpatterns), "a pattern is not a plain URLPattern"
        missing = sorted(n or "(unnamed)" for n in names if n not in table.pages)
        assert not missing, f"add these pages to the access table: {missing}"
        assert sorted(table.pages) == sorted(n for n in names if n)

    def test_it_gives_each_record_page_the_right_target() -> None:
        for pattern in table.patterns():
            takes_pk = "pk" in pattern.pattern.converters
            assert takes_pk == (table.pages[str(pattern.name)].target is not None), pattern.name

    @pytest.mark.parametrize("name", table.private)
    def test_it_sends_anonymous_visitors_to_log_in(
        request: pytest.FixtureRequest, client: Client, name: str
    ) -> None:
        response = table.call(client, name, table.url(request, name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")

    @pytest.mark.parametrize("name", table.private)
    @pytest.mark.parametrize("who", ["owner", "colleague"])
    def test_it_serves_the_clinic_s_clinicians(
        request: pytest.FixtureRequest, client: Client, cast: Cast, name: str, who: str
    ) -> None:
        url = table.url(request, name)
        login(client, getattr(cast, who))
        response = table.call(client, name, url)
        expected = 403 if table.pages[name].admin_only else table.pages[name].ok
        assert response.status_code == expected, response.content[:800]

    @pytest.mark.parametrize("name", table.admin_pages or ["(none)"])
    def test_it_serves_the_clinic_admin(
        request: pytest.FixtureRequest, client: Client, cast: Cast, name: str
    ) -> None:
        if name == "(none)":
            return  # this table has no admin-only page
        url = table.url(request, name)
        login(client, cast.admin)
        response = table.call(client, name, url)
        assert response.status_code == table.pages[name].ok, response.content[:800]

    @pytest.mark.parametrize("name", table.with_record)
    def test_it_hides_other_clinics_records(
        request: pytest.FixtureRequest, client: Client, cast: Cast, patient: Patient, name: str
    ) -> None:
        url = table.url(request, name)
        login(client, cast.outsider)
        response = table.call(client, name, url)
        assert response.status_code == 404
        assert patient.last_name not in response.content.decode()

    @pytest.mark.parametrize("name", table.private)
    def test_it_keeps_clinical_pages_from_front_desk(
        request: pytest.FixtureRequest, client: Client, cast: Cast, name: str
    ) -> None:
        url = table.url(request, name)
        login(client, cast.front_desk)
        response = table.call(client, name, url)
        if table.pages[name].admin_only:
            assert response.status_code == 403
            assert "only a clinic admin" in response.content.decode().lower()
        elif table.pages[name].clinical:
            assert response.status_code == 403
            assert "front desk staff cannot" in response.content.decode().lower()
        else:
            assert response.status_code == table.pages[name].ok

    tests = [
        test_it_has_an_access_entry_for_every_url_pattern,
        test_it_gives_each_record_page_the_right_target,
        test_it_sends_anonymous_visitors_to_log_in,
        test_it_serves_the_clinic_s_clinicians,
        test_it_serves_the_clinic_admin,
        test_it_keeps_clinical_pages_from_front_desk,
    ]
    if table.with_record:  # a table of pages without a record has nothing to hide
        tests.append(test_it_hides_other_clinics_records)
    return {f.__name__: f for f in tests}
