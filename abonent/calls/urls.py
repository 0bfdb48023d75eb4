"""Pages of the contact centre."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "calls"

urlpatterns: list[URLPattern] = []
