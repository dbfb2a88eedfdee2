"""What the audit log records of the pages, and the audit page itself: filters, CSV
export, one clinic's events only. And the demo reset, which must not edit history."""

from __future__ import annotations

import csv
import io

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from acuplan.audit.models import AuditEvent
from acuplan.clinic.demo import create_demo
from acuplan.clinic.models import Patient, Plan, Session
from tests.web.conftest import Cast, login


def newest(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-id").first()
    assert event is not None, action
    return event


def test_it_records_the_patient_ids_a_list_page_shows(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.front_desk)
    assert client.get(reverse("patient_list")).status_code == 200
    event = newest("acuplan.patient_list.read")
    assert (event.actor_id, event.detail["patient_ids"]) == (cast.front_desk.pk, [patient.pk])


def test_it_records_the_patients_on_the_dashboard(
    client: Client, cast: Cast, session: Session
) -> None:
    login(client, cast.owner)
    assert client.get(reverse("dashboard")).status_code == 200
    assert session.patient_id in newest("acuplan.dashboard.read").detail["patient_ids"]


def test_it_records_the_session_form_and_the_schedule(
    client: Client, cast: Cast, planned_patient: Patient
) -> None:
    patient = planned_patient
    login(client, cast.owner)
    for name, action in (
        ("session_new", "acuplan.session_form.read"),
        ("outcomes:schedule", "acuplan.schedule.read"),
    ):
        assert client.get(reverse(name, args=[patient.pk])).status_code == 200
        assert newest(action).patient_id == patient.pk


def test_it_records_every_refusal_of_a_record_page(client: Client, cast: Cast, plan: Plan) -> None:
    login(client, cast.outsider)
    assert client.get(reverse("plan_review", args=[plan.pk])).status_code == 404
    login(client, cast.front_desk)
    assert client.get(reverse("plan_review", args=[plan.pk])).status_code == 403
    refusals = AuditEvent.objects.filter(action="acuplan.access.refused").order_by("id")
    assert [(e.actor_id, e.detail["status"]) for e in refusals] == [
        (cast.outsider.pk, 404),
        (cast.front_desk.pk, 403),
    ]


def test_it_filters_the_audit_page_by_patient_user_action_and_date(
    client: Client, cast: Cast, patient: Patient, session: Session
) -> None:
    login(client, cast.admin)
    today = timezone.localdate().isoformat()
    response = client.get(
        reverse("audit_log"),
        {
            "patient": patient.pk,
            "user": cast.owner.pk,
            "action": "acuplan.session.recorded",
            "since": today,
            "until": today,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<td>A treatment session was recorded<br>") == 1
    assert "1 event." in page
    assert "<td>A patient was registered<br>" not in page


def test_it_exports_the_selection_as_csv(
    client: Client, cast: Cast, patient: Patient, session: Session
) -> None:
    login(client, cast.admin)
    response = client.get(reverse("audit_export"), {"patient": patient.pk})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))  # type: ignore[attr-defined]
    assert rows
    assert {r["patient_id"] for r in rows} == {str(patient.pk)}
    assert {"acuplan.patient.created", "acuplan.session.recorded"} <= {r["action"] for r in rows}
    assert newest("acuplan.audit.exported").actor_id == cast.admin.pk


def test_it_shows_an_admin_only_their_own_clinics_events(
    client: Client, cast: Cast, patient: Patient
) -> None:
    login(client, cast.outsider)  # an event of the other clinic
    client.get(reverse("patient_list"))
    login(client, cast.admin)
    rows = list(
        csv.DictReader(
            io.StringIO(b"".join(client.get(reverse("audit_export")).streaming_content).decode())
        )
    )  # type: ignore[attr-defined]
    assert "outsider" not in {r["user"] for r in rows}


def test_it_resets_the_demo_twice_without_editing_history(db: None) -> None:
    """The first demo records outcomes and sessions; a reset retires it (nothing deleted,
    nothing updated in the audit log) and the chain still verifies."""
    from acuplan.audit.chain import find_break
    from acuplan.clinic import services
    from acuplan.outcomes.services import record_outcome

    create_demo("acuplan-demo")
    lee_patient = Patient.objects.filter(clinic__slug="riverside").first()
    assert lee_patient is not None
    lee = lee_patient.clinic.users.get(username="dr.lee")
    record_outcome(
        actor=services.Actor(lee), patient=lee_patient, kind="follow_up",
        answered_on=timezone.localdate(), data={"pain_nrs": 3},
    )  # fmt: skip
    events_before = list(AuditEvent.objects.order_by("id").values_list("id", "hash"))

    logins = create_demo("acuplan-demo")
    create_demo("acuplan-demo")

    assert {u for _, u, _ in logins} == {"admin", "dr.lee", "chen", "frontdesk", "dr.patel"}
    kept = list(
        AuditEvent.objects.filter(id__lte=events_before[-1][0])
        .order_by("id")
        .values_list("id", "hash")
    )
    assert kept == events_before
    assert find_break(AuditEvent.objects.order_by("id")) is None
    assert Patient.objects.filter(clinic__slug="riverside").count() == 4
    assert Patient.objects.filter(pk=lee_patient.pk).exists()  # retired, not deleted
