"""Every between-visits page against the cast."""

from __future__ import annotations

import pytest

from acuplan.clinic.models import Patient, Plan
from acuplan.followup import urls as followup_urls
from acuplan.followup.models import BoosterOffer
from tests.page_cast import Page, PageTable, cast_tests
from tests.web.conftest import Cast

PAGES: dict[str, Page] = {
    "clinic": Page(clinical=False),
    "discharge": Page("planned_patient", method="POST", ok=302),
    "booster_settle": Page(
        "offer", clinical=False, method="POST", ok=302, data={"status": "dismissed"}
    ),
}
TABLE = PageTable(PAGES, followup_urls, "followup")
globals().update(cast_tests(TABLE))


@pytest.fixture
def offer(cast: Cast, patient: Patient, approved_plan: Plan) -> BoosterOffer:
    from django.utils import timezone

    from acuplan.clinic.services import Actor
    from acuplan.followup.services.discharge import discharge_patient
    from acuplan.outcomes.services.recording import record_outcome

    actor = Actor(cast.owner)
    record_outcome(
        actor=actor,
        patient=patient,
        kind="follow_up",
        answered_on=timezone.localdate(),
        data={"pain_nrs": 2},
    )
    discharge_patient(actor=actor, patient=patient)
    back = record_outcome(
        actor=actor,
        patient=patient,
        kind="follow_up",
        answered_on=timezone.localdate(),
        data={"pain_nrs": 6},
    )
    return BoosterOffer.objects.get(response=back)
