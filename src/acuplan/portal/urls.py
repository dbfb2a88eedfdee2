"""The patient portal and the public self-check. Every pattern is in
tests/portal/test_portal_access.py's table."""

from django.urls import URLPattern, path

from acuplan.portal import views

app_name = "portal"
urlpatterns: list[URLPattern] = [
    path("my/sign-in/", views.sign_in, name="sign_in"),
]
