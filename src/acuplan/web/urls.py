"""URL map: pages (clinic app), the REST API, FHIR and CDS Hooks (bridge) and a health check."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from acuplan.api import api
from acuplan.bridge.api import bridge_api


def healthz(request: HttpRequest) -> JsonResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
    path("", bridge_api.urls),
    path("", include("acuplan.bridge.urls")),
    path("", include("acuplan.accounts.urls")),
    path("", include("acuplan.audit.urls")),
    path("", include("acuplan.clinic.urls")),
    path("", include("acuplan.outcomes.urls")),
    path("", include("acuplan.followup.urls")),
    path("", include("acuplan.booking.urls")),
    path("", include("acuplan.portal.urls")),
    path("", include("acuplan.billing.urls")),
]
