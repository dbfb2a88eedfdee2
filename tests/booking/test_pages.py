"""Every calendar page against the cast (front desk books too: none is clinical)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from acuplan.booking import urls as booking_urls
from acuplan.clinic.models import Patient, Plan
from acuplan.clinic.services import Actor
from acuplan.outcomes.models import Appointment
from tests.page_cast import Page, PageTable, cast_tests
from tests.web.conftest import Cast

PAGES: dict[str, Page] = {
    "calendar": Page(clinical=False),
    "book": Page(clinical=False),
    "appointment": Page("appointment", clinical=False),
    "move": Page("appointment", clinical=False, method="POST", ok=400),
    "cancel": Page("appointment", clinical=False, method="POST", ok=302),
}
TABLE = PageTable(PAGES, booking_urls, "booking")
globals().update(cast_tests(TABLE))


@pytest.fixture
def appointment(cast: Cast, patient: Patient, approved_plan: Plan) -> Appointment:
    from acuplan.booking.services import book_appointment

    when = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=5), dt.time(10, 0))
    return book_appointment(
        actor=Actor(cast.owner), patient=patient, starts_at=when, practitioner=cast.owner
    )
