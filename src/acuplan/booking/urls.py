"""Pages of the booking app (every pattern is in an access table of the tests)."""

from django.urls import URLPattern

app_name = "booking"
urlpatterns: list[URLPattern] = []
