"""Write audit events. Call inside the same transaction as the change it records.

Every event is chained to the one before it (``acuplan.audit.chain``) and its action must
be registered in ``acuplan.audit.actions``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from acuplan.accounts.models import User
from acuplan.audit import chain
from acuplan.audit.actions import require_known
from acuplan.audit.context import client_ip
from acuplan.audit.models import AuditEvent

MAX_LISTED_IDS = 500
"""A list read names at most this many patient ids (pages show 25 to 100)."""


def record_event(
    actor: User | None,
    action: str,
    record: models.Model | None,
    *,
    patient_id: int | None = None,
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
    clinic_id: int | None = None,
    record_type: str | None = None,
    record_id: str = "",
) -> AuditEvent:
    """``actor`` None is someone without a login (a patient answering a questionnaire link,
    a failed login, a command); ``clinic_id`` then says whose record it is. ``record``
    None (a login, a list) takes ``record_type`` and ``record_id`` instead. ``ip`` None is
    the address of the request being served, if any. Raises UnknownAction for an
    unregistered action code."""
    require_known(action)
    if record is not None:
        record_type = record._meta.model_name or type(record).__name__.lower()
        record_id = str(record.pk)
    fields: dict[str, Any] = {
        "at": timezone.now(),
        "actor": actor.pk if actor is not None else None,
        "clinic": getattr(actor, "clinic_id", None) or clinic_id,
        "action": action,
        "record_type": record_type or "",
        "record_id": record_id,
        "patient": patient_id,
        "ip": _clean_ip(ip or client_ip()),
        # Round-tripped through JSON now, so the hash sees what the database will return.
        "detail": json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder)),
    }
    # savepoint=False: the event belongs to the caller's transaction (one fails, both go),
    # and a chained append costs one query more than a bare insert, not three.
    with transaction.atomic(savepoint=False):
        chain.lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        fields["prev_hash"] = last or chain.GENESIS
        return AuditEvent.objects.create(
            at=fields["at"],
            actor_id=fields["actor"],
            clinic_id=fields["clinic"],
            action=action,
            record_type=fields["record_type"],
            record_id=record_id,
            patient_id=patient_id,
            ip=fields["ip"],
            detail=fields["detail"],
            prev_hash=fields["prev_hash"],
            hash=chain.digest(fields),
        )


def record_list_read(
    actor: User, action: str, patient_ids: Iterable[int], *, ip: str | None = None, **detail: Any
) -> AuditEvent:
    """A page or endpoint showed several patients: the event names them (in the order
    shown, without repeats, at most MAX_LISTED_IDS)."""
    ids = list(dict.fromkeys(patient_ids))
    return record_event(
        actor,
        action,
        None,
        record_type="list",
        ip=ip,
        detail={"patient_ids": ids[:MAX_LISTED_IDS], "count": len(ids), **detail},
    )


def _clean_ip(ip: str | None) -> str | None:
    if ip and ":" in ip:
        try:
            return clean_ipv6_address(ip)
        except Exception:  # not an address at all: keep what was given, as the column will
            return ip
    return ip


def record_refusal(user: User, request: Any, status: int, message: str) -> AuditEvent:
    """A signed-in user was refused a record (403) or told it does not exist (404)."""
    return record_event(
        user,
        "acuplan.access.refused",
        None,
        record_type="request",
        ip=request.META.get("REMOTE_ADDR") or None,
        detail={
            "status": status,
            "method": request.method,
            "path": request.path[:300],
            "reason": message[:300],
        },
    )
