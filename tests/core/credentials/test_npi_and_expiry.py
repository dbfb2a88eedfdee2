"""NPI check digit (CMS: Luhn over 80840 + the first nine digits), expiry warnings 60 days
ahead, the verification directory data, and reading the NPPES registry's answer."""

from __future__ import annotations

import datetime as dt

import pytest

from acuplan.core.credentials import (
    default_credential_rules,
    expiry_warnings,
    npi_check_digit,
    npi_problem,
    parse_nppes,
)
from acuplan.core.credentials.nppes import NppesError
from acuplan.core.credentials.rules import load_credential_rules
from acuplan.core.errors import KnowledgeError


def test_it_computes_the_cms_worked_example() -> None:
    # CMS, Requirements for NPI check digit: 123456789 -> 3 (with the 80840 prefix)
    assert npi_check_digit("123456789") == 3
    assert npi_problem("1234567893") is None
    assert npi_problem("1993999998") is None  # J. D. Cook's example


@pytest.mark.parametrize(
    ("npi", "problem"),
    [
        ("1234567890", "check digit"),
        ("123456789", "10 digits"),
        ("12345678AB", "10 digits"),
        ("3234567893", "starts with 1 or 2"),
    ],
)
def test_it_names_what_is_wrong_with_an_npi(npi: str, problem: str) -> None:
    assert problem in (npi_problem(npi) or "")


def test_it_catches_every_single_digit_error() -> None:
    good = "1234567893"
    for i in range(10):
        for d in "0123456789":
            if d != good[i]:
                assert npi_problem(good[:i] + d + good[i + 1 :]) is not None


def test_it_warns_sixty_days_ahead_and_after_expiry() -> None:
    today = dt.date(2026, 6, 1)
    none = expiry_warnings(today, licence_expiry=today + dt.timedelta(days=61), nccaom_expiry=None)
    assert none == []
    warned = expiry_warnings(
        today,
        licence_expiry=today + dt.timedelta(days=60),
        nccaom_expiry=today - dt.timedelta(days=1),
    )
    assert [(w.credential, w.days_left, w.expired) for w in warned] == [
        ("licence", 60, False),
        ("nccaom", -1, True),
    ]
    assert "in 60 days" in warned[0].text
    assert "expired" in warned[1].text


def test_it_knows_how_to_verify_a_californian_licence_and_falls_back_elsewhere() -> None:
    rules = default_credential_rules()
    board = rules.board_for("ca")
    assert board is not None
    assert board.url.startswith("https://")
    assert rules.board_for("NV") is None
    assert rules.board_default.status == "UNVERIFIED"
    assert rules.nccaom.url.startswith("https://")


def test_it_refuses_an_unknown_source_in_the_credentials_file() -> None:
    from importlib import resources

    raw = (resources.files("acuplan.core.credentials") / "data" / "credentials.toml").read_text()
    bad = raw.replace('sources = ["src_nccaom_find"]', 'sources = ["nowhere"]', 1)
    with pytest.raises(KnowledgeError, match="unknown source"):
        load_credential_rules(bad.encode())


RESULT = {
    "result_count": 1,
    "results": [
        {
            "number": 1234567893,
            "enumeration_type": "NPI-1",
            "basic": {
                "first_name": "MIN",
                "last_name": "LEE",
                "credential": "L.AC.",
                "status": "A",
            },
            "taxonomies": [
                {
                    "code": "171100000X",
                    "desc": "Acupuncturist",
                    "primary": True,
                    "state": "CA",
                    "license": "AC12345",
                }
            ],
            "addresses": [
                {
                    "address_1": "1 MAIN ST",
                    "city": "SACRAMENTO",
                    "state": "CA",
                    "postal_code": "958140000",
                    "address_purpose": "LOCATION",
                }
            ],
        }
    ],
}


def test_it_reads_the_registry_answer() -> None:
    record = parse_nppes("1234567893", RESULT)
    assert record is not None
    assert record.name == "MIN LEE"
    assert record.status == "active"
    assert record.primary_taxonomy is not None
    assert record.primary_taxonomy.code == "171100000X"
    assert record.addresses == ["1 MAIN ST, SACRAMENTO, CA 95814 (location)"]
    assert parse_nppes("1234567893", {"result_count": 0, "results": []}) is None


@pytest.mark.parametrize(
    "answer",
    [
        [],
        {"Errors": [{"description": "Field number must be 10 digits"}]},
        {"result_count": 1, "results": "x"},
    ],
)
def test_it_reports_an_answer_it_cannot_trust(answer: object) -> None:
    with pytest.raises(NppesError):
        parse_nppes("1234567893", answer)
