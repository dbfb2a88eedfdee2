"""The REST API (django-ninja): one router per app, one JSON error shape."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="acuplan API", version="1", urls_namespace="api")
