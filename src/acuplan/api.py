"""The REST API (django-ninja): one router per app, one JSON error shape.

Every error answer, whatever raised it, has the shape ::

    {"error": {"code": "...", "message": "...", "fields": [{"field": "...", "message": "..."}]}}

and comes from the one table :data:`acuplan.api_errors.ERRORS` (exception class -> status
and code; the most specific class wins). ``fields`` is always present, empty when no field
is to blame. Unexpected exceptions are logged and answered with a bare 500: no traceback
leaves the server.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from acuplan.accounts.api import api_auth
from acuplan.accounts.models import User
from acuplan.api_errors import (  # noqa: F401 (the table is also read as acuplan.api.ERRORS)
    ERROR_SCHEMA,
    ERRORS,
    ErrorKind,
    MethodNotAllowed,
    error_body,
    error_kind,
)
from acuplan.audit.log import record_refusal
from acuplan.billing.api import router as billing_router
from acuplan.booking.api import router as booking_router
from acuplan.clinic.api import router as clinic_router
from acuplan.core.errors import NotPermitted
from acuplan.core.intake import Intake
from acuplan.core.plan import PLAN_ADAPTER
from acuplan.followup.api import router as followup_router
from acuplan.outcomes.api import router as outcomes_router

logger = logging.getLogger("acuplan.api")


class AcuplanAPI(NinjaAPI):
    """NinjaAPI with the error table, JSON 404/405 for unknown paths and methods, and the
    intake/plan contract's JSON Schemas in the OpenAPI components."""

    def __init__(self) -> None:
        super().__init__(
            title="acuplan API",
            version="1",
            description=(
                "Clinical decision support for acupuncture care of back pain. Authenticate "
                "with `Authorization: Bearer <token>` or a logged-in session (send "
                "X-CSRFToken on unsafe methods). Every error has the shape "
                '`{"error": {"code", "message", "fields": [{"field", "message"}]}}`.'
            ),
            urls_namespace="api",
            auth=api_auth(),
        )
        for exc_class in ERRORS:
            self.add_exception_handler(exc_class, self._answer_error)

    def _answer_error(self, request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        error = exc if isinstance(exc, Exception) else exc()
        status, body = error_body(error)
        if status >= 500:
            logger.error("API %s %s failed", request.method, request.path, exc_info=error)
        elif isinstance(error, NotPermitted | Http404) and isinstance(
            getattr(request, "auth", None), User
        ):
            record_refusal(request.auth, request, status, body["error"]["message"])  # type: ignore[attr-defined]
        return self.create_response(request, body, status=status)

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        wrapped: list[URLResolver | URLPattern] = [
            _json_not_allowed(p, self) if isinstance(p, URLPattern) else p for p in patterns
        ]
        wrapped.append(path("<path:rest>", csrf_exempt(self._unknown_path)))
        return wrapped, app_name, namespace

    def _unknown_path(self, request: HttpRequest, rest: str) -> HttpResponse:
        return self._answer_error(request, Http404("no such API endpoint"))

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(_contract_schemas())
        components["Error"] = ERROR_SCHEMA
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault(
                    "default",
                    {
                        "description": "An error (see the description for the shape)",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
        return schema


def _json_not_allowed(pattern: URLPattern, api: AcuplanAPI) -> URLPattern:
    view = pattern.callback

    @functools.wraps(view)
    def json_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = api._answer_error(request, MethodNotAllowed(f"allowed: {allowed}"))
            response["Allow"] = allowed
        return response

    return URLPattern(pattern.pattern, json_view, pattern.default_args, pattern.name)


@functools.cache
def _contract_schemas() -> dict[str, Any]:
    """The contract's ``Intake`` and ``Plan`` JSON Schemas, their ``$defs`` renamed
    ``Intake.X`` / ``Plan.X`` so they cannot collide with the API's own schemas."""
    out: dict[str, Any] = {}
    for root, schema in (
        ("Intake", Intake.model_json_schema(ref_template="#/components/schemas/Intake.{model}")),
        ("Plan", PLAN_ADAPTER.json_schema(ref_template="#/components/schemas/Plan.{model}")),
    ):
        for name, definition in schema.pop("$defs", {}).items():
            out[f"{root}.{name}"] = definition
        out[root] = schema
    return out


api = AcuplanAPI()


@api.get("/ping", auth=None, tags=["meta"], summary="Liveness probe (no auth, no database)")
def ping(request: HttpRequest) -> dict[str, bool]:
    return {"pong": True}


api.add_router("", clinic_router)
api.add_router("", outcomes_router)
api.add_router("", booking_router)
api.add_router("", followup_router)
api.add_router("", billing_router)
