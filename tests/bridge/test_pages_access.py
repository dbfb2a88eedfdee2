"""The access cast against every page of the bridge (tests/page_cast.py)."""

from __future__ import annotations

from acuplan.bridge import urls as bridge_urls
from tests.bridge.conftest import *  # noqa: F403  (fixtures: incoming_referral)
from tests.page_cast import Page, PageTable, cast_tests

PAGES: dict[str, Page] = {
    "referral_letter": Page("blocked_plan"),
    "referral_letter_send": Page(
        "blocked_plan", method="POST", ok=302, data={"referral": "0", "method": "printed"}
    ),
    "physician_summary": Page("patient"),
    "referral_accept": Page("incoming_referral", method="POST", ok=302),
    # Without its sealed token (?t=) the page has nothing to show: 400 (test_cds.py opens
    # real links, and an outsider's gets 404).
    "cds_plan": Page(ok=400),
}
TABLE = PageTable(PAGES, bridge_urls, "bridge")
globals().update(cast_tests(TABLE))
