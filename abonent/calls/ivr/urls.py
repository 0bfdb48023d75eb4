"""Pages: Voice menu (IVR)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "ivr"

urlpatterns: list[URLPattern] = []
