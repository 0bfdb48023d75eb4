from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from abonent.core import audit
from abonent.workdays.models import CalendarOverride

FIELDS = ["day", "working", "basis"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    """Staff add a decreed transfer without a deploy; every change is in the audit log."""

    list_display = ["day", "working", "basis", "created_by", "created_at"]
    list_filter = ["working"]
    date_hierarchy = "day"
    readonly_fields = ["created_by", "created_at"]
    actions = None  # no bulk delete: each removal is audited on its own

    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool
    ) -> None:
        before = None
        if change:
            before = audit.snapshot(CalendarOverride.objects.get(pk=obj.pk), FIELDS)
        else:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="calendar_override.changed" if change else "calendar_override.added",
            obj=obj,
            before=before,
            after=audit.snapshot(obj, FIELDS),
        )

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        audit.record(
            actor=request.user,
            action="calendar_override.deleted",
            obj=obj,
            before=audit.snapshot(obj, FIELDS),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
