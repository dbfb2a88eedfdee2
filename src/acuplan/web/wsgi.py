"""WSGI entry point (gunicorn acuplan.web.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acuplan.web.settings")
application = get_wsgi_application()
