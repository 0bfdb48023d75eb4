"""Pages of the contact centre."""

from __future__ import annotations

from django.urls import URLPattern, path

from abonent.calls import views

app_name = "calls"

urlpatterns: list[URLPattern] = [
    path("staff/calls/", views.call_log, name="log"),
    path("staff/calls/<int:pk>/recording", views.listen, name="recording"),
]
