"""Pages of the personal cabinet."""

from __future__ import annotations

from django.urls import URLPattern, path

from abonent.cabinet import views

app_name = "cabinet"

urlpatterns: list[URLPattern] = [
    path("cabinet/", views.home, name="home"),
    path("cabinet/sign-in/", views.sign_in, name="sign-in"),
    path("cabinet/sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("cabinet/sign-out/", views.sign_out, name="sign-out"),
    path("cabinet/secret/", views.change_secret, name="change-secret"),
    path("cabinet/readings/", views.submit_reading, name="submit-reading"),
]
