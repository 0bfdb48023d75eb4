"""Pages of the personal cabinet."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "cabinet"

urlpatterns: list[URLPattern] = []
