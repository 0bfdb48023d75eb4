from __future__ import annotations

from django.contrib import admin

from abonent.notify.models import OutgoingMessage


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin[OutgoingMessage]):
    list_display = ["created_at", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutgoingMessage._meta.fields]
