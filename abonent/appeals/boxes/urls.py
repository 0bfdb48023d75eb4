"""Pages: service-centre boxes and the Chancellery's daily collection (K-6)."""

from __future__ import annotations

from django.urls import URLPattern, path

from abonent.appeals.boxes import views

app_name = "boxes"

urlpatterns: list[URLPattern] = [
    path("staff/boxes/", views.box, name="box"),
    path("staff/boxes/check/", views.check, name="check"),
    path("staff/boxes/items/<int:pk>/slip/", views.slip, name="slip"),
    path("staff/boxes/collect/", views.collect, name="collect"),
    path("staff/boxes/collections/<int:pk>/", views.collection, name="collection"),
    path("staff/boxes/collections/<int:pk>/act.pdf", views.act, name="act"),
]
