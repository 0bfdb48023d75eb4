from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from abonent.core.models import (
    ApiToken,
    AuditEntry,
    Department,
    Office,
    Schedule,
    ScheduleException,
    Service,
    StaffProfile,
    Window,
)

admin.site.site_header = "Abonent"
admin.site.site_title = "Abonent"


class WindowInline(admin.TabularInline[Window, Office]):
    model = Window
    extra = 0
    fields = ["number", "label", "is_active"]


class ServiceInline(admin.TabularInline[Service, Office]):
    model = Service
    extra = 0
    fields = ["code", "letter", "name_ru", "name_kk", "department", "ordering", "is_active"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    list_display = ["code", "name_ru", "kind", "segment", "address_ru", "phone", "is_active"]
    list_filter = ["kind", "segment", "is_active"]
    search_fields = ["code", "name_ru", "name_kk", "address_ru"]
    inlines = [ServiceInline, WindowInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["code", "name_ru", "head", "phone"]
    search_fields = ["code", "name_ru", "name_kk"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    list_display = ["office", "code", "letter", "name_ru", "department", "is_active"]
    list_filter = ["office", "is_active"]


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin[Window]):
    list_display = ["office", "number", "label", "is_active"]
    list_filter = ["office"]
    filter_horizontal = ["services"]


class ScheduleExceptionInline(admin.TabularInline[ScheduleException, Schedule]):
    model = ScheduleException
    extra = 0


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin[Schedule]):
    list_display = ["__str__", "rules", "open_on_non_working_days"]
    inlines = [ScheduleExceptionInline]


class StaffProfileInline(admin.StackedInline[StaffProfile, Any]):
    model = StaffProfile
    can_delete = False


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):  # type: ignore[type-arg]
    inlines = [StaffProfileInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are issued with `manage.py issue_token` so the secret is shown once


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["at", "actor_label", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label", "action"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
