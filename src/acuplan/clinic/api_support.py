"""Small helpers the API handlers share: who is acting, and a raw JSON body."""

from __future__ import annotations

import json

from django.http import HttpRequest
from ninja.errors import HttpError

from acuplan.accounts.models import User
from acuplan.clinic.services import Actor


def api_user(request: HttpRequest) -> User:
    """The user ninja's authentication put in ``request.auth`` (token or session)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # pragma: no cover - every clinic route authenticates
        raise TypeError("this handler needs an authenticated route")
    return user


def api_actor(request: HttpRequest) -> Actor:
    """The acting user and the client address for the audit trail. REMOTE_ADDR is the
    direct peer: behind a proxy that is the proxy, by design (no spoofable header)."""
    return Actor(api_user(request), ip=request.META.get("REMOTE_ADDR") or None)


def intake_body(request: HttpRequest) -> object:
    """The request body decoded as JSON, not yet validated (``parse_intake`` does that).
    A body that is not JSON at all is a 400, as for every other endpoint (ninja's own)."""
    try:
        data: object = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HttpError(400, f"Cannot parse request body ({exc})") from None
    return data
