"""The audit pages. Every pattern is listed in tests/accounts/test_pages.py."""

from django.urls import URLPattern, path

from acuplan.audit import views

urlpatterns: list[URLPattern] = [
    path("clinic/audit/", views.audit_log, name="audit_log"),
    path("clinic/audit/export.csv", views.audit_export, name="audit_export"),
]
