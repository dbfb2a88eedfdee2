"""Fixtures of the between-visits tests: the clinic chain and cast of tests/web, a simulated
clock, and the two job queues (embedded SQLite, and Redis database 15)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone

from acuplan.followup.queue import Queue, make_queue
from tests.web.conftest import *  # noqa: F403  (fixtures: clinic, cast, patient, plan ...)

REDIS_URL = os.environ.get("ACUPLAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class Clock:
    """Django's ``timezone.now`` set by the test: every service (and auto_now) reads it."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, moment: dt.datetime) -> dt.datetime:
        assert moment >= self.now, "the simulated clock never goes back"
        self.now = moment
        return moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", c)
    return c


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL} and CI is set")
        pytest.skip(f"SKIPPED: Redis tests: no server at {REDIS_URL} (set CI=1 to fail)")


@pytest.fixture(params=["embedded", "redis"])
def queue(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Queue]:
    if request.param == "redis":
        redis_or_skip()
        q = make_queue(REDIS_URL, name=f"acuplan-test-{uuid.uuid4().hex[:8]}")
    else:
        q = make_queue(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    try:
        yield q
    finally:
        q.huey.flush()
