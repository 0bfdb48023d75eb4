"""Pages: Public website (W-7). The home page and the contacts page are named ``home`` and
``offices`` in abonent/urls.py; every other section lives here at a stable URL."""

from __future__ import annotations

from django.urls import URLPattern, path

from abonent.portal import views
from abonent.portal.sections import PAGE_SECTIONS

app_name = "portal"

urlpatterns: list[URLPattern] = [
    *[
        path(f"{s.value}/", views.section, {"section": s.value}, name=s.value)
        for s in PAGE_SECTIONS
    ],
    path("contacts/", views.contacts_redirect, name="contacts"),
    path("offices/<slug:code>/queue/", views.office_queue, name="office-queue"),
    path("faq/", views.faq, name="faq"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.document_file, name="document-file"),
    path("documents/<int:pk>/<str:lang>/", views.document_file, name="document-file-lang"),
    path("pages/<slug:slug>/", views.page, name="page"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
]
