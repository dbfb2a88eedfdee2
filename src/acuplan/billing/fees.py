"""The clinic's fees: per unit, from its fee schedule; an initial acupuncture code the
schedule leaves out costs the clinic's default fee per session. Any other missing code is
charged nothing and named, so the superbill can say so."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from acuplan.accounts.models import Clinic
from acuplan.core.billing import default_rules

ZERO = Decimal("0.00")


def fee_for(clinic: Clinic, code: str) -> Decimal | None:
    """The fee per unit of ``code``; None when the clinic has not set one."""
    raw = (clinic.fee_schedule or {}).get(code)
    if raw not in (None, ""):
        try:
            return Decimal(str(raw)).quantize(Decimal("0.01"))
        except InvalidOperation:
            return None
    if code in default_rules().initial_codes:
        return Decimal(clinic.default_fee).quantize(Decimal("0.01"))
    return None
