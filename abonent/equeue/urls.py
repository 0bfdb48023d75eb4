"""Pages of the electronic queue."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from abonent.equeue.views import board, kiosk, staff, stats

app_name = "equeue"

urlpatterns: list[URLPattern | URLResolver] = [
    *kiosk.urlpatterns,
    *staff.urlpatterns,
    *board.urlpatterns,
    *stats.urlpatterns,
]
