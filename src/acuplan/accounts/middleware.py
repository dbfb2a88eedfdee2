"""Session limits and the clinic's two-factor requirement, checked on every request.

- Idle timeout (``SESSION_IDLE_TIMEOUT``, 30 minutes unless ACUPLAN_SESSION_IDLE_MINUTES
  says otherwise) and absolute limit (``SESSION_ABSOLUTE_LIMIT``, 12 hours): a session
  past either is logged out (audited as ``acuplan.auth.session_expired``); a page sends
  the browser to the login page, which says why; an API call is then a 401.
- A clinic admin whose clinic requires a second factor and who has none yet reaches only
  the two-factor page (and logout) until one is set up.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

LOGIN_AT, SEEN_AT = "acuplan_login_at", "acuplan_seen_at"
SEEN_RESOLUTION_S = 30  # write the session at most twice a minute for activity


def stamp_session(request: HttpRequest) -> None:
    now = time.time()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


def expiry_reason(request: HttpRequest, now: float) -> str | None:
    login_at = request.session.get(LOGIN_AT)
    seen_at = request.session.get(SEEN_AT)
    if not isinstance(login_at, int | float) or not isinstance(seen_at, int | float):
        return "session without a login time"
    if now - login_at > settings.SESSION_ABSOLUTE_LIMIT.total_seconds():
        return "absolute limit"
    if now - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds():
        return "idle timeout"
    return None


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            reason = expiry_reason(request, now)
            if reason is not None:
                from acuplan.audit.log import record_event

                record_event(
                    request.user,
                    "acuplan.auth.session_expired",
                    request.user,
                    detail={"why": reason},
                )
                request.acuplan_logout_reason = reason  # type: ignore[attr-defined]
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect(f"{reverse('login')}?expired=1&next={request.path}")
            elif now - request.session[SEEN_AT] >= SEEN_RESOLUTION_S:
                request.session[SEEN_AT] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    ALLOWED = ("two_factor", "logout")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "is_clinic_admin", False):
            from acuplan.accounts.two_factor import has_two_factor, two_factor_required

            allowed = {reverse(name) for name in self.ALLOWED}
            if (
                request.path not in allowed
                and not request.path.startswith(settings.STATIC_URL)
                and two_factor_required(user)
                and not has_two_factor(user)
            ):
                message = "your clinic requires a second factor: set one up first"
                if request.path.startswith("/api/"):
                    body = {"error": {"code": "not_permitted", "message": message, "fields": []}}
                    return JsonResponse(body, status=403)
                return redirect("two_factor")
        return self.get_response(request)


class ClinicTimeZoneMiddleware:
    """A signed-in user sees every time in their clinic's zone (the server keeps UTC)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import timezone

        user = getattr(request, "user", None)
        clinic = getattr(user, "clinic", None) if user is not None else None
        if clinic is None:
            return self.get_response(request)
        with timezone.override(clinic.zone):
            return self.get_response(request)
