"""The API's one error shape, as a table: exception class -> HTTP status and error code
(the most specific class wins). The REST API (:mod:`acuplan.api`) and the FHIR and CDS
Hooks endpoints (:mod:`acuplan.bridge.api`) answer from it, so a status and a code mean the
same thing everywhere. Every error answer has the shape ::

    {"error": {"code": "...", "message": "...", "fields": [{"field": "...", "message": "..."}]}}

``fields`` is always present, empty when no field is to blame.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, ValidationError

from acuplan.accounts.api import CsrfFailed
from acuplan.core.errors import Conflict, FieldError, InvalidInput, InvalidIntake, NotPermitted


class MethodNotAllowed(Exception):
    """The path exists but not with this HTTP method (raised for ninja's bare 405)."""


@dataclass(frozen=True)
class ErrorKind:
    status: int | None
    """None: the exception's own ``status_code`` (ninja's ``HttpError``)."""
    code: str | None
    """None: derived from the status (``400`` -> ``bad_request``)."""
    message: str | None = None
    """None: the exception's own message (domain errors are written to be shown)."""


ERRORS: dict[type[Exception], ErrorKind] = {
    InvalidIntake: ErrorKind(422, "invalid_intake"),
    InvalidInput: ErrorKind(422, "invalid_input"),
    ValidationError: ErrorKind(422, "invalid_input"),
    AuthenticationError: ErrorKind(
        401, "not_authenticated", "log in, or send Authorization: Bearer <token>"
    ),
    CsrfFailed: ErrorKind(403, "csrf_failed"),
    NotPermitted: ErrorKind(403, "not_permitted"),
    Http404: ErrorKind(404, "not_found"),
    MethodNotAllowed: ErrorKind(405, "method_not_allowed"),
    Conflict: ErrorKind(409, "conflict"),
    RequestDataTooBig: ErrorKind(413, "payload_too_large", "the request body is too large"),
    HttpError: ErrorKind(None, None),  # ninja's own, e.g. 400 for a body that is not JSON
    Exception: ErrorKind(500, "server_error", "unexpected server error; it has been logged"),
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "message"],
                        "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
            },
        }
    },
}


def error_kind(exc: Exception) -> ErrorKind:
    for cls in type(exc).__mro__:
        if cls in ERRORS:
            return ERRORS[cls]
    return ERRORS[Exception]  # pragma: no cover - every exception is an Exception


def error_body(exc: Exception) -> tuple[int, dict[str, Any]]:
    """The status and JSON body that answer ``exc``, from the table."""
    kind = error_kind(exc)
    status = kind.status or (exc.status_code if isinstance(exc, HttpError) else 500)
    fields = _fields(exc)
    message = kind.message or _message(exc, fields) or HTTPStatus(status).phrase
    code = kind.code or HTTPStatus(status).phrase.lower().replace(" ", "_")
    return status, {
        "error": {
            "code": code,
            "message": message,
            "fields": [{"field": f.field, "message": f.message} for f in fields],
        }
    }


def _fields(exc: Exception) -> list[FieldError]:
    if isinstance(exc, InvalidInput):
        return exc.errors
    if isinstance(exc, ValidationError):
        return [FieldError(_field_name(e.get("loc", ())), str(e.get("msg"))) for e in exc.errors]
    return []


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """ninja's ``("body", "payload", "points", 0, "code")`` -> ``points.0.code``: the source
    and the handler's parameter name say nothing to the client."""
    parts = [str(p) for p in loc]
    skip = 2 if parts[:1] == ["body"] else 1
    return ".".join(parts[skip:]) or "(root)"


def _message(exc: Exception, fields: list[FieldError]) -> str:
    if isinstance(exc, ValidationError):
        return "invalid input: " + "; ".join(str(f) for f in fields)
    return str(exc.args[0]) if isinstance(exc, Http404) and exc.args else str(exc)
