"""Administration of the reception schedule (W-7): officials and their weekly hours are data
an administrator edits; slots are generated from them (``generate_reception_slots``);
bookings change only through the staff pages and the API, so they are read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import BaseInlineFormSet
from django.http import HttpRequest

from abonent.appeals.reception.models import (
    Booking,
    ReceptionHours,
    ReceptionOfficial,
    ReceptionSlot,
)
from abonent.core import audit

OFFICIAL_FIELDS = [
    "full_name",
    "position_ru",
    "position_kk",
    "department_id",
    "user_id",
    "ordering",
    "is_active",
]
HOURS_FIELDS = [
    "official_id",
    "weekday",
    "starts",
    "ends",
    "slot_minutes",
    "place_ru",
    "place_kk",
    "is_active",
]


class ReceptionHoursInline(admin.TabularInline[ReceptionHours, ReceptionOfficial]):
    model = ReceptionHours
    extra = 0
    fields = ["weekday", "starts", "ends", "slot_minutes", "place_ru", "place_kk", "is_active"]


@admin.register(ReceptionOfficial)
class ReceptionOfficialAdmin(admin.ModelAdmin[ReceptionOfficial]):
    list_display = ["full_name", "position_ru", "department", "ordering", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["full_name", "position_ru", "position_kk"]
    autocomplete_fields = ["user"]
    inlines = [ReceptionHoursInline]
    actions = None  # no bulk delete: each removal is audited on its own

    def save_model(
        self, request: HttpRequest, obj: ReceptionOfficial, form: Any, change: bool
    ) -> None:
        before = None
        if change:
            before = audit.snapshot(ReceptionOfficial.objects.get(pk=obj.pk), OFFICIAL_FIELDS)
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action="reception.official_changed" if change else "reception.official_added",
            obj=obj,
            before=before,
            after=audit.snapshot(obj, OFFICIAL_FIELDS),
        )

    def delete_model(self, request: HttpRequest, obj: ReceptionOfficial) -> None:
        audit.record(
            actor=request.user,
            action="reception.official_deleted",
            obj=obj,
            before=audit.snapshot(obj, OFFICIAL_FIELDS),
        )
        super().delete_model(request, obj)

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        """The published hours: every added, changed or removed line is audited."""
        before: dict[int, dict[str, Any]] = {
            f.instance.pk: audit.snapshot(
                ReceptionHours.objects.get(pk=f.instance.pk), HOURS_FIELDS
            )
            for f in formset.initial_forms
            if f.instance.pk is not None and f.has_changed()
        }
        for f in formset.deleted_forms:
            if f.instance.pk is not None:
                _record_hours(request, "reception.hours_deleted", f.instance, before=True)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            _record_hours(request, "reception.hours_added", obj)
        for obj, _fields in formset.changed_objects:
            _record_hours(request, "reception.hours_changed", obj, previous=before.get(obj.pk))


def _record_hours(
    request: HttpRequest,
    action: str,
    obj: Model,
    *,
    before: bool = False,
    previous: dict[str, Any] | None = None,
) -> None:
    snap = audit.snapshot(obj, HOURS_FIELDS)
    audit.record(
        actor=request.user,
        action=action,
        obj=obj,
        before=snap if before else previous,
        after=None if before else snap,
    )


class ReadOnlyAdmin[M: Any](admin.ModelAdmin[M]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReceptionSlot)
class ReceptionSlotAdmin(ReadOnlyAdmin[ReceptionSlot]):
    list_display = ["starts_at", "ends_at", "official", "place_ru", "is_open"]
    list_filter = ["official", "is_open"]
    date_hierarchy = "starts_at"
    list_select_related = ["official"]


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin[Booking]):
    list_display = ["slot", "appeal", "source", "booked_at", "cancelled_at", "attendance"]
    list_filter = ["source", "attendance"]
    list_select_related = ["slot__official", "appeal"]
    search_fields = ["appeal__incoming_number"]
