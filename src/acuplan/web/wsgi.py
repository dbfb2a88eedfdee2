"""WSGI entry point (gunicorn acuplan.web.wsgi). Each worker imports this module when it
starts: the plotting library is loaded then, so no request pays for the import."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acuplan.web.settings")
application = get_wsgi_application()

from acuplan.outcomes.plot import preload  # noqa: E402 (after Django is set up)

preload()
