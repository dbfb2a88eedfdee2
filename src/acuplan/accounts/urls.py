"""Account pages. Every pattern is listed in tests/accounts/test_pages.py."""

from django.urls import URLPattern, path

from acuplan.accounts import views

urlpatterns: list[URLPattern] = [
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "account/password/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("account/tokens/", views.api_tokens, name="api_tokens"),
    path("account/two-factor/", views.two_factor_page, name="two_factor"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("clinic/security/", views.clinic_security, name="clinic_security"),
]
