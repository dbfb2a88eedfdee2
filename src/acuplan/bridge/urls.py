"""The bridge's pages. Every pattern is listed in tests/bridge/test_pages_access.py."""

from django.urls import URLPattern, path

from acuplan.bridge import views

app_name = "bridge"
urlpatterns: list[URLPattern] = [
    path("plans/<int:pk>/letter/", views.referral_letter, name="referral_letter"),
    path("plans/<int:pk>/letter/send/", views.referral_letter_send, name="referral_letter_send"),
    path("patients/<int:pk>/physician-summary/", views.physician_summary, name="physician_summary"),
    path("referrals/<int:pk>/accept/", views.referral_accept, name="referral_accept"),
    path("cds/plan/", views.cds_plan, name="cds_plan"),
]
