"""How the API knows who is calling: a bearer token, or the Django session (with CSRF).

Both resolve to a :class:`~acuplan.accounts.models.User`, which ninja puts in
``request.auth``. A request that neither authenticates gets 401; a session request with an
unsafe method and no valid CSRF token gets 403 (:class:`CsrfFailed`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthorizationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from acuplan.accounts.models import User
from acuplan.accounts.tokens import user_for_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class CsrfFailed(AuthorizationError):
    """A session-authenticated unsafe request without a valid CSRF token."""

    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed: send the csrftoken cookie's value in X-CSRFToken")


class BearerToken(HttpBearer):
    """``Authorization: Bearer acu_...`` with a token from ``create_token``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return user_for_token(token.strip(), request.META.get("REMOTE_ADDR") or None)


class SessionAuth(APIKeyCookie):
    """The browser's Django session. Unlike ninja's own ``SessionAuth``, CSRF is checked
    only once the session has authenticated someone, so a request with a bad or no session
    is a 401 rather than a CSRF 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise CsrfFailed()
        return user


def api_auth() -> list[Any]:
    """The API's authentication, tried in order: token first, so a token client never
    meets the session's CSRF check."""
    return [BearerToken(), SessionAuth()]
