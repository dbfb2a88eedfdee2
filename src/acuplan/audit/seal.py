"""The switch that the append-only triggers consult (see migration 0003).

Sealed is the only state acuplan itself ever runs in. ``unsealed()`` exists for one job:
emptying a whole test database between transactional tests (Django's flush), which the
test suite's conftest wraps in it. Nothing in ``src/`` calls it; anyone able to call it
could as well drop the triggers, which is why tamper *evidence* is the hash chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections

_unsealed = False


def is_sealed() -> int:
    return 0 if _unsealed else 1


def register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created handler: give SQLite connections ``acuplan_audit_sealed()``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "acuplan_audit_sealed", 0, is_sealed, deterministic=False
        )


@contextmanager
def unsealed() -> Iterator[None]:
    global _unsealed
    _unsealed = True
    pg = [c for c in connections.all(initialized_only=True) if c.vendor == "postgresql"]
    try:
        for c in pg:
            with c.cursor() as cursor:
                cursor.execute("SET acuplan.audit_unsealed = 'on'")
        yield
    finally:
        _unsealed = False
        for c in pg:
            if c.connection is not None:
                with c.cursor() as cursor:
                    cursor.execute("RESET acuplan.audit_unsealed")
