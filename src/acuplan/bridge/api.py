"""The bridge's HTTP API, beside the REST API: FHIR R4 (``/fhir/...``) and CDS Hooks 2.0
(``/cds-services...``), documented at ``/fhir/openapi.json``.

Errors come from the REST API's one table (``acuplan.api_errors.error_body``: the same statuses,
codes and messages) but are written as a FHIR OperationOutcome, the shape both standards'
clients read: one issue per bad field, ``details.coding`` carrying acuplan's error code."""

from __future__ import annotations

import json
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from pydantic import ConfigDict

from acuplan.accounts.api import api_auth
from acuplan.accounts.models import User
from acuplan.api_errors import ERRORS, error_body
from acuplan.audit.log import record_refusal
from acuplan.bridge import services
from acuplan.bridge.cds import hooks
from acuplan.bridge.cds.auth import EhrJwt
from acuplan.bridge.fhir.bundle import everything
from acuplan.bridge.fhir.incoming import read_service_request
from acuplan.bridge.models import EhrIssuer
from acuplan.clinic import access
from acuplan.clinic.api_support import api_actor, api_user, intake_body
from acuplan.core.errors import NotPermitted

FHIR_JSON = "application/fhir+json"
ISSUE_TYPES = {400: "structure", 401: "login", 403: "forbidden", 404: "not-found"}
ISSUE_TYPES |= {405: "not-supported", 409: "conflict", 412: "incomplete", 413: "too-costly"}
ISSUE_TYPES |= {422: "invalid", 500: "exception"}

OPERATION_OUTCOME: dict[str, Any] = {
    "type": "object",
    "required": ["resourceType", "issue"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["OperationOutcome"]},
        "issue": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["severity", "code"],
                "properties": {
                    "severity": {"type": "string"},
                    "code": {"type": "string"},
                    "details": {"type": "object"},
                    "diagnostics": {"type": "string"},
                    "expression": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}
BUNDLE: dict[str, Any] = {
    "type": "object",
    "required": ["resourceType", "type", "entry"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["Bundle"]},
        "type": {"type": "string"},
        "entry": {"type": "array", "items": {"type": "object"}},
    },
}
SERVICE_REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["resourceType", "status", "intent", "subject", "contained"],
                    "properties": {"resourceType": {"type": "string", "enum": ["ServiceRequest"]}},
                }
            }
        },
    }
}


def operation_outcome(status: int, body: dict[str, Any]) -> dict[str, Any]:
    error = body["error"]
    code = ISSUE_TYPES.get(status, "processing")
    base: dict[str, Any] = {
        "severity": "error",
        "code": code,
        "details": {
            "coding": [{"system": "urn:acuplan:error", "code": error["code"]}],
            "text": error["message"],
        },
    }
    issues = [
        {**base, "diagnostics": f["message"], "expression": [f["field"]]} for f in error["fields"]
    ] or [base]
    return {"resourceType": "OperationOutcome", "issue": issues}


class BridgeAPI(NinjaAPI):
    def __init__(self) -> None:
        super().__init__(
            title="acuplan FHIR and CDS Hooks",
            version="1",
            description="FHIR R4 (`Patient/$everything`, incoming `ServiceRequest`) and CDS "
            "Hooks 2.0 services. Errors are an OperationOutcome.",
            urls_namespace="bridge_api",
            openapi_url="/fhir/openapi.json",
            docs_url=None,
            auth=api_auth(),
        )
        for exc_class in (*ERRORS, hooks.PrefetchMissing):
            self.add_exception_handler(exc_class, self._answer_error)

    def _answer_error(self, request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        error = exc if isinstance(exc, Exception) else exc()
        if isinstance(error, hooks.PrefetchMissing):
            status = 412
            body: dict[str, Any] = {
                "error": {
                    "code": "prefetch_missing",
                    "message": str(error),
                    "fields": [
                        {"field": f"prefetch.{k}", "message": "required"} for k in error.keys
                    ],
                }
            }
        else:
            status, body = error_body(error)
        refusal = getattr(request, "jwt_refusal", None)
        if isinstance(error, AuthenticationError) and refusal:
            body["error"]["message"] = f"the EHR's JWT was refused: {refusal}"
        signed_in = isinstance(getattr(request, "auth", None), User)
        if signed_in and (isinstance(error, NotPermitted) or status == 404):
            record_refusal(request.auth, request, status, str(body["error"]["message"]))  # type: ignore[attr-defined]
        return self.create_response(request, operation_outcome(status, body), status=status)

    def get_root_path(self, path_params: dict[str, Any]) -> str:
        return "/"  # mounted at the site's root (ninja would reverse its removed root page)

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["OperationOutcome"] = (
            OPERATION_OUTCOME
        )
        for operations in schema["paths"].values():
            for operation in operations.values():
                operation["responses"].setdefault(
                    "default",
                    {
                        "description": "An error, as a FHIR OperationOutcome",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/OperationOutcome"}
                            }
                        },
                    },
                )
        return schema

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        # ninja's own root page (served at "" when there are no docs) would shadow the
        # clinic's dashboard: this API lives beside the pages, under fhir/ and cds-services.
        kept = [p for p in patterns if not (isinstance(p, URLPattern) and p.name == "api-root")]
        patterns = [*kept, path("fhir/<path:rest>", csrf_exempt(self._unknown_path))]
        return patterns, app_name, namespace

    def _unknown_path(self, request: HttpRequest, rest: str) -> HttpResponse:
        from django.http import Http404

        return self._answer_error(request, Http404("no such FHIR endpoint"))


