"""Every page of ``acuplan.accounts.urls`` and ``acuplan.audit.urls`` against the cast: account
pages serve every member of a clinic, the security and audit pages only its admin, and
anonymous visitors are sent to log in. The tables must name every URL pattern."""

from __future__ import annotations

from acuplan.accounts import urls as account_urls
from acuplan.audit import urls as audit_urls
from tests.page_cast import Page, PageTable, cast_tests

ACCOUNT_PAGES: dict[str, Page] = {
    "password_change": Page(clinical=False),
    "password_change_done": Page(clinical=False),
    "api_tokens": Page(clinical=False),
    "two_factor": Page(clinical=False),
    "password_reset": Page(public=True),
    "password_reset_done": Page(public=True),
    "password_reset_confirm": Page(public=True),
    "password_reset_complete": Page(public=True),
    "clinic_security": Page(admin_only=True),
}
AUDIT_PAGES: dict[str, Page] = {
    "audit_log": Page(admin_only=True),
    "audit_export": Page(admin_only=True),
}

ACCOUNT_TABLE = PageTable(ACCOUNT_PAGES, account_urls)
AUDIT_TABLE = PageTable(AUDIT_PAGES, audit_urls)
globals().update({f"{k}_accounts": v for k, v in cast_tests(ACCOUNT_TABLE).items()})
globals().update({f"{k}_audit": v for k, v in cast_tests(AUDIT_TABLE).items()})
