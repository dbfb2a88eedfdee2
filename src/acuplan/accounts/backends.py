"""Django's model backend, loading the user's clinic with the user: every page reads the
clinic's time zone (``middleware.ClinicTimeZoneMiddleware``), and this costs a join, not a
query per request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from acuplan.accounts.models import User


class ClinicModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.select_related("clinic").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
