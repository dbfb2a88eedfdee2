"""Headers every response gets: Permissions-Policy, and ``Cache-Control: no-store`` on
anything a signed-in user or an API client receives (patient data must not sit in a
browser's or a proxy's cache). Content-Security-Policy comes from django-csp."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (
            request.path.startswith("/api/")
            or getattr(request, "auth", None) is not None
            or (user is not None and user.is_authenticated)
        ):
            add_never_cache_headers(response)
            response["Cache-Control"] += ", private"
        return response
