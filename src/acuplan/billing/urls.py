"""Pages of the billing app. Every pattern is listed in tests/billing/test_pages.py, which
fails when a page has no access expectations."""

from django.urls import URLPattern, path

from acuplan.billing import views

app_name = "billing"
urlpatterns: list[URLPattern] = [
    path("patients/<int:pk>/account/", views.account, name="account"),
    path("patients/<int:pk>/account/payment/", views.payment_new, name="payment_new"),
    path("patients/<int:pk>/account/package/", views.package_new, name="package_new"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment_reverse"),
    path("packages/<int:pk>/void/", views.package_void, name="package_void"),
    path("sessions/<int:pk>/superbill/", views.session_superbill_page, name="session_superbill"),
    path("patients/<int:pk>/superbill/", views.period_superbill_page, name="period_superbill"),
    path("billing/claims.csv", views.claims_csv, name="claims_csv"),
    path("billing/settings/", views.settings, name="settings"),
    path("credentials/", views.credentials, name="credentials"),
    path("clinics/<slug:slug>/practitioners/", views.directory, name="directory"),
]
