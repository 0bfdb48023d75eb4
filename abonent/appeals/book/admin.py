"""Administration of the books: where each is kept and who answers for it (B-1). Entries
are read-only here: they change only through the book's services (audited)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from abonent.appeals.book.models import BookEntry, ComplaintBook


@admin.register(ComplaintBook)
class ComplaintBookAdmin(admin.ModelAdmin[ComplaintBook]):
    list_display = ["office", "location_ru", "responsible"]
    list_select_related = ["office", "responsible"]
    autocomplete_fields = ["responsible"]


@admin.register(BookEntry)
class BookEntryAdmin(admin.ModelAdmin[BookEntry]):
    list_display = ["book", "year", "number", "source", "written_at", "result", "result_date"]
    list_filter = ["book", "year", "result", "source"]
    list_select_related = ["book__office"]
    readonly_fields = [f.name for f in BookEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
