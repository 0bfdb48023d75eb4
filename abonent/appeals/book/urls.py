"""Pages: The complaint and suggestion book (B-1..B-8)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "book"

urlpatterns: list[URLPattern] = []
