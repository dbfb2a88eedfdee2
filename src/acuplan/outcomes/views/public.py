"""The patient's questionnaire, opened from the emailed link: no login, phone first.

A used or expired link answers 410 and an unknown one 404, each with a page that says what
to do; neither changes anything. Responses are never cached and send no referrer to other sites (the
token is in the address: it goes to no other site)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from acuplan.core.errors import InvalidInput
from acuplan.outcomes import services
from acuplan.outcomes.forms import AnswersForm
from acuplan.outcomes.wording import red_flag_label


def _private(response: HttpResponse) -> HttpResponse:
    # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on the
    # form post, which CSRF protection rightly refuses. Other sites never see the token.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _gone(request: HttpRequest, exc: services.LinkGone | services.LinkUnknown) -> HttpResponse:
    status = 404 if isinstance(exc, services.LinkUnknown) else 410
    why = getattr(exc, "why", "unknown")
    return _private(render(request, "outcomes/link_gone.html", {"why": why}, status=status))


@never_cache
def questionnaire(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = services.open_link(token)
    except (services.LinkGone, services.LinkUnknown) as exc:
        return _gone(request, exc)
    form = AnswersForm(
        request.POST if request.method == "POST" else None,
        measures=link.due,
        patient_facing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            response = services.answer_questionnaire(
                token=token,
                data=form.service_data(),
                dashboard_url=request.build_absolute_uri(reverse("dashboard")),
            )
        except (services.LinkGone, services.LinkUnknown) as exc:
            return _gone(request, exc)
        except InvalidInput as exc:
            form.add_service_errors(exc.errors)
        else:
            flags = [red_flag_label(f) for f in response.red_flags]
            context = {"clinic": link.patient.clinic, "flags": flags}
            return _private(render(request, "outcomes/thanks.html", context))
    context = {"form": form, "clinic": link.patient.clinic, "link": link}
    status = 400 if form.is_bound else 200
    return _private(render(request, "outcomes/questionnaire.html", context, status=status))
