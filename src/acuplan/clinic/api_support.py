"""Small helpers the API handlers share: who is acting, a raw JSON body, and pagination
with a bounded page number (and, for the patient list, an audit event naming the ids)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination

from acuplan.accounts.models import User
from acuplan.clinic.services import Actor
from acuplan.jsonlimits import MAX_BYTES, JsonRefused, loads_limited, remembered

MAX_PAGE = 100_000
"""Past this a page number is refused (a database offset must fit in 64 bits)."""


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
    A body that is not JSON, or is JSON beyond acuplan.jsonlimits, is a 400."""
    body = request.body
    done, value = remembered(request)
    if done and len(body) <= MAX_BYTES:  # parsed within the same limits by the middleware
        return value
    try:
        data: object = loads_limited(body)
    except JsonRefused as exc:
        raise HttpError(
            413 if exc.too_large else 400, f"Cannot parse request body ({exc})"
        ) from None
    return data


class CappedPagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=100)


class PatientListPagination(CappedPagination):
    """The patient list: the page's patient ids go into one audit event."""

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        from acuplan.audit.log import record_list_read

        result = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(result[self.items_attribute])
        record_list_read(
            api_user(request),
            "acuplan.patient_list.read",
            [p.pk for p in items],
            ip=request.META.get("REMOTE_ADDR") or None,
            page=pagination.page,
        )
        return {**result, self.items_attribute: items}
