"""The address of the request being served, for audit events recorded where no request is
at hand (Django's login signals, django-axes' lockout signal, a password change).

``REMOTE_ADDR`` is the direct peer: behind a proxy that is the proxy, by design (no header
a client could forge), as in ``clinic.api_support.api_actor``."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_client_ip: ContextVar[str | None] = ContextVar("acuplan_client_ip", default=None)


def client_ip() -> str | None:
    return _client_ip.get()


def request_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return client_ip()
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _client_ip.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
