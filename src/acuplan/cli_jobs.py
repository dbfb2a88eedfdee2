"""``acuplan worker`` and ``acuplan jobs run-due``: the job queue from the command line.
Part of the CLI's output layer (it prints). Exit codes as in ``acuplan.cli``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

EXIT_OK, EXIT_FAIL, EXIT_INVALID = 0, 1, 2


def add_job_commands(sub: Any) -> None:
    worker = sub.add_parser("worker", help="run a job worker (sends, reminders, follow-ups)")
    worker.add_argument("--workers", type=int, default=2, help="worker threads (default 2)")
    worker.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run the every-minute scheduler in this worker (another one does)",
    )
    worker.set_defaults(handler=_worker)
    jobs = sub.add_parser("jobs", help="the job queue").add_subparsers(title="jobs commands")
    due = jobs.add_parser("run-due", help="run everything due at an instant (default: now)")
    due.add_argument("--at", metavar="ISO_DATETIME", help="e.g. 2027-03-15T09:00:00-04:00")
    due.add_argument(
        "--via-queue",
        action="store_true",
        help="enqueue the deliveries for the workers instead of running them here",
    )
    due.set_defaults(handler=_run_due)


def parse_at(text: str | None) -> dt.datetime:
    """An ISO datetime; one without an offset is UTC. Raises ValueError."""
    from django.utils import timezone

    if not text:
        return timezone.now()
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _run_due(args: argparse.Namespace) -> int:
    try:
        parse_at(args.at)  # refuse a bad value before touching the database
    except ValueError:
        print(f"acuplan jobs run-due: --at {args.at!r} is not an ISO datetime", file=sys.stderr)
        return EXIT_INVALID
    from acuplan.web.bootstrap import setup_django

    setup_django()
    from acuplan.followup.queue import default_queue
    from acuplan.followup.services.delivery import run_due

    at = parse_at(args.at)
    report = run_due(at, enqueue=default_queue().enqueue if args.via_queue else None)
    verb = "enqueued" if args.via_queue else "delivered"
    done = len(report.due) if args.via_queue else report.delivered
    print(
        f"run-due at {at.isoformat()}: {report.synced} patients synced, {report.created} sends "
        f"created, {len(report.due)} due, {done} {verb}"
    )
    return EXIT_OK


def _worker(args: argparse.Namespace) -> int:
    if not 1 <= args.workers <= 32:
        print("acuplan worker: --workers must be 1-32", file=sys.stderr)
        return EXIT_INVALID
    from acuplan.web.bootstrap import setup_django

    setup_django()
    import logging

    from django.conf import settings

    from acuplan.followup.queue import default_queue

    logging.getLogger("huey").setLevel(logging.INFO)
    print(f"acuplan worker on {_safe(settings.ACUPLAN_QUEUE_URL)} (Ctrl-C stops)", flush=True)
    consumer = default_queue().huey.create_consumer(
        workers=args.workers, worker_type="thread", periodic=not args.no_scheduler
    )
    consumer.run()
    return EXIT_OK


def _safe(url: str) -> str:
    """The queue address without a password."""
    from urllib.parse import urlparse

    p = urlparse(url)
    return url.replace(f":{p.password}@", ":***@") if p.password else url
