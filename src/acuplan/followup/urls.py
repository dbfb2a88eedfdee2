"""Pages of the followup app (every pattern is in an access table of the tests)."""

from django.urls import URLPattern

app_name = "followup"
urlpatterns: list[URLPattern] = []
