"""CORS for the CDS Hooks service only: EHR front ends and CDS Hooks sandboxes call it from
the browser. No credentials are allowed (the EHR's JWT in the Authorization header is the
only authentication there), so any origin may call; the rest of acuplan sends no CORS
headers at all."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PREFIX = "/cds-services"
HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Max-Age": "600",
}


class CdsCorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
        else:
            response = self.get_response(request)
        for name, value in HEADERS.items():
            response[name] = value
        return response
