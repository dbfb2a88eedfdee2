"""Pages of the clinic calendar (every pattern is in tests/booking/test_pages.py's table)."""

from django.urls import URLPattern, path

from acuplan.booking import views

app_name = "booking"
urlpatterns: list[URLPattern] = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/book/", views.book, name="book"),
    path("appointments/<int:pk>/", views.appointment, name="appointment"),
    path("appointments/<int:pk>/move/", views.appointment_move, name="move"),
    path("appointments/<int:pk>/cancel/", views.appointment_cancel, name="cancel"),
]
