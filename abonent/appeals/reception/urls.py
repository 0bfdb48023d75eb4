"""Pages: Personal reception with management (K-7, W-7)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "reception"

urlpatterns: list[URLPattern] = []
