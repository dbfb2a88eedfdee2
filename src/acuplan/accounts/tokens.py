"""API tokens: a user's bearer credentials for the REST API, stored only as sha256 hashes.

``issue_token(user, name, days=...)`` returns the plain token once; acuplan never stores or
shows it again. A token expires (90 days unless told otherwise), is revoked by its owner,
an admin command or any change of its user's password, and records when and from which
address it was last used; a use from a new address leaves an audit event.
``user_for_token(plain, ip)`` is what the API's bearer authentication calls (ORM only).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from acuplan.core.errors import FieldError, InvalidInput

if TYPE_CHECKING:
    from acuplan.accounts.models import User

TOKEN_PREFIX = "acu_"  # noqa: S105 - a public marker, not a secret
DEFAULT_DAYS = 90
MAX_DAYS = 366
# last_used is a hint for people reviewing their tokens, not an audit trail (API writes
# and chart reads have their own audit events): updating it at most once a minute keeps a
# busy client from turning every read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)  # sha256 hex of the plain token
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"

    @property
    def state(self) -> str:
        """ "revoked", "expired" or "active"."""
        if self.revoked:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "active"

    def revoke(self) -> None:
        """Revoke for good: the token authenticates nothing from now on."""
        ApiToken.objects.filter(pk=self.pk).update(revoked=True)
        self.revoked = True


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


@transaction.atomic
def issue_token(
    user: User, name: str, *, days: int = DEFAULT_DAYS, via: str = "page", ip: str | None = None
) -> tuple[str, ApiToken]:
    """Make a token for ``user``; returns (plain token, row). The plain token is stored
    nowhere. InvalidInput when ``days`` is not 1..MAX_DAYS or the name is too long."""
    from acuplan.audit.log import record_event

    errors = []
    if not 1 <= days <= MAX_DAYS:
        errors.append(FieldError("days", f"a token lasts 1 to {MAX_DAYS} days"))
    if len(name.strip()) > 100:
        errors.append(FieldError("name", "at most 100 characters"))
    if errors:
        raise InvalidInput(errors)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip() or "API token",
        key_hash=hash_token(plain),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    record_event(
        user if via == "page" else None,
        "acuplan.token.created",
        token,
        ip=ip,
        clinic_id=user.clinic_id,
        detail={"user": user.pk, "days": days, "via": via},
    )
    return plain, token


def create_token(user: User, name: str) -> str:
    """Make a token with the default lifetime and return the plain token."""
    return issue_token(user, name, via="code")[0]


@transaction.atomic
def revoke_token(
    token: ApiToken, *, actor: User | None, via: str = "page", reason: str = "revoked"
) -> None:
    from acuplan.audit.log import record_event

    if token.revoked:
        return
    token.revoke()
    record_event(
        actor,
        "acuplan.token.revoked",
        token,
        clinic_id=token.user.clinic_id,
        detail={"user": token.user_id, "via": via, "reason": reason},
    )


def revoke_all(user: User, *, reason: str) -> int:
    """Revoke every live token of ``user`` (a password change); returns how many."""
    live = list(ApiToken.objects.filter(user=user, revoked=False).select_related("user"))
    for token in live:
        revoke_token(token, actor=user, via="password", reason=reason)
    return len(live)


def user_for_token(plain: str, ip: str | None = None) -> User | None:
    """The active user a live (not revoked, not expired) token belongs to, else ``None``."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    # One indexed query (key_hash is unique): no ORDER BY, which would double its cost.
    rows = list(
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(plain), revoked=False, expires_at__gt=now, user__is_active=True)
        .order_by()[:1]
    )
    if not rows:
        return None
    token = rows[0]
    # The first use sets the address; a later use from another one is worth an event.
    new_address = ip is not None and token.last_used_ip is not None and ip != token.last_used_ip
    if (
        new_address
        or token.last_used_ip != ip
        or token.last_used is None
        or now - token.last_used >= LAST_USED_RESOLUTION
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used=now, last_used_ip=ip)
    if new_address:
        from acuplan.audit.log import record_event

        record_event(
            token.user,
            "acuplan.token.used_from_new_address",
            token,
            ip=ip,
            detail={"previous_ip": token.last_used_ip},
        )
    return token.user
