"""Start Django for command-line use (demo, serve) and bring the database up to date."""

from __future__ import annotations

import os


def setup_django(*, migrate: bool = True) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acuplan.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
