"""The audit page for clinic admins: the clinic's events, newest first, filtered by
patient, user, action and date, and the same selection as CSV. Reading or exporting the
log is itself recorded."""

from __future__ import annotations

import csv
import datetime as dt
import json
from typing import Any, cast

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from acuplan.accounts.models import User
from acuplan.accounts.views import require_clinic_admin
from acuplan.audit.actions import ACTIONS, describe
from acuplan.audit.log import record_event
from acuplan.audit.models import AuditEvent
from acuplan.clinic.views.base import AuthedRequest, clinic_page

PAGE_SIZE = 100
CSV_COLUMNS = [
    "id", "at", "action", "description", "user", "patient_id", "record_type", "record_id",
    "ip", "detail", "hash",
]  # fmt: skip


class AuditFilter(forms.Form):
    patient = forms.IntegerField(label="Patient id", required=False, min_value=1, max_value=2**62)
    user = forms.ChoiceField(label="User", required=False)
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[
            ("", "Any action"),
            *sorted((code, f"{code} — {text}") for code, text in ACTIONS.items()),
        ],
    )
    since = forms.DateField(
        label="From (date)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To (date)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, members: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Anyone")] + [  # type: ignore[attr-defined]
            (str(u.pk), f"{u.display_name} ({u.username})") for u in members
        ]

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if not self.is_valid():
            return events.none()
        d = self.cleaned_data
        if d.get("patient"):
            events = events.filter(patient_id=d["patient"])
        if d.get("user"):
            events = events.filter(actor_id=int(d["user"]))
        if d.get("action"):
            events = events.filter(action=d["action"])
        if d.get("since"):
            events = events.filter(at__gte=_start_of(d["since"]))
        if d.get("until"):
            events = events.filter(at__lt=_start_of(d["until"] + dt.timedelta(days=1)))
        return events

    def described(self) -> dict[str, Any]:
        return {k: str(v) for k, v in (self.cleaned_data or {}).items() if v not in (None, "")}


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _selection(request: AuthedRequest) -> tuple[AuditFilter, QuerySet[AuditEvent]]:
    clinic_id = require_clinic_admin(request.user)
    members = list(User.objects.filter(clinic_id=clinic_id).order_by("username"))
    form = AuditFilter(request.GET or None, members=members)
    events = AuditEvent.objects.filter(clinic_id=clinic_id).select_related("actor")
    return form, (form.apply(events) if form.is_bound else events).order_by("-id")


@clinic_page
def audit_log(request: AuthedRequest) -> HttpResponse:
    form, events = _selection(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    record_event(
        request.user,
        "acuplan.audit.read",
        None,
        record_type="audit_log",
        detail={"filters": form.described() if form.is_bound else {}, "page": page.number},
    )
    rows = [(e, describe(e.action), _detail_text(e.detail)) for e in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "audit/log.html", context, status=400 if form.errors else 200)


class _Echo:
    def write(self, value: str) -> str:
        return value


@clinic_page
def audit_export(request: AuthedRequest) -> HttpResponse:
    form, events = _selection(request)
    record_event(
        request.user,
        "acuplan.audit.exported",
        None,
        record_type="audit_log",
        detail={"filters": form.described() if form.is_bound else {}, "rows": events.count()},
    )
    writer = csv.writer(_Echo())

    def rows() -> Any:
        yield writer.writerow(CSV_COLUMNS)
        for e in events.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    e.pk,
                    e.at.isoformat(),
                    e.action,
                    describe(e.action),
                    e.actor.username if e.actor else "",
                    e.patient_id or "",
                    e.record_type,
                    e.record_id,
                    e.ip or "",
                    _csv_safe(e.detail),
                    e.hash,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return cast(HttpResponse, response)  # a page like any other to clinic_page


def _detail_text(detail: Any) -> str:
    return "" if not detail else json.dumps(detail, ensure_ascii=False, sort_keys=True)


def _csv_safe(detail: Any) -> str:
    """Detail as JSON text; a leading = + - @ would be a formula in a spreadsheet."""
    text = _detail_text(detail)
    return "'" + text if text[:1] in "=+-@" else text
