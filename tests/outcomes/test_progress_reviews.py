"""Progress decisions through the services, on worked examples (thresholds: NRS 2 points or
30%, RMDQ 5 or 30%, ODI 10 or 30%, PEG 1 point; Ostelo 2008, Farrar 2001), including the
edge cases: a baseline of 0, missing ODI sections, a new red flag mid-course."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from acuplan.audit.models import AuditEvent
from acuplan.clinic.models import Patient, Plan
from acuplan.clinic.services import Actor
from acuplan.core.errors import Conflict, InvalidInput, NotPermitted
from acuplan.outcomes import services
from acuplan.outcomes.models import ProgressReview, ReviewStatus
from tests.outcomes.conftest import add_sessions, days_ago, record
from tests.web.conftest import Cast

RMDQ_12 = [True] * 12 + [False] * 12


def rmdq(n: int) -> list[bool]:
    return [True] * n + [False] * (24 - n)


def review(patient: Patient, cast: Cast) -> ProgressReview:
    return services.review_progress(actor=Actor(cast.owner), patient=patient)


def settle(r: ProgressReview, cast: Cast, decision: str | None = None, reason: str = "") -> None:
    services.settle_review(actor=Actor(cast.owner), review=r, decision=decision, reason=reason)


@pytest.fixture
def baseline(cast: Cast, patient: Patient, approved_plan: Plan) -> Patient:
    """Intake response (NRS 7, RMDQ 12) and six sessions of the ten planned."""
    record(patient, cast, days_ago(40), kind="intake", pain_nrs=7, rmdq=RMDQ_12)
    add_sessions(patient, cast, [days_ago(0)] * 6, approved_plan)
    return patient


def test_it_continues_then_tapers_a_responder(cast: Cast, baseline: Patient) -> None:
    record(baseline, cast, days_ago(1), pain_nrs=4, rmdq=rmdq(11))
    r = review(baseline, cast)
    assert (r.decision, r.rule, r.status) == (
        "continue_then_taper",
        "progress.responder",
        "proposed",
    )
    assert r.inputs["baseline"]["nrs"]["score"] == 7.0
    assert r.inputs["current"]["nrs"]["score"] == 4.0
    nrs = next(c for c in r.inputs["changes"] if c["instrument"] == "nrs")
    assert (nrs["improvement"], nrs["responder"]) == (3.0, True)
    assert nrs["rule"] == "nrs: responder if improvement >= 2 points or >= 30% of baseline"
    assert (r.inputs["sessions_done"], r.inputs["sessions_planned"]) == (6, 10)
    assert r.sources == ["ostelo2008", "farrar2001"]


def test_it_extends_the_initial_phase_once_for_a_partial_response(
    cast: Cast, baseline: Patient
) -> None:
    record(baseline, cast, days_ago(2), pain_nrs=6, rmdq=rmdq(10))  # 14% and 17%: partial
    first = review(baseline, cast)
    assert first.decision == "extend_initial_phase"
    settle(first, cast)
    record(baseline, cast, days_ago(1), pain_nrs=6, rmdq=rmdq(10))
    second = review(baseline, cast)
    assert second.decision == "continue"
    assert second.inputs["extended_already"] is True
    assert second.inputs["sessions_planned"] == 16  # the initial phase (6) once more


def test_it_stops_and_refers_without_response_after_the_full_course(
    cast: Cast, baseline: Patient, approved_plan: Plan
) -> None:
    add_sessions(baseline, cast, [days_ago(0)] * 4, approved_plan)
    record(baseline, cast, days_ago(1), pain_nrs=7, rmdq=RMDQ_12)
    r = review(baseline, cast)
    assert (r.decision, r.rule) == ("stop_and_refer", "progress.no_response")


def test_it_cannot_call_a_zero_baseline_better_but_sees_it_worsen(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    record(patient, cast, days_ago(20), kind="intake", pain_nrs=0)
    record(patient, cast, days_ago(10), pain_nrs=0)
    r = review(patient, cast)
    (change,) = r.inputs["changes"]
    assert change["relative"] is None
    assert "undefined: baseline 0" in change["rule"]
    assert (r.decision, r.rule) == ("continue", "progress.too_early")
    settle(r, cast)
    record(patient, cast, days_ago(1), pain_nrs=2)
    assert review(patient, cast).rule == "progress.worsening"


def test_it_scores_odi_with_missing_sections_before_comparing(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    record(patient, cast, days_ago(30), kind="intake", odi=[4] * 8 + [None, None])  # 32/40 = 80%
    record(patient, cast, days_ago(1), odi=[2] * 7 + [None, 2, None])  # 16/40 = 40%
    r = review(patient, cast)
    (change,) = r.inputs["changes"]
    assert (change["baseline"], change["current"], change["responder"]) == (80.0, 40.0, True)
    assert r.decision == "continue_then_taper"


def test_it_retriages_at_once_on_a_new_red_flag_mid_course(cast: Cast, baseline: Patient) -> None:
    record(baseline, cast, days_ago(1), pain_nrs=3, red_flags=["saddle_anaesthesia"])
    r = review(baseline, cast)
    assert (r.decision, r.rule) == ("retriage", "progress.new_red_flag")
    assert r.inputs["new_red_flags"] == ["saddle_anaesthesia"]
    assert "re-triage now" in r.text
    settle(r, cast)
    # Handled: a later review looks only at what was reported since.
    record(baseline, cast, days_ago(0), pain_nrs=3)
    assert review(baseline, cast).decision == "continue_then_taper"


def test_it_offers_a_booster_when_pain_returns_after_discharge(
    cast: Cast, baseline: Patient, approved_plan: Plan
) -> None:
    add_sessions(baseline, cast, [days_ago(0)] * 4, approved_plan)
    record(baseline, cast, days_ago(3), pain_nrs=3, rmdq=rmdq(5))
    settle(review(baseline, cast), cast)  # responder, course complete: discharged
    record(baseline, cast, days_ago(1), pain_nrs=7, rmdq=rmdq(11))
    r = review(baseline, cast)
    assert r.inputs["discharged"] is True
    assert (r.decision, r.rule) == ("booster", "progress.booster")


def test_it_compares_each_instrument_with_its_latest_score(cast: Cast, baseline: Patient) -> None:
    record(baseline, cast, days_ago(5), rmdq=rmdq(5))  # function much better
    record(baseline, cast, days_ago(1), pain_nrs=7)  # a quick pain check since
    r = review(baseline, cast)
    assert r.inputs["current"]["rmdq"]["score"] == 5.0
    assert r.decision == "continue_then_taper"


def test_it_needs_a_baseline_and_a_later_response(
    cast: Cast, patient: Patient, approved_plan: Plan
) -> None:
    record(patient, cast, days_ago(3), kind="intake", pain_nrs=6)
    with pytest.raises(Conflict, match="baseline and at least one later response"):
        review(patient, cast)


def test_it_judges_progress_only_against_an_approved_course(
    cast: Cast, patient: Patient, plan: Plan
) -> None:
    record(patient, cast, days_ago(20), kind="intake", pain_nrs=7)
    record(patient, cast, days_ago(1), pain_nrs=7)
    with pytest.raises(Conflict, match="approved plan"):
        review(patient, cast)  # a draft plan has no course in force yet
    assert not ProgressReview.objects.exists()


def test_it_settles_an_open_review_before_the_next(cast: Cast, baseline: Patient) -> None:
    record(baseline, cast, days_ago(1), pain_nrs=4)
    review(baseline, cast)
    with pytest.raises(Conflict, match="open progress review"):
        review(baseline, cast)


def test_it_confirms_or_overrides_with_a_reason(cast: Cast, baseline: Patient) -> None:
    record(baseline, cast, days_ago(1), pain_nrs=4)
    r = review(baseline, cast)
    with pytest.raises(InvalidInput) as caught:
        settle(r, cast, decision="stop_and_refer")
    assert [str(e) for e in caught.value.errors] == ["reason: an override needs a reason"]
    with pytest.raises(InvalidInput, match="decision: must be one of"):
        settle(r, cast, decision="amputate", reason="no")
    settle(r, cast, decision="stop_and_refer", reason="  Patient moving abroad next week. ")
    r.refresh_from_db()
    assert (r.status, r.final_decision, r.reason) == (
        ReviewStatus.OVERRIDDEN,
        "stop_and_refer",
        "Patient moving abroad next week.",
    )
    assert r.settled_by_id == cast.owner.pk
    with pytest.raises(Conflict, match="already overridden"):
        settle(r, cast)


def test_it_lets_only_licensed_practitioners_settle(cast: Cast, baseline: Patient) -> None:
    record(baseline, cast, days_ago(1), pain_nrs=4)
    with pytest.raises(NotPermitted):
        services.review_progress(actor=Actor(cast.front_desk), patient=baseline)
    r = review(baseline, cast)
    with pytest.raises(NotPermitted, match="no licence on file"):
        services.settle_review(actor=Actor(cast.admin), review=r)
    services.settle_review(actor=Actor(cast.colleague), review=r)


def test_it_refuses_an_override_without_reason_in_the_database(
    cast: Cast, baseline: Patient
) -> None:
    record(baseline, cast, days_ago(1), pain_nrs=4)
    r = review(baseline, cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReview.objects.filter(pk=r.pk).update(status="overridden", reason="")


def test_it_writes_one_audit_event_per_review_and_per_decision(
    cast: Cast, baseline: Patient
) -> None:
    record(baseline, cast, days_ago(1), pain_nrs=4)
    start = AuditEvent.objects.count()
    r = review(baseline, cast)
    settle(r, cast)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "record_id")[start:])
    assert actions == [
        ("acuplan.progress.reviewed", str(r.pk)),
        ("acuplan.progress.confirmed", str(r.pk)),
    ]
