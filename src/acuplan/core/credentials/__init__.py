"""Practitioner credentials: the NPI check digit, expiry warnings, how a patient verifies a
licence or a certification, and what the NPPES registry answered. Pure: today's date and
the registry's JSON are arguments; fetching it is the caller's business."""

from acuplan.core.credentials.nppes import NppesRecord, NppesTaxonomy, parse_nppes
from acuplan.core.credentials.rules import (
    Board,
    CredentialRules,
    Warning,
    default_credential_rules,
    expiry_warnings,
    npi_check_digit,
    npi_problem,
)

__all__ = [
    "Board",
    "CredentialRules",
    "NppesRecord",
    "NppesTaxonomy",
    "Warning",
    "default_credential_rules",
    "expiry_warnings",
    "npi_check_digit",
    "npi_problem",
    "parse_nppes",
]
