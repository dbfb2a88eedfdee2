"""API tokens: a user's bearer credentials for the REST API, stored only as sha256 hashes.

``create_token(user, name)`` returns the plain token once; acuplan never stores or shows it
again. ``user_for_token(plain)`` is what the API's bearer authentication calls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from acuplan.accounts.models import User

TOKEN_PREFIX = "acu_"  # noqa: S105 - a public marker, not a secret
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
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"

    def revoke(self) -> None:
        """Revoke for good: the token authenticates nothing from now on."""
        ApiToken.objects.filter(pk=self.pk).update(revoked=True)
        self.revoked = True


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def create_token(user: User, name: str) -> str:
    """Create a token for ``user`` and return the plain token; it is not stored anywhere."""
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name.strip() or "API token", key_hash=hash_token(plain))
    return plain


def user_for_token(plain: str) -> User | None:
    """The active user a live (not revoked) token belongs to, else ``None``."""
    from acuplan.accounts.models import User

    if not plain.startswith(TOKEN_PREFIX):
        return None
    # One raw query: every API request authenticates, and compiling the equivalent ORM
    # query (join, filters, select_related) costs several times what SQLite takes to run
    # it (about 0.8 ms against 0.08 ms), a third of a stateless plan request.
    found = list(User.objects.raw(_USER_BY_KEY_HASH_SQL, [hash_token(plain), False, True]))
    if not found:
        return None
    user = found[0]
    last_used: dt.datetime | None = getattr(user, "token_last_used", None)
    now = timezone.now()
    if last_used is None or now - _aware(last_used) >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=user.token_id).update(last_used=now)  # type: ignore[attr-defined]
    return user


# Table names are Django's defaults for these models (accounts_user, accounts_apitoken);
# booleans compare the same way on SQLite (0/1) and PostgreSQL.
_USER_BY_KEY_HASH_SQL = """
SELECT u.*, t.id AS token_id, t.last_used AS token_last_used
FROM accounts_user u JOIN accounts_apitoken t ON t.user_id = u.id
WHERE t.key_hash = %s AND t.revoked = %s AND u.is_active = %s
"""


def _aware(moment: dt.datetime) -> dt.datetime:
    """Raw queries on SQLite return naive UTC datetimes (the ORM's converters are skipped)."""
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=dt.UTC)
