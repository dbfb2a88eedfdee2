"""The NPI check digit, credential expiry warnings and the verification directory, from
``data/credentials.toml`` (default-deny, with sources)."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from acuplan.core.errors import KnowledgeError
from acuplan.core.knowledge.models import Source, Status

FILE = "credentials.toml"
Text = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Sourced(_Model):
    sources: Annotated[tuple[Text, ...], Field(min_length=1)]
    status: Status


class Npi(_Sourced):
    prefix: Annotated[str, Field(pattern=r"^\d{5}$")]
    summary: Text


class Expiry(_Sourced):
    warn_days: Annotated[int, Field(ge=1, le=365)]
    summary: Text


class Nccaom(_Sourced):
    name: Text
    url: Text
    how: Text


class Board(_Sourced):
    state: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    name: Text
    url: Text
    how: Text


class BoardDefault(_Sourced):
    how: Text


class CredentialRules(_Model):
    source: tuple[Source, ...]
    npi: Npi
    expiry: Expiry
    nccaom: Nccaom
    board: tuple[Board, ...]
    board_default: BoardDefault

    def board_for(self, state: str) -> Board | None:
        return next((b for b in self.board if b.state == state.upper()), None)

    def cited(self, ids: tuple[str, ...]) -> list[Source]:
        by_id = {s.id: s for s in self.source}
        return [by_id[i] for i in ids]


@cache
def default_credential_rules() -> CredentialRules:
    raw = (resources.files("acuplan.core.credentials") / "data" / FILE).read_bytes()
    return load_credential_rules(raw)


def load_credential_rules(raw: bytes) -> CredentialRules:
    """KnowledgeError lists every problem: bad TOML, an unknown key, an unknown source."""
    try:
        rules = CredentialRules.model_validate(tomllib.loads(raw.decode("utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise KnowledgeError([f"{FILE}: not valid TOML: {exc}"]) from None
    except ValidationError as exc:
        raise KnowledgeError(
            [
                f"{FILE}: {'.'.join(str(p) for p in e['loc'])}: "
                + ("unknown key" if e["type"] == "extra_forbidden" else e["msg"])
                for e in exc.errors(include_url=False)
            ]
        ) from None
    known = {s.id for s in rules.source}
    facts = [rules.npi, rules.expiry, rules.nccaom, rules.board_default, *rules.board]
    problems = [
        f"{FILE}: unknown source {s!r}" for fact in facts for s in fact.sources if s not in known
    ]
    if problems:
        raise KnowledgeError(problems)
    return rules


# --- NPI ----------------------------------------------------------------------------------


def npi_check_digit(first_nine: str, prefix: str = "80840") -> int:
    """The Luhn check digit over ``prefix`` + the nine digits (ValueError unless 9 digits)."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("the first nine digits of an NPI are needed")
    total = 0
    # Doubling starts at the rightmost digit of the payload (the check digit is appended).
    for i, ch in enumerate(reversed(prefix + first_nine)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10


def npi_problem(npi: str, rules: CredentialRules | None = None) -> str | None:
    """Why ``npi`` is not a valid NPI, or None when it is (10 digits, first 1 or 2, check
    digit right)."""
    prefix = (rules or default_credential_rules()).npi.prefix
    if len(npi) != 10 or not npi.isdigit():
        return "an NPI is 10 digits"
    if npi[0] not in "12":
        return "an NPI starts with 1 or 2"
    expected = npi_check_digit(npi[:9], prefix)
    if int(npi[9]) != expected:
        return f"the check digit is wrong (the first nine digits give {expected}): mistyped?"
    return None


# --- expiry -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Warning:
    credential: str
    """licence | nccaom"""
    expires: dt.date
    days_left: int
    """Negative once expired."""

    @property
    def expired(self) -> bool:
        return self.days_left < 0

    @property
    def text(self) -> str:
        what = "Licence" if self.credential == "licence" else "NCCAOM certification"
        if self.expired:
            return f"{what} expired on {self.expires.isoformat()}."
        if self.days_left == 0:
            return f"{what} expires today."
        return f"{what} expires on {self.expires.isoformat()}, in {self.days_left} days."


def expiry_warnings(
    today: dt.date,
    *,
    licence_expiry: dt.date | None,
    nccaom_expiry: dt.date | None,
    rules: CredentialRules | None = None,
) -> list[Warning]:
    """A warning for each credential that has expired or expires within ``warn_days``."""
    days = (rules or default_credential_rules()).expiry.warn_days
    out = []
    for credential, expires in (("licence", licence_expiry), ("nccaom", nccaom_expiry)):
        if expires is None:
            continue
        left = (expires - today).days
        if left <= days:
            out.append(Warning(credential, expires, left))
    return out