bridge_api = BridgeAPI()


def _fhir(data: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data), status=status, content_type=FHIR_JSON)


@bridge_api.get(
    "/fhir/Patient/{patient_id}/$everything",
    tags=["fhir"],
    summary="One patient's record as a FHIR R4 Bundle",
    openapi_extra={
        "responses": {
            200: {"description": "searchset Bundle", "content": {FHIR_JSON: {"schema": BUNDLE}}}
        }
    },
)
def patient_everything(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Access as for the chart (clinicians of the patient's clinic); audited."""
    patient = access.get_patient_for(api_user(request), patient_id, clinical=True)
    bundle = everything(patient)
    services.record_export(actor=api_actor(request), patient=patient, via="api")
    return _fhir(bundle)


@bridge_api.post(
    "/fhir/ServiceRequest",
    tags=["fhir"],
    summary="A physician's referral (FHIR R4 ServiceRequest) for the clinic",
    openapi_extra={
        **SERVICE_REQUEST_BODY,
        "responses": {
            201: {"description": "received", "content": {FHIR_JSON: {"schema": {"type": "object"}}}}
        },
    },
)
def receive_service_request(request: HttpRequest) -> HttpResponse:
    """The patient (a contained Patient: name, birth date) is found or registered in the
    caller's clinic; the requester becomes the patient's physician contact; the referral
    waits on the dashboard."""
    data = intake_body(request)
    referral = read_service_request(data)
    received = services.receive_referral(
        actor=api_actor(request),
        patient_data=referral.patient,
        reason=referral.reason,
        priority=referral.priority,
        requester_name=referral.requester_name,
        requester_contact=referral.requester_contact,
        resource=data if isinstance(data, dict) else {},
    )
    answer = {**(data if isinstance(data, dict) else {}), "id": str(received.pk)}
    response = _fhir(answer, 201)
    response["Location"] = f"/fhir/ServiceRequest/{received.pk}"
    return response


# --- CDS Hooks ---------------------------------------------------------------------------


class HookRequest(Schema):
    model_config = ConfigDict(extra="ignore")

    hook: Annotated[str, Field(min_length=1, max_length=100)]
    hookInstance: Annotated[str, Field(min_length=1, max_length=100)]  # noqa: N815 - the spec's name
    fhirServer: Annotated[str, Field(max_length=2000)] | None = None  # noqa: N815
    fhirAuthorization: dict[str, Any] | None = None  # noqa: N815
    context: dict[str, Any]
    prefetch: dict[str, Any] | None = None


class Card(Schema):
    uuid: str | None = None
    summary: Annotated[str, Field(max_length=140)]
    indicator: str
    detail: str | None = None
    source: dict[str, Any]
    links: list[dict[str, Any]] | None = None


class CardsOut(Schema):
    cards: list[Card]


@bridge_api.get("/cds-services", auth=None, tags=["cds-hooks"], summary="CDS Hooks discovery")
def cds_discovery(request: HttpRequest) -> dict[str, Any]:
    return hooks.discovery()


def _hook(service_id: str, request: HttpRequest, payload: HookRequest) -> dict[str, Any]:
    issuer = request.auth  # type: ignore[attr-defined]
    if not isinstance(issuer, EhrIssuer):  # pragma: no cover - the route authenticates
        raise HttpError(401, "the EHR's JWT is required")
    call = hooks.HookCall(
        service_id, payload.hook, payload.hookInstance, payload.context, payload.prefetch or {}
    )
    return hooks.answer(call, issuer)


@bridge_api.post(
    "/cds-services/acuplan-patient-view",
    auth=EhrJwt(),
    response=CardsOut,
    exclude_none=True,
    tags=["cds-hooks"],
    summary="patient-view: screen the patient for acupuncture",
)
def patient_view(request: HttpRequest, payload: HookRequest) -> dict[str, Any]:
    return _hook("acuplan-patient-view", request, payload)


@bridge_api.post(
    "/cds-services/acuplan-order-select",
    auth=EhrJwt(),
    response=CardsOut,
    exclude_none=True,
    tags=["cds-hooks"],
    summary="order-select: check an acupuncture ServiceRequest",
)
def order_select(request: HttpRequest, payload: HookRequest) -> dict[str, Any]:
    return _hook("acuplan-order-select", request, payload)
