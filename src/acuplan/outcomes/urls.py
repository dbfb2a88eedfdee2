"""Pages of the outcomes app. Every pattern is listed in tests/outcomes/test_pages.py, which
fails when a page has no access expectations."""

from django.urls import URLPattern, path

from acuplan.outcomes import views

app_name = "outcomes"
urlpatterns: list[URLPattern] = [
    path("patients/<int:pk>/outcomes/", views.outcomes_chart, name="chart"),
    path("patients/<int:pk>/outcomes/new/", views.outcome_new, name="new"),
    path("patients/<int:pk>/outcomes/from-intake/", views.from_intake, name="from_intake"),
    path("patients/<int:pk>/outcomes/review/", views.review_new, name="review_new"),
    path("patients/<int:pk>/outcomes/link/", views.link_send, name="link_send"),
    path("patients/<int:pk>/outcomes/baseline/", views.baseline_set, name="baseline_set"),
    path("patients/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("patients/<int:pk>/calendar.ics", views.calendar_ics, name="calendar"),
    path("outcomes/reviews/<int:pk>/", views.review_detail, name="review"),
    path("outcomes/responses/<int:pk>/flags-seen/", views.flags_seen, name="flags_seen"),
    path("q/<str:token>/", views.questionnaire, name="questionnaire"),
    path("clinic/safety/", views.safety, name="safety"),
    path("clinic/outcomes/", views.clinic_outcomes, name="clinic"),
]
