"""Pages: The complaint and suggestion book (B-1..B-8)."""

from __future__ import annotations

from django.urls import URLPattern, path

from abonent.appeals.book import views

app_name = "book"

urlpatterns: list[URLPattern] = [
    path("book/<slug:office>/", views.kiosk, name="kiosk"),
    path("book/<slug:office>/sent/", views.sent, name="sent"),
    path("book/<slug:office>/results/", views.results, name="results"),
    path("staff/book/", views.books, name="books"),
    path("staff/book/entries/<int:pk>/", views.entry, name="entry"),
    path("staff/book/entries/<int:pk>/result/", views.record, name="record"),
    path("staff/book/entries/<int:pk>/scans/", views.scan, name="scan"),
    path("staff/book/entries/<int:pk>/files/<int:file_id>/", views.entry_file, name="entry-file"),
    path("staff/book/<slug:office>/", views.entries, name="entries"),
    path("staff/book/<slug:office>/new/", views.new_entry, name="new"),
    path("staff/book/<slug:office>/book.pdf", views.book_pdf, name="pdf"),
]
