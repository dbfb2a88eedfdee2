"""What the NPPES NPI Registry (API version 2.1) answered about one NPI, read defensively:
the registry's JSON is input from the network, so a missing or odd field is reported, never
trusted. Pure: the caller fetches."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class NppesError(ValueError):
    """The registry's answer is an error or cannot be read; the message says which."""


@dataclass(frozen=True, slots=True)
class NppesTaxonomy:
    code: str
    description: str
    primary: bool
    state: str
    licence: str


@dataclass(frozen=True)
class NppesRecord:
    npi: str
    kind: str
    """NPI-1 (an individual) or NPI-2 (an organisation)."""
    name: str
    credential: str
    status: str
    taxonomies: list[NppesTaxonomy] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)

    @property
    def primary_taxonomy(self) -> NppesTaxonomy | None:
        return next((t for t in self.taxonomies if t.primary), None)


def parse_nppes(npi: str, answer: object) -> NppesRecord | None:
    """The record for ``npi`` in the registry's answer; None when the registry has none.
    NppesError when the answer is an error or not the registry's shape."""
    if not isinstance(answer, dict):
        raise NppesError("the registry's answer is not a JSON object")
    errors = answer.get("Errors")
    if errors:
        described = [str(e.get("description", e)) for e in errors if isinstance(e, dict)]
        raise NppesError("the registry refused the query: " + "; ".join(described or ["?"]))
    results = answer.get("results")
    if answer.get("result_count", 0) == 0 or not results:
        return None
    if not isinstance(results, list):
        raise NppesError("the registry's results are not a list")
    for result in results:
        if isinstance(result, dict) and str(result.get("number", "")) == npi:
            return _record(npi, result)
    return None


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return str(value).strip() if value not in (None, "") else ""


def _record(npi: str, result: dict[str, Any]) -> NppesRecord:
    basic = result.get("basic") if isinstance(result.get("basic"), dict) else {}
    assert isinstance(basic, dict)  # noqa: S101 - narrowed above, for the type checker
    parts = [_text(basic, k) for k in ("name_prefix", "first_name", "middle_name", "last_name")]
    name = (
        " ".join(p for p in parts if p) or _text(basic, "organization_name") or _text(basic, "name")
    )
    taxonomies = [
        NppesTaxonomy(
            code=_text(t, "code"),
            description=_text(t, "desc"),
            primary=t.get("primary") is True,
            state=_text(t, "state"),
            licence=_text(t, "license"),
        )
        for t in result.get("taxonomies") or []
        if isinstance(t, dict)
    ]
    addresses = [
        ", ".join(
            p
            for p in (
                _text(a, "address_1"),
                _text(a, "address_2"),
                _text(a, "city"),
                f"{_text(a, 'state')} {_text(a, 'postal_code')[:5]}".strip(),
            )
            if p
        )
        + f" ({_text(a, 'address_purpose').lower() or 'address'})"
        for a in result.get("addresses") or []
        if isinstance(a, dict)
    ]
    return NppesRecord(
        npi=npi,
        kind=_text(result, "enumeration_type"),
        name=name,
        credential=_text(basic, "credential"),
        status={"A": "active", "D": "deactivated"}.get(
            _text(basic, "status"), _text(basic, "status")
        ),
        taxonomies=taxonomies,
        addresses=addresses,
    )
