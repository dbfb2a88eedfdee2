"""``ACUPLAN_EMAIL_URL``: the mail set-up as one URL, read by dj-email-url.

dj-email-url knows ``smtp://``, ``submission://`` (STARTTLS on 587), ``console://``,
``file://``, ``memory://`` and ``dummy://``; acuplan also accepts the spellings people
type, ``smtp+tls://`` (STARTTLS) and ``smtp+ssl://`` (TLS from the start), by turning
them into dj-email-url's ``?tls=1`` / ``?ssl=1``.
"""

from __future__ import annotations

from typing import Any

import dj_email_url

from acuplan.web.env import ConfigError

_ALIASES = {"smtp+tls": "tls", "smtp+ssl": "ssl", "smtps": "ssl"}


def parse_email_url(url: str) -> dict[str, Any]:
    """Django's EMAIL_* settings for ``url``; ConfigError names what is wrong."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ConfigError(
            f"ACUPLAN_EMAIL_URL must look like smtp+tls://user:pass@host:587, not {url!r}"
        )
    if scheme in _ALIASES:
        joiner = "&" if "?" in rest else "?"
        url = f"smtp://{rest}{joiner}{_ALIASES[scheme]}=1"
    try:
        conf: dict[str, Any] = dj_email_url.parse(url)
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"ACUPLAN_EMAIL_URL is not a mail URL: {exc}") from None
    if "EMAIL_BACKEND" not in conf:
        raise ConfigError(
            f"ACUPLAN_EMAIL_URL: unknown scheme {scheme!r} (use smtp, smtp+tls, smtp+ssl, "
            "submission, file or, outside production, console)"
        )
    return conf
