"""Ask the NPPES NPI Registry (API version 2.1) about one NPI. The only network call in
acuplan; used by ``acuplan npi lookup``. The answer is read by ``core.credentials.nppes``.
Tests replace :func:`fetch` with recorded answers: no test touches the network."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

REGISTRY = "https://npiregistry.cms.hhs.gov/api/"
VERSION = "2.1"
TIMEOUT_SECONDS = 10
MAX_BYTES = 1_000_000


class RegistryUnreachable(Exception):
    """No answer from the registry (no network, DNS, timeout, HTTP error)."""


def registry_url(npi: str) -> str:
    return REGISTRY + "?" + urllib.parse.urlencode({"version": VERSION, "number": npi})


def fetch(npi: str) -> object:
    """The registry's JSON answer for ``npi`` (a 10-digit string, already checked)."""
    request = urllib.request.Request(  # noqa: S310 - a fixed https address
        registry_url(npi), headers={"Accept": "application/json", "User-Agent": "acuplan"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            raw = response.read(MAX_BYTES + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RegistryUnreachable(str(getattr(exc, "reason", exc))) from None
    if len(raw) > MAX_BYTES:
        raise RegistryUnreachable("the answer is too large")
    try:
        return json.loads(raw)
    except ValueError:
        raise RegistryUnreachable("the answer is not JSON") from None
