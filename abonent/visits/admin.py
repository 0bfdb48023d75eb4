from __future__ import annotations

from django.contrib import admin

from abonent.visits.models import EmployeeCard, VerifyLookup, VisitNotice


@admin.register(EmployeeCard)
class EmployeeCardAdmin(admin.ModelAdmin[EmployeeCard]):
    """Photos shown on the public verify page (V-3)."""

    list_display = ["user", "updated_at"]
    search_fields = ["user__username", "user__last_name"]
    raw_id_fields = ["user"]


@admin.register(VisitNotice)
class VisitNoticeAdmin(admin.ModelAdmin[VisitNotice]):
    list_display = ["visit", "kind", "channel", "status", "due_at", "attempts", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    readonly_fields = [f.name for f in VisitNotice._meta.fields]


@admin.register(VerifyLookup)
class VerifyLookupAdmin(admin.ModelAdmin[VerifyLookup]):
    list_display = ["at", "channel", "method", "result", "visit", "employee"]
    list_filter = ["result", "method", "channel"]
    readonly_fields = [f.name for f in VerifyLookup._meta.fields]
