"""Pages: Service-centre boxes and the Chancellery's daily collection (K-6)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "boxes"

urlpatterns: list[URLPattern] = []
