from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from abonent.workdays.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ["day", "working", "basis", "created_by", "created_at"]
    list_filter = ["working"]
    date_hierarchy = "day"
    readonly_fields = ["created_by", "created_at"]

    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool
    ) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
