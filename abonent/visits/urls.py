"""Pages: Home visits."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "visits"

urlpatterns: list[URLPattern] = []
