"""Refuse hostile input before any view sees it, the same way for every page and endpoint.

- A body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413.
- A NUL character anywhere in the path, the query string or the body (raw, ``%00`` or
  JSON's ``\\u0000``): 400. PostgreSQL cannot store NUL in text, and no clinical text
  needs one; refusing it here keeps SQLite and PostgreSQL alike.
- A JSON body beyond :mod:`acuplan.jsonlimits` (nesting depth, number length): 400. JSON
  that is merely malformed is left to the endpoint, which names the syntax error.

API paths get the API's one error shape; pages get the error page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

from acuplan.jsonlimits import JsonRefused, loads_limited, remember

#: ``\u0000`` not itself escaped (an even number of backslashes before it).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
_FORM_TYPES = ("application/x-www-form-urlencoded",)


class Refusal(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class HostileInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except Refusal as refusal:
            return refuse(request, refusal)
        return self.get_response(request)


def check_request(request: HttpRequest) -> None:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Refusal(400, "bad_request", "Content-Length is not a number") from None
    if limit is not None and length > limit:
        raise Refusal(413, "payload_too_large", f"the body is {length} bytes; at most {limit}")
    if "\x00" in request.path or "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
        raise Refusal(400, "bad_request", "the address may not contain NUL characters")
    if request.method in {"GET", "HEAD", "OPTIONS"} or (
        not length and "chunked" not in request.META.get("HTTP_TRANSFER_ENCODING", "")
    ):
        return
    try:
        body = request.body
    except RequestDataTooBig:  # a chunked body without Content-Length, read past the limit
        raise Refusal(413, "payload_too_large", f"the body is over {limit} bytes") from None
    content_type = request.content_type or ""
    if (
        b"\x00" in body
        or _JSON_NUL.search(body)
        or (content_type in _FORM_TYPES and b"%00" in body)
    ):
        raise Refusal(400, "bad_request", "text may not contain NUL characters")
    if content_type == "application/json" or request.path.startswith("/api/"):
        try:
            parsed = loads_limited(body, max_bytes=limit or len(body))
        except JsonRefused as exc:
            if not exc.syntax:
                status = 413 if exc.too_large else 400
                raise Refusal(
                    status, "payload_too_large" if exc.too_large else "bad_request", str(exc)
                ) from None
        else:
            remember(request, body, parsed)


def refuse(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {"error": {"code": refusal.code, "message": refusal.message, "fields": []}}
        return JsonResponse(body, status=refusal.status)
    from acuplan.clinic.views.base import error_page

    return error_page(request, refusal.status, refusal.message)
