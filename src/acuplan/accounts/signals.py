"""Authentication events into the audit log: login, failed login, logout, lockout. Also
stamps a new session with its login time, for the idle and absolute limits."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from acuplan.accounts.middleware import stamp_session
from acuplan.accounts.models import User
from acuplan.audit.context import request_ip
from acuplan.audit.log import record_event


def _username(credentials: dict[str, Any] | None) -> str:
    return str((credentials or {}).get("username") or "")[:150]


def on_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        stamp_session(request)
    record_event(user, "acuplan.auth.login", user, ip=request_ip(request))


def on_logout(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is None:
        return
    reason = getattr(request, "acuplan_logout_reason", "logged out")
    record_event(user, "acuplan.auth.logout", user, ip=request_ip(request), detail={"why": reason})


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = _username(credentials)
    user = User.objects.filter(username=username).first() if username else None
    record_event(
        None,
        "acuplan.auth.login_failed",
        user,
        record_type="user",
        ip=request_ip(request),
        clinic_id=user.clinic_id if user else None,
        detail={"username": username, "reason": (credentials or {}).get("reason", "password")},
    )


def on_locked_out(
    sender: Any,
    request: HttpRequest | None,
    username: str | None,
    ip_address: str | None,
    **kw: Any,
) -> None:
    user = User.objects.filter(username=username).first() if username else None
    record_event(
        None,
        "acuplan.auth.locked_out",
        user,
        record_type="user",
        ip=ip_address or request_ip(request),
        clinic_id=user.clinic_id if user else None,
        detail={"username": username or ""},
    )


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(on_login, dispatch_uid="acuplan.audit.login")
    user_logged_out.connect(on_logout, dispatch_uid="acuplan.audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="acuplan.audit.login_failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="acuplan.audit.locked_out")
