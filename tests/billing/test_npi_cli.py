"""``acuplan npi lookup NPI``: the check digit first (exit 2), then the NPPES registry, here
replaced by the answers in tests/billing/nppes/ (no network in tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from acuplan import cli
from acuplan.billing import nppes

ANSWERS = Path(__file__).parent / "nppes"


def _answer(name: str) -> object:
    return json.loads((ANSWERS / f"{name}.json").read_text())


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """What the fake registry answers, by NPI; an NPI it does not know is unreachable."""
    answers: dict[str, object] = {}

    def fetch(npi: str) -> object:
        if npi not in answers:
            raise nppes.RegistryUnreachable("Name or service not known")
        return answers[npi]

    monkeypatch.setattr(nppes, "fetch", fetch)
    return answers


def test_it_shows_what_the_registry_holds(
    registry: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    registry["1234567893"] = _answer("1234567893")
    assert cli.main(["npi", "lookup", "1234567893"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "NPI 1234567893  MIN LEE, L.AC." in out
    assert "171100000X Acupuncturist (primary), licence CA AC12345" in out
    assert "12 RIVER ROAD, SUITE 3, SACRAMENTO, CA 95814 (location)" in out
    assert "version=2.1&number=1234567893" in out


@pytest.mark.parametrize(
    ("npi", "code", "says"),
    [
        ("1234567890", cli.EXIT_INVALID, "check digit is wrong"),
        ("12345", cli.EXIT_INVALID, "10 digits"),
        ("1993999998", cli.EXIT_FAIL, "could not be reached"),
    ],
)
def test_it_checks_the_digit_before_asking_and_says_when_offline(
    registry: dict[str, object], capsys: pytest.CaptureFixture[str], npi: str, code: int, says: str
) -> None:
    assert cli.main(["npi", "lookup", npi]) == code
    assert says in capsys.readouterr().err


@pytest.mark.parametrize(("answer", "says"), [("empty", "has no such NPI"), ("errors", "refused")])
def test_it_reports_an_empty_or_refused_answer(
    registry: dict[str, object], capsys: pytest.CaptureFixture[str], answer: str, says: str
) -> None:
    registry["1543219871"] = _answer(answer)
    assert cli.main(["npi", "lookup", "1543219871"]) == cli.EXIT_FAIL
    assert says in capsys.readouterr().err


def test_it_asks_the_registry_s_published_address() -> None:
    assert nppes.registry_url("1234567893") == (
        "https://npiregistry.cms.hhs.gov/api/?version=2.1&number=1234567893"
    )
