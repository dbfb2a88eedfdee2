"""The superbill as JSON (the API) and claim lines as CSV rows (the biller's export).
Money is written as a decimal string with two places, never a float."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from acuplan.billing.superbill import Superbill
from acuplan.core.billing import default_rules

CSV_HEADER = [
    "date_of_service",
    "patient_id",
    "patient_name",
    "date_of_birth",
    "place_of_service",
    "rendering_name",
    "rendering_npi",
    "taxonomy",
    "cpt",
    "modifiers",
    "units",
    "fee",
    "charge",
    "diagnosis_pointers",
    "diagnosis_codes",
    "session_id",
]


def amount(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def superbill_json(bill: Superbill) -> dict[str, Any]:
    rules = default_rules()
    clinic = bill.patient.clinic
    return {
        "clinic": {
            "name": clinic.name,
            "address": clinic.address,
            "phone": clinic.phone,
            "tax_id": clinic.tax_id,
        },
        "rendering": [
            {
                "name": r.name,
                "npi": r.npi,
                "taxonomy": r.taxonomy,
                "licence_number": r.licence_number,
                "licence_state": r.licence_state,
            }
            for r in bill.rendering
        ],
        "patient": {
            "id": bill.patient.pk,
            "name": bill.patient.full_name,
            "date_of_birth": bill.patient.date_of_birth,
        },
        "period": {"start": bill.start, "end": bill.end},
        "dates_of_service": bill.dates_of_service,
        "place_of_service": {
            "code": rules.claim.place_of_service,
            "name": rules.claim.place_of_service_name,
        },
        "diagnoses": [
            {"letter": d.letter, "code": d.code, "display": d.display} for d in bill.diagnoses
        ],
        "lines": [
            {
                "date": line.date,
                "cpt": line.cpt,
                "units": line.units,
                "modifiers": list(line.modifiers),
                "pointers": list(line.pointers),
                "fee": amount(line.fee),
                "charge": amount(line.charge),
                "session_id": line.session_id,
                "rendering_npi": (r.npi if (r := bill.rendering_for(line.session_id)) else ""),
            }
            for line in bill.lines
        ],
        "payments": [
            {
                "date": c.date,
                "kind": c.kind,
                "description": c.description,
                "amount": amount(c.amount),
            }
            for c in bill.credits
        ],
        "total_charges": amount(bill.total_charges),
        "total_paid": amount(bill.total_paid),
        "total_adjustments": amount(bill.total_adjustments),
        "balance": amount(bill.balance),
        "account_balance": amount(bill.account_balance),
        "medicare": bill.medicare,
        "warnings": bill.warnings,
        "rules_version": rules.version,
    }


def claim_rows(bill: Superbill) -> list[list[str]]:
    """One CSV row per claim line, in CSV_HEADER's order."""
    rules = default_rules()
    codes = {d.letter: d.code for d in bill.diagnoses}
    rows = []
    for line in bill.lines:
        r = bill.rendering_for(line.session_id)
        rows.append(
            [
                line.date.isoformat(),
                str(bill.patient.pk),
                bill.patient.full_name,
                bill.patient.date_of_birth.isoformat(),
                rules.claim.place_of_service,
                r.name if r else "",
                r.npi if r else "",
                rules.claim.taxonomy,
                line.cpt,
                " ".join(line.modifiers),
                str(line.units),
                amount(line.fee),
                amount(line.charge),
                "".join(line.pointers),
                " ".join(codes[p] for p in line.pointers),
                str(line.session_id or ""),
            ]
        )
    return rows


def safe_cell(value: str) -> str:
    """A spreadsheet must not run a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
