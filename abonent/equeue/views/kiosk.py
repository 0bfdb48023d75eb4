"""Pages of the electronic queue: kiosk."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
