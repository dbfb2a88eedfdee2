"""The patient portal and the public self-check. Every pattern is in
tests/portal/test_portal_access.py's table."""

from django.urls import URLPattern, path

from acuplan.portal import views

app_name = "portal"
urlpatterns: list[URLPattern] = [
    path("my/sign-in/", views.sign_in, name="sign_in"),
    path("my/s/<str:token>/", views.enter, name="enter"),
    path("my/sign-out/", views.sign_out, name="sign_out"),
    path("my/", views.home, name="home"),
    path("my/handout/", views.handout, name="handout"),
    path("my/visits/<int:pk>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("my/visits/<int:pk>/move/", views.visit_move, name="visit_move"),
    path("my/questionnaires/<int:pk>/", views.questionnaire, name="questionnaire"),
    path("my/record.json", views.record, name="record"),
    path("check/", views.self_check, name="self_check"),
    path("check/consultation/", views.consultation, name="consultation"),
]
