"""The link on a CDS Hooks card: the intake acuplan mapped from the EHR's data, sealed
into the URL, so that the call itself stores nothing and commits nothing.

The token is Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under a key
derived from ``SECRET_KEY``: an address bar, a browser history or an access log shows no
clinical detail, and a token that is altered, made with another key, or older than
:data:`LINK_HOURS` is refused. It names the clinic of the EHR issuer; only that clinic's
clinicians can open it. It carries no identifier of the patient (the EHR's id only)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import time
import zlib
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from acuplan.core.errors import FieldError, InvalidInput

LINK_HOURS = 72


@dataclass(frozen=True)
class SealedPlan:
    clinic_id: int
    hook: str
    ehr_patient_id: str
    as_of: dt.date
    intake: dict[str, Any]
    notes: list[str]


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"acuplan.bridge.cds-link\0" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(plan: SealedPlan) -> str:
    data = {
        "c": plan.clinic_id,
        "h": plan.hook,
        "p": plan.ehr_patient_id[:200],
        "d": plan.as_of.isoformat(),
        "i": plan.intake,
        "n": plan.notes,
    }
    packed = zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 9)
    return _fernet().encrypt(packed).decode()


def unseal(token: str, *, now: float | None = None) -> SealedPlan:
    """InvalidInput when the token is damaged, foreign or expired."""
    try:
        packed = _fernet().decrypt_at_time(
            token.encode(), ttl=LINK_HOURS * 3600, current_time=int(now or time.time())
        )
        data = json.loads(zlib.decompress(packed))
        return SealedPlan(
            int(data["c"]),
            str(data["h"]),
            str(data["p"]),
            dt.date.fromisoformat(data["d"]),
            dict(data["i"]),
            [str(n) for n in data["n"]],
        )
    except (InvalidToken, ValueError, KeyError, TypeError, zlib.error):
        raise InvalidInput(
            [
                FieldError(
                    "t",
                    f"this link is damaged or older than {LINK_HOURS} hours: open the patient "
                    "in the EHR again for a fresh card",
                )
            ]
        ) from None
