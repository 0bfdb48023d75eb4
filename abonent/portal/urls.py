"""Pages: Public website."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "portal"

urlpatterns: list[URLPattern] = []
