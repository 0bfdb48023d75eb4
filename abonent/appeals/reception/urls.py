"""Pages: Personal reception with management (K-7, W-7)."""

from __future__ import annotations

from django.urls import URLPattern, path

from abonent.appeals.reception import views

app_name = "reception"

urlpatterns: list[URLPattern] = [
    path("reception/", views.schedule, name="schedule"),
    path("staff/reception/", views.board, name="board"),
    path("staff/reception/slots/<int:pk>/book/", views.book, name="book"),
    path("staff/reception/bookings/<int:pk>/", views.booking, name="booking"),
    path("staff/reception/bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("staff/reception/bookings/<int:pk>/outcome/", views.outcome, name="outcome"),
]
