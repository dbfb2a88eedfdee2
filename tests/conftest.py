"""Shared fixtures. The knowledge base loads once per process."""

from __future__ import annotations

from pathlib import Path

import pytest

from acuplan.core.knowledge import Knowledge, default_knowledge

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
#: The contract's example intakes, copied into the repo so the suite runs from any clone;
#: tests/test_examples.py checks the copies still match shared/ where it is present.
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    return default_knowledge()


def _flush_unsealed() -> None:
    """Transactional tests end with Django emptying every table, the audit log included;
    the append-only triggers allow that only inside ``seal.unsealed()``."""
    from django.test import TransactionTestCase

    from acuplan.audit import seal

    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self: TransactionTestCase) -> None:
        with seal.unsealed():
            original(self)

    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]


_flush_unsealed()


@pytest.fixture(autouse=True)
def _cache_in_memory(settings: pytest.FixtureRequest) -> None:
    """The suite's cache lives in memory: the default file cache in var/ would carry
    entries (rendered plots, token ids) from one run into the next."""
    settings.CACHES = {  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "acuplan-tests",
        }
    }
