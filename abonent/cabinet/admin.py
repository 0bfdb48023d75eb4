"""The cabinet's data in the admin: for looking up, not for editing billing data (billing is
its source; readings change only through services.submit_reading). Secrets are never shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from abonent.cabinet.models import (
    Account,
    Bill,
    CabinetLogin,
    Consumer,
    ImportRun,
    Meter,
    Payment,
    Reading,
)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Consumer)
class ConsumerAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "segment", "tax_id"]
    list_filter = ["kind", "segment"]
    search_fields = ["code", "name", "tax_id"]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["number", "consumer", "address", "balance", "balance_on", "is_active"]
    list_select_related = ["consumer"]
    search_fields = ["number", "consumer__name"]


@admin.register(Meter)
class MeterAdmin(ReadOnlyAdmin):
    list_display = ["serial", "account", "kind", "digits", "decimals", "verification_due"]
    list_select_related = ["account"]
    list_filter = ["kind", "is_active"]
    search_fields = ["serial", "account__number"]


@admin.register(Reading)
class ReadingAdmin(ReadOnlyAdmin):
    list_display = ["meter", "period", "value", "consumption", "status", "source", "submitted_at"]
    list_select_related = ["meter"]
    list_filter = ["status", "source", "period"]
    search_fields = ["meter__serial", "meter__account__number"]


@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = ["account", "period", "number", "amount_net", "vat_amount", "amount_total"]
    list_select_related = ["account"]
    search_fields = ["account__number", "number"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "account", "paid_on", "amount", "bank"]
    list_select_related = ["account"]
    search_fields = ["reference", "account__number"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "started_at", "finished_at", "rows", "accepted", "rejected"]


@admin.register(CabinetLogin)
class CabinetLoginAdmin(ReadOnlyAdmin):
    list_display = ["login", "consumer", "name", "secret_issued_at", "last_sign_in_at", "is_active"]
    list_select_related = ["consumer"]
    exclude = ["secret_hash"]
    search_fields = ["login", "consumer__name"]
