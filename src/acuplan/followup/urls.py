"""Between-visits pages (every pattern is in tests/followup/test_pages.py's table)."""

from django.urls import URLPattern, path

from acuplan.followup import views

app_name = "followup"
urlpatterns: list[URLPattern] = [
    path("clinic/between-visits/", views.clinic_between_visits, name="clinic"),
    path("patients/<int:pk>/discharge/", views.discharge, name="discharge"),
    path("boosters/<int:pk>/settle/", views.booster_settle, name="booster_settle"),
]
