"""Pages at clinic scale: a clinic of 10,000 patients and 100,000 sessions, 8,000 approved
plans, and one patient with 1,000 sessions and 1,000 outcome responses.

Builds the clinic in a fresh database (SQLite in a temporary folder, or a PostgreSQL
database it creates and drops), with the project's own models and ``bulk_create``, then
requests each page through Django's test client (the whole stack: middleware, access check,
read model, template, audit write) and prints the median server time, the queries per
request and the page size beside the goal (median <= 50 ms).

Run: .venv/bin/python benchmarks/bench_scale.py [--db sqlite|postgres] [--repeat 7]
     (postgres: ACUPLAN_BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/bench_scale)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

GOAL_MS = 50.0
PATIENTS = 10_000
SESSIONS = 100_000
APPROVED = 8_000
BIG = 1_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--queries", action="store_true", help="also print each page's slowest queries"
    )
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="acuplan-bench-scale-"))
    os.environ.update(
        ACUPLAN_DATA_DIR=str(data_dir),
        ACUPLAN_ENV="test",
        DJANGO_SETTINGS_MODULE="acuplan.web.settings",
    )
    os.environ.pop("DATABASE_URL", None)
    pg = os.environ.get(
        "ACUPLAN_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/bench_scale"
    )
    if args.db == "postgres":
        _recreate_postgres(pg)
        os.environ["DATABASE_URL"] = pg
    try:
        run(args.db, args.repeat, args.queries)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if args.db == "postgres":
            _drop_postgres(pg)
    return 0


def _admin(url: str) -> tuple[Any, str]:
    import psycopg

    base, _, name = url.rpartition("/")
    return psycopg.connect(f"{base}/postgres", autocommit=True), name


def _recreate_postgres(url: str) -> None:
    conn, name = _admin(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_postgres(url: str) -> None:
    from django.db import connections

    connections.close_all()
    conn, name = _admin(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run(db: str, repeat: int, show_queries: bool = False) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    world = build()
    print(
        f"clinic built in {time.perf_counter() - started:.0f} s: {PATIENTS} patients, "
        f"{SESSIONS} sessions, {APPROVED} approved plans, one patient with {BIG} sessions "
        f"and {BIG} responses ({db})"
    )
    measure(world, repeat, show_queries)


def build() -> dict[str, Any]:
    from django.utils import timezone

    from acuplan.accounts.models import Clinic, PractitionerProfile, Role, User
    from acuplan.clinic.models import Intake, Patient, Plan, PlanStatus, Session
    from acuplan.core.intake import parse_intake
    from acuplan.core.knowledge import default_knowledge
    from acuplan.core.plan import assess_and_plan, plan_json
    from acuplan.outcomes.models import OutcomeResponse

    clinic = Clinic.objects.create(name="Scale Clinic", slug="scale")
    owner = User.objects.create_user("owner", password=None, clinic=clinic, role=Role.PRACTITIONER)
    PractitionerProfile.objects.create(
        user=owner,
        licence_number="L1",
        licence_state="CA",
        licence_expiry=dt.date(2099, 1, 1),
    )
    today = timezone.localdate()
    patients = Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            first_name=f"P{i}",
            last_name=f"Patient{i:05}",
            date_of_birth=dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
            practitioner=owner,
        )
        for i in range(PATIENTS)
    )
    data = {
        "schema_version": "1",
        "patient": {"age_years": 50, "sex": "female", "pregnant": False},
        "pain": {"regions": ["lower_back"], "duration_weeks": 20, "intensity_nrs": 6},
        "medical": {"needle_phobia": False},
    }
    plan_data = plan_json(
        assess_and_plan(parse_intake(data), knowledge=default_knowledge(), as_of=today)
    )
    intakes = Intake.objects.bulk_create(
        Intake(patient=p, version=1, data=data, recorded_by=owner) for p in patients[:APPROVED]
    )
    long_ago = timezone.now() - dt.timedelta(days=400)
    Intake.objects.update(recorded_at=long_ago)
    plans = [
        Plan(
            patient_id=i.patient_id,
            intake=i,
            data=plan_data,
            engine_version=plan_data["versions"]["engine"],
            knowledge_version=plan_data["versions"]["knowledge"],
            as_of=today - dt.timedelta(days=300),
            triage_decision=plan_data["triage"]["decision"],
            status=PlanStatus.APPROVED,
            created_by=owner,
            approved_by=owner,
            approved_at=long_ago,
        )
        for i in intakes
    ]
    for plan in plans:
        plan.fill_columns()
        plan.sessions_given = 10  # as record_session counts them
    Plan.objects.bulk_create(plans, batch_size=500)
    latest = {p.patient_id: p.pk for p in Plan.objects.only("pk", "patient_id")}
    for patient in patients:
        patient.latest_plan_id = latest.get(patient.pk)
        patient.latest_decision = plan_data["triage"]["decision"] if patient.pk in latest else ""
    Patient.objects.bulk_update(patients, ["latest_plan", "latest_decision"], batch_size=1000)
    big = patients[0]
    sessions = [
        Session(
            patient=big,
            date=today - dt.timedelta(days=BIG - k),
            practitioner=owner,
            method="manual",
        )
        for k in range(BIG)
    ]
    per = (SESSIONS - BIG) // (PATIENTS - 1)
    sessions += [
        Session(
            patient=p,
            date=today - dt.timedelta(days=3 * k + 1),
            practitioner=owner,
            method="manual",
        )
        for p in patients[1:]
        for k in range(per)
    ]
    Session.objects.bulk_create(sessions, batch_size=5000)
    OutcomeResponse.objects.bulk_create(
        OutcomeResponse(
            patient=big,
            kind="session",
            answered_on=today - dt.timedelta(days=BIG - k),
            pain_nrs=max(0, 8 - k // 150),
            function_instrument="rmdq",
            function_score=float(max(0, 14 - k // 80)),
            scores={"nrs": {"total": 5, "version": "NRS 0-10"}},
            recorded_by=owner,
        )
        for k in range(BIG)
    )
    return {"owner": owner, "big": big}


def measure(world: dict[str, Any], repeat: int, show_queries: bool = False) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(world["owner"])
    big = world["big"].pk
    pages = [
        ("dashboard", reverse("dashboard")),
        ("patient list", reverse("patient_list")),
        ("chart (1,000 sessions)", reverse("patient_chart", args=[big])),
        ("outcomes (1,000 responses)", reverse("outcomes:chart", args=[big])),
        ("schedule", reverse("outcomes:schedule", args=[big])),
        ("safety", reverse("outcomes:safety")),
        ("clinic outcomes", reverse("outcomes:clinic")),
    ]
    from django.core.cache import cache

    outcomes = reverse("outcomes:chart", args=[big])
    print(f"{'page':<28} {'median ms':>10} {'best ms':>8} {'queries':>8} {'KiB':>7}  goal")
    worst = 0.0
    for name, url in pages:
        client.get(url)  # warm caches once
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                print(f"{name}: status {response.status_code}", file=sys.stderr)
        median = statistics.median(times)
        worst = max(worst, median)
        ok = "ok" if median <= GOAL_MS else "MISSED"
        print(
            f"{name:<28} {median:>10.1f} {min(times):>8.1f} {len(ctx.captured_queries):>8} "
            f"{len(response.content) / 1024:>7.0f}  <= {GOAL_MS:g} ms {ok}"
        )
        if show_queries:
            slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]
            for q in slowest:
                print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:160]}")
    print(f"slowest page median {worst:.1f} ms; goal {GOAL_MS:g} ms; ratio {worst / GOAL_MS:.2f}")
    cold = []
    for _ in range(repeat):  # the view right after new data: the plot is drawn, not cached
        cache.clear()
        t0 = time.perf_counter()
        client.get(outcomes)
        cold.append((time.perf_counter() - t0) * 1000)
    print(
        f"outcomes page when its plot must be drawn (first view after new data): median "
        f"{statistics.median(cold):.1f} ms (not a goal: later views read the cached plot)"
    )


if __name__ == "__main__":
    sys.exit(main())
