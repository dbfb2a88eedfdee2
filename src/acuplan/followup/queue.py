"""The job queue: Huey, with SQLite storage by default (one file in the data directory, no
server: ``acuplan worker`` beside ``acuplan serve`` on one machine) and Redis when
``ACUPLAN_QUEUE_URL`` names one (``redis://host:6379/0``), so workers on several machines
share the work.

Why Huey: one small dependency that gives both storages behind the same API, a consumer
with a periodic scheduler built in, and nothing to run for the embedded default. django-q2's
ORM broker polls the clinic database; Celery needs a broker server and a separate beat
process. Exactly-once does not rest on the queue: a job carries only a send's id, and
``delivery.deliver_send`` claims the send in the database, so duplicates are harmless.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from huey import Huey, RedisHuey, SqliteHuey, crontab

from acuplan.core.errors import ConfigError


@dataclass(frozen=True)
class Queue:
    huey: Huey
    deliver: Any
    """The task: ``deliver(send_id, at_iso)`` enqueues one delivery."""

    def enqueue(self, send_id: int, at: dt.datetime) -> object:
        return self.deliver(send_id, at.isoformat())

    def drain(self) -> int:
        """Run every job waiting in the queue here, in this process (tests, ``run-due``
        on a machine without a worker). Returns how many ran."""
        ran = 0
        while (task := self.huey.dequeue()) is not None:
            self.huey.execute(task)
            ran += 1
        return ran


def make_queue(url: str, *, name: str = "acuplan") -> Queue:
    """A queue on ``url``: ``sqlite:///path/queue.sqlite3`` or ``redis://host:port/db``."""
    parsed = urlparse(url)
    huey: Huey
    if parsed.scheme == "sqlite":
        huey = SqliteHuey(name, filename=parsed.path or "queue.sqlite3", utc=True)
    elif parsed.scheme in {"redis", "rediss"}:
        huey = RedisHuey(name, url=url, utc=True)
    else:
        raise ConfigError(f"ACUPLAN_QUEUE_URL must be sqlite:///... or redis://..., not {url!r}")
    return _register(huey)


def _register(huey: Huey) -> Queue:
    @huey.task(name="acuplan.deliver")  # type: ignore[untyped-decorator]
    def deliver(send_id: int, at_iso: str) -> bool:
        from acuplan.followup.services.delivery import deliver_send

        return deliver_send(send_id, dt.datetime.fromisoformat(at_iso))

    @huey.periodic_task(crontab(minute="*"), name="acuplan.run_due")  # type: ignore[untyped-decorator]
    def run_due_every_minute() -> None:
        from django.utils import timezone

        from acuplan.followup.services.delivery import run_due

        queue = default_queue()
        run_due(timezone.now(), enqueue=queue.enqueue)

    return Queue(huey, deliver)


@functools.cache
def default_queue() -> Queue:
    return make_queue(settings.ACUPLAN_QUEUE_URL)
