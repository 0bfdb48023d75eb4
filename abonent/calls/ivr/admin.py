"""The voice menu in the admin: staff edit nodes (with their keys) and phrases; sessions and
their steps are read-only (the log of what callers did)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from abonent.calls.ivr.models import IvrKey, IvrNode, IvrPrompt, IvrSession, IvrStep


class IvrKeyInline(admin.TabularInline[IvrKey, IvrNode]):
    model = IvrKey
    fk_name = "node"
    fields = ("key", "target", "language")
    extra = 1


@admin.register(IvrNode)
class IvrNodeAdmin(admin.ModelAdmin[IvrNode]):
    list_display = ["code", "kind", "title", "info_source", "next", "transfer_to"]
    list_filter = ["kind"]
    search_fields = ["code", "title", "prompt_ru", "prompt_kk"]
    inlines = [IvrKeyInline]
    fieldsets = [
        (None, {"fields": ["code", "kind", "title"]}),
        (None, {"fields": ["prompt_ru", "prompt_kk"]}),
        (None, {"fields": ["info_source", "next", "closed_notice"]}),
        (None, {"fields": ["min_digits", "max_digits", "transfer_to"]}),
    ]


@admin.register(IvrPrompt)
class IvrPromptAdmin(admin.ModelAdmin[IvrPrompt]):
    list_display = ["code", "text_ru", "text_kk"]
    search_fields = ["code", "text_ru", "text_kk"]


class IvrStepInline(admin.TabularInline[IvrStep, IvrSession]):
    model = IvrStep
    fields = ("seq", "at", "node_code", "input", "result", "action", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IvrSession)
class IvrSessionAdmin(admin.ModelAdmin[IvrSession]):
    list_display = ["session_id", "started_at", "language", "outcome", "transfer_to"]
    list_filter = ["outcome", "language"]
    search_fields = ["session_id"]
    date_hierarchy = "started_at"
    inlines = [IvrStepInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
