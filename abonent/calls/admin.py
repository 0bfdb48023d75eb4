"""Administration of the contact centre: operator lines (PBX login/extension → staff
member) and a read-only view of calls and their events."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from abonent.calls.models import Call, Callback, CallEvent, CallOutcome, OperatorLine, UnitRequest
from abonent.calls.services import add_operator_line


@admin.register(OperatorLine)
class OperatorLineAdmin(admin.ModelAdmin[OperatorLine]):
    list_display = ["login", "user"]
    search_fields = ["login", "user__username", "user__last_name"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A line is added (matching the calls already logged under it) or deleted, not moved.
        return ["login", "user"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: OperatorLine, form: Any, change: bool) -> None:
        if change:
            return
        saved = add_operator_line(login=obj.login, user=obj.user, actor=request.user)
        obj.pk = saved.pk


class CallEventInline(admin.TabularInline[CallEvent, Call]):
    model = CallEvent
    fields = ("event", "at", "source", "received_at", "payload")
    readonly_fields = ("event", "at", "source", "received_at", "payload")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(admin.ModelAdmin[Call]):
    list_display = ["call_id", "at", "direction", "phone", "operator_login", "status", "duration"]
    list_filter = ["status", "direction", "retained_for_appeal"]
    search_fields = ["call_id", "phone", "operator_login"]
    date_hierarchy = "at"
    inlines = [CallEventInline]
    exclude = ["appeals"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Call._meta.concrete_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ReadOnly:
    """Outcomes and their tasks change only through the services (audited)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CallOutcome)
class CallOutcomeAdmin(_ReadOnly, admin.ModelAdmin[CallOutcome]):
    list_display = ["call", "kind", "topic", "recorded_at", "recorded_by"]
    list_filter = ["kind", "topic"]
    search_fields = ["call__call_id", "call__phone"]
    raw_id_fields = ["call", "appeal"]


@admin.register(Callback)
class CallbackAdmin(_ReadOnly, admin.ModelAdmin[Callback]):
    list_display = ["outcome", "due_at", "assignee", "status", "done_at"]
    list_filter = ["status"]


@admin.register(UnitRequest)
class UnitRequestAdmin(_ReadOnly, admin.ModelAdmin[UnitRequest]):
    list_display = ["outcome", "department", "status", "created_at", "done_at"]
    list_filter = ["status", "department"]
