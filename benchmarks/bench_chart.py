"""Server time of a patient's outcomes page (/patients/<pk>/outcomes/) as the history grows.

Builds a temporary SQLite database (migrated), one clinic, one practitioner and three
patients with 10, 100 and 1,000 sessions and as many outcome responses, then requests each
patient's outcomes page through Django's test client (the whole stack: middleware, access
check, read model, matplotlib SVG, template, audit write). Prints the median and best time
per size, the queries per request, the page size, and the 1,000 / 10 time ratio.

Run: .venv/bin/python benchmarks/bench_chart.py [--repeat 7]
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

SIZES = (10, 100, 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed requests per size")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="acuplan-bench-chart-"))
    os.environ.update(
        ACUPLAN_DATA_DIR=str(data_dir),
        ACUPLAN_ENV="test",
        DJANGO_SETTINGS_MODULE="acuplan.web.settings",
    )
    os.environ.pop("DATABASE_URL", None)
    try:
        run(args.repeat)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


def run(repeat: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    user, patients = _fixture()
    client = Client()
    client.force_login(user)
    print(f"outcomes page server time, {repeat} requests per size (SQLite, test client)")
    header = ("sessions", 9), ("responses", 9), ("median ms", 10), ("best ms", 8)
    print(" ".join(f"{name:>{width}}" for name, width in header), f"{'queries':>8} {'KiB':>7}")
    medians: dict[int, float] = {}
    for size, pk in patients.items():
        url = f"/patients/{pk}/outcomes/"
        response = client.get(url)  # warm-up: imports matplotlib, fills caches
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        medians[size] = statistics.median(times)
        print(
            f"{size:>9} {size:>9} {medians[size]:>10.1f} {min(times):>8.1f} "
            f"{len(ctx.captured_queries):>8} {len(response.content) / 1024:>7.0f}"
        )
    print(f"ratio 1000/10 sessions: {medians[1000] / medians[10]:.1f}x")


def _fixture() -> tuple[object, dict[int, int]]:
    from acuplan.accounts.models import Clinic, PractitionerProfile, User
    from acuplan.clinic.models import Patient, Session
    from acuplan.outcomes.models import OutcomeResponse

    clinic = Clinic.objects.create(name="Bench clinic", slug="bench")
    user = User.objects.create_user("bench", clinic=clinic, role="practitioner")
    PractitionerProfile.objects.create(
        user=user,
        licence_number="B-1",
        licence_state="CA",
        licence_expiry=dt.date(2100, 1, 1),
    )
    patients: dict[int, int] = {}
    for size in SIZES:
        patient = Patient.objects.create(
            clinic=clinic,
            first_name="Bench",
            last_name=f"P{size}",
            date_of_birth=dt.date(1970, 1, 1),
            practitioner=user,
        )
        start = dt.date(2020, 1, 1)
        days = [start + dt.timedelta(days=2 * i) for i in range(size)]
        Session.objects.bulk_create(
            Session(patient=patient, date=d, practitioner=user, method="manual") for d in days
        )
        OutcomeResponse.objects.bulk_create(
            OutcomeResponse(
                patient=patient,
                kind="session",
                answered_on=d,
                pain_nrs=7 - (3 * i) // size,
                peg=6.0 - (3.0 * i) / size,
                function_instrument="rmdq",
                function_score=float(14 - (8 * i) // size),
                sleep_nights_disturbed=3,
                sleep_quality=6,
                recorded_by=user,
            )
            for i, d in enumerate(days)
        )
        patients[size] = patient.pk
    return user, patients


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.exit(main())
