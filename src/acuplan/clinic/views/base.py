"""What every page shares: the signed-in request type, the actor, and the one place where
domain errors become HTTP responses (``clinic_page``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from acuplan.accounts.models import User
from acuplan.audit.log import record_refusal
from acuplan.clinic.services import Actor
from acuplan.core.errors import Conflict, NotPermitted

P = ParamSpec("P")


class AuthedRequest(HttpRequest):
    """A request from a signed-in user (``clinic_page`` guarantees it)."""

    user: User


PageView = Callable[Concatenate[AuthedRequest, P], HttpResponse]
DjangoView = Callable[Concatenate[HttpRequest, P], HttpResponse]

ERROR_TITLES = {403: "Not permitted", 404: "Not found", 405: "Not allowed", 409: "Not possible"}


def clinic_page(view: PageView[P]) -> DjangoView[P]:
    """Sign-in required; then NotPermitted -> 403, Http404 -> 404 and Conflict -> 409,
    each as a page that says why. The only place these errors are turned into responses;
    each 403 and 404 is recorded in the audit log (``acuplan.access.refused``)."""

    def page(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(cast(AuthedRequest, request), *args, **kwargs)
        except NotPermitted as exc:
            record_refusal(request.user, request, 403, str(exc))
            return error_page(request, 403, str(exc))
        except Http404 as exc:
            record_refusal(request.user, request, 404, str(exc))
            return error_page(request, 404, "there is no such record in your clinic")
        except Conflict as exc:
            return error_page(request, 409, str(exc))

    functools.update_wrapper(page, view)
    return page


def post_only(view: PageView[P]) -> PageView[P]:
    """405 for anything but POST (forms that change records)."""

    def page(request: AuthedRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if request.method != "POST":
            response = error_page(request, 405, "this address only accepts a form submission")
            response["Allow"] = "POST"
            return response
        return view(request, *args, **kwargs)

    functools.update_wrapper(page, view)
    return page


def error_page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    back = request.META.get("HTTP_REFERER", "")
    safe_back = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    context = {
        "status": status,
        "title": ERROR_TITLES.get(status, "Error"),
        "message": message,
        "back": back if safe_back and back != request.build_absolute_uri() else "",
    }
    return render(request, "clinic/error.html", context, status=status)


def actor(request: AuthedRequest) -> Actor:
    return Actor(request.user, ip=request.META.get("REMOTE_ADDR"))


def form_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, invalid: bool
) -> HttpResponse:
    """A form page; 400 when it is shown again with errors (so tests and tools can tell)."""
    return render(request, template, context, status=400 if invalid else 200)


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST (even an empty one), None for any other method."""
    return request.POST if request.method == "POST" else None
