"""Tamper evidence: every audit event stores the SHA-256 of its own contents and of the
event before it, so changing, removing or reordering any event breaks the chain from
there on (``acuplan audit verify`` finds the first break).

Appends are serialised (a PostgreSQL advisory lock; on SQLite the IMMEDIATE transaction
already holds the write lock), so two requests cannot chain onto the same event.

The hash is not keyed: someone who can write the database *and* recompute every later
hash could forge a consistent chain. ``acuplan audit verify`` prints the head hash; keep
copies of it elsewhere (the backup log, a ticket) to pin the history up to that point.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection

GENESIS = "0" * 64
"""The ``prev_hash`` of the first event."""
_LOCK_KEY = 0x0AC0_A0D1  # pg_advisory_xact_lock key of the audit chain


def digest(fields: dict[str, Any]) -> str:
    """The hash of one event: its contents and ``prev_hash``, as canonical JSON.

    ``fields``: at (aware datetime), actor, clinic, action, record_type, record_id,
    patient, ip, detail (JSON-native), prev_hash. Version 1 of the format."""
    at: dt.datetime = fields["at"]
    payload = {
        "v": 1,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": fields["actor"],
        "clinic": fields["clinic"],
        "action": fields["action"],
        "record_type": fields["record_type"],
        "record_id": fields["record_id"],
        "patient": fields["patient"],
        "ip": fields["ip"],
        "detail": fields["detail"],
        "prev": fields["prev_hash"],
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def event_fields(event: Any) -> dict[str, Any]:
    """What :func:`digest` hashes, read from an AuditEvent (or a historical model)."""
    return {
        "at": event.at,
        "actor": event.actor_id,
        "clinic": event.clinic_id,
        "action": event.action,
        "record_type": event.record_type,
        "record_id": event.record_id,
        "patient": event.patient_id,
        "ip": event.ip,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }


def lock_chain() -> None:
    """Serialise appends until the current transaction ends (call inside ``atomic``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


@dataclass(frozen=True)
class Break:
    event_id: int
    reason: str


def find_break(events: Any) -> Break | None:
    """The first event (in id order) whose link or contents do not match, else None."""
    prev = GENESIS
    for event in events:
        if event.prev_hash != prev:
            return Break(
                event.pk,
                "its link to the event before does not match: an event before it was "
                "removed, added or changed",
            )
        if digest(event_fields(event)) != event.hash:
            return Break(event.pk, "its contents do not match its hash: it was changed")
        prev = event.hash
    return None
