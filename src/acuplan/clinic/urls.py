"""Server-rendered pages. Every pattern here is listed in tests/web/test_pages_access.py,
which fails when a page has no access expectations."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from acuplan.accounts.views import LoginView
from acuplan.clinic import views

urlpatterns: list[URLPattern] = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.dashboard, name="dashboard"),
    path("dashboard/due/", views.dashboard_list, {"which": "due"}, name="dashboard_due"),
    path(
        "dashboard/awaiting/",
        views.dashboard_list,
        {"which": "awaiting"},
        name="dashboard_awaiting",
    ),
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_new, name="patient_new"),
    path("patients/<int:pk>/", views.patient_chart, name="patient_chart"),
    path("patients/<int:pk>/details/", views.patient_details, name="patient_details"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<int:pk>/intakes/new/", views.intake_new, name="intake_new"),
    path("patients/<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("intakes/<int:pk>/", views.intake_detail, name="intake_detail"),
    path("plans/<int:pk>/", views.plan_review, name="plan_review"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/override/", views.plan_override, name="plan_override"),
    path("plans/<int:pk>/handout/", views.plan_handout, name="plan_handout"),
    path("plans/<int:pk>/referral-made/", views.plan_referral_made, name="plan_referral_made"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
]
