"""The queue in the Django admin: the information stand's texts are edited here (Q-1);
tickets and disputes are only looked at — they change through the queue's pages and API,
which keep the audit log and the board in step."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from abonent.equeue.models import Dispute, InfoTopic, KioskIssue, Ticket, TicketEvent


class ReadOnlyAdmin[M: Model](admin.ModelAdmin[M]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TicketEventInline(admin.TabularInline[TicketEvent, Ticket]):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "window", "actor", "from_service", "to_service", "to_window", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin[Ticket]):
    list_display = [
        "number",
        "office",
        "service",
        "day",
        "status",
        "priority",
        "window",
        "issued_at",
    ]
    list_filter = ["office", "status", "priority", "day"]
    search_fields = ["number"]
    date_hierarchy = "issued_at"
    list_select_related = ["office", "service", "window__office"]
    inlines = [TicketEventInline]


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin[Dispute]):
    list_display = ["ticket", "opened_by", "opened_at", "decision", "resolved_by", "resolved_at"]
    list_filter = ["decision", "ticket__office"]
    search_fields = ["ticket__number", "reason"]
    list_select_related = ["ticket", "opened_by", "resolved_by"]


@admin.register(KioskIssue)
class KioskIssueAdmin(ReadOnlyAdmin[KioskIssue]):
    list_display = ["ticket", "created_at"]
    list_select_related = ["ticket"]


@admin.register(InfoTopic)
class InfoTopicAdmin(admin.ModelAdmin[InfoTopic]):
    """The texts of the information stand, in Russian and Kazakh (Q-1). A topic without an
    office is shown at every office."""

    list_display = ["title_ru", "kind", "office", "position", "is_published"]
    list_editable = ["position", "is_published"]
    list_filter = ["kind", "is_published", "office"]
    search_fields = ["title_ru", "title_kk", "body_ru", "body_kk"]
    list_select_related = ["office"]
    fields = [
        "office",
        "kind",
        "position",
        "is_published",
        "title_ru",
        "body_ru",
        "title_kk",
        "body_kk",
    ]
