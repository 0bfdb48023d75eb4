"""Pages of the electronic queue."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "equeue"

urlpatterns: list[URLPattern] = []
