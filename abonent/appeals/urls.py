"""Pages of the appeals registry: public feedback and status, the staff registry."""

from __future__ import annotations

from django.urls import path

from abonent.appeals import views

app_name = "appeals"

urlpatterns = [
    path("feedback/", views.feedback, name="feedback"),
    path("feedback/sent/", views.feedback_done, name="feedback-done"),
    path("appeal-status/", views.appeal_status, name="status"),
    path("staff/appeals/", views.journal, name="journal"),
    path("staff/appeals/control/", views.control, name="control"),
    path("staff/appeals/new/", views.new, name="new"),
    path("staff/appeals/<int:pk>/", views.detail, name="detail"),
    path(
        "staff/appeals/<int:pk>/attachments/<int:att_id>/",
        views.attachment,
        name="attachment",
    ),
    path("staff/appeals/<int:pk>/decision/", views.decide, name="decide"),
    path("staff/appeals/<int:pk>/assign/", views.assign, name="assign"),
    path(
        "staff/appeals/<int:pk>/needs-external-info/",
        views.needs_external_info,
        name="needs-external-info",
    ),
    path("staff/appeals/<int:pk>/extend/", views.extend, name="extend"),
    path(
        "staff/appeals/<int:pk>/extension-notice-sent/",
        views.extension_notice_sent,
        name="extension-notice-sent",
    ),
    path("staff/appeals/<int:pk>/answer/", views.answer, name="answer"),
]
