"""Structural accessibility of every page a clinician reads: one h1, headings that never skip
a level, a label for every input, a skip link to the main content, a language, and nothing
loaded from elsewhere. The page list comes from the access table, so new pages are covered."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.conftest import Cast, login
from tests.web.test_pages_access import PAGES

GET_PAGES = sorted(n for n, p in PAGES.items() if p.method == "GET" and not p.public)
LABELLED_BY_CONTENT = {"button", "submit", "hidden"}


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str]] = []
        self.label_depth = 0
        self.lang = ""
        self.links: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        if tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag in {"input", "select", "textarea"}:
            a["_wrapped"] = "yes" if self.label_depth else ""
            a["_tag"] = tag
            self.controls.append(a)
        if tag == "a":
            self.links.append(a.get("href", ""))
        if tag in {"script", "img", "link", "iframe"} and (a.get("src") or a.get("href", "")):
            source = a.get("src") or a.get("href", "")
            # The application's own files (the handout's print script) are not "elsewhere".
            if not source.startswith(("data:", "/static/")) or source.startswith("//"):
                self.external.append(source)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1


def _parse(html: str) -> Structure:
    parser = Structure()
    parser.feed(html)
    return parser


def _check(html: str) -> list[str]:
    page = _parse(html)
    problems = []
    if page.headings.count(1) != 1:
        problems.append(f"{page.headings.count(1)} h1 elements")
    for before, after in zip(page.headings, page.headings[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading h{after} follows h{before}")
    for control in page.controls:
        if control.get("type") in LABELLED_BY_CONTENT:
            continue
        named = control.get("aria-label") or control.get("aria-labelledby")
        if not (named or control["_wrapped"] or control.get("id") in page.label_for):
            problems.append(f"unlabelled {control['_tag']} {control.get('name')}")
    if page.lang != "en":
        problems.append("no lang on <html>")
    if "#main" not in page.links[:1]:
        problems.append("the first link is not the skip link")
    problems += [f"external asset {src}" for src in page.external]
    return problems


@pytest.mark.parametrize("name", GET_PAGES)
def test_it_keeps_each_page_s_structure_accessible(
    request: pytest.FixtureRequest, client: Client, cast: Cast, name: str, session: Any
) -> None:
    target = PAGES[name].target
    kwargs = {"pk": request.getfixturevalue(target).pk} if target else {}
    login(client, cast.owner)
    html = client.get(reverse(name, kwargs=kwargs)).content.decode()
    assert _check(html) == []


def test_it_keeps_pages_with_errors_accessible(
    client: Client, cast: Cast, patient: Any, plan: Any
) -> None:
    login(client, cast.owner)
    pages = [
        client.post(reverse("patient_new"), {}),
        client.post(reverse("intake_new", kwargs={"pk": patient.pk}), {}),
        client.post(reverse("plan_override", kwargs={"pk": plan.pk}), {"kind": "technique"}),
        client.post(reverse("session_new", kwargs={"pk": patient.pk}), {"points-rows": "2"}),
    ]
    for response in pages:
        assert response.status_code == 400
        assert _check(response.content.decode()) == []


def test_it_keeps_the_login_and_error_pages_accessible(
    client: Client, cast: Cast, patient: Any
) -> None:
    assert _check(client.get(reverse("login")).content.decode()) == []
    login(client, cast.front_desk)
    refused = client.get(reverse("patient_chart", kwargs={"pk": patient.pk}))
    assert _check(refused.content.decode()) == []
