"""``Idempotency-Key``: a client that retries a POST (a timeout, a double tap) records once.

The first request with a key runs and remembers what it created; a later request from the
same user with the same key gets that record back instead of making another. The same key
with a different body is a Conflict (409). Two requests with one key at the same moment
are serialised by the unique (user, key) row: the second waits for the first, then replays
it. Keys are kept for ``KEY_LIFETIME``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from acuplan.core.errors import Conflict, FieldError, InvalidInput

if TYPE_CHECKING:
    from acuplan.accounts.models import User

KEY_LIFETIME = dt.timedelta(hours=24)
MAX_KEY_CHARS = 100
M = TypeVar("M", bound=models.Model)


class IdempotentRequest(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=MAX_KEY_CHARS)
    operation = models.CharField(max_length=100)
    body_hash = models.CharField(max_length=64)
    record_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_user_key")
        ]


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_CHARS or not key.isprintable():
        raise InvalidInput(
            [FieldError("Idempotency-Key", f"1 to {MAX_KEY_CHARS} printable characters")]
        )
    return key


def run_once(
    *,
    user: User,
    key: str,
    operation: str,
    body: bytes,
    create: Callable[[], M],
    fetch: Callable[[int], M],
) -> M:
    """``create()`` the first time (user, key) is seen; ``fetch(id)`` of that record after."""
    key = check_key(key)
    body_hash = hashlib.sha256(body).hexdigest()
    now = timezone.now()
    with transaction.atomic():
        IdempotentRequest.objects.filter(created_at__lt=now - KEY_LIFETIME).delete()
        try:
            with transaction.atomic():
                claim = IdempotentRequest.objects.create(
                    user=user, key=key, operation=operation, body_hash=body_hash, created_at=now
                )
        except IntegrityError:
            claim = None
        if claim is not None:
            record = create()
            IdempotentRequest.objects.filter(pk=claim.pk).update(record_id=record.pk)
            return record
    earlier = IdempotentRequest.objects.filter(user=user, key=key).first()
    if earlier is None:  # the first request failed and left nothing: this one may retry
        raise Conflict("the first request with this Idempotency-Key failed; send it again")
    if earlier.operation != operation or earlier.body_hash != body_hash:
        raise Conflict("this Idempotency-Key was used for a different request")
    if earlier.record_id is None:  # pragma: no cover - committed with its record id
        raise Conflict("the first request with this Idempotency-Key did not finish")
    return fetch(earlier.record_id)
