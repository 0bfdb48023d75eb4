"""Pages of the contact centre. The call card's ``<call_id>`` is the PBX chain id, so the PBX
can open the card of the operator's call; it never matches the section names below, nor the
IVR's pages (``staff/calls/ivr/``, included after this list)."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from abonent.calls import pages, views

app_name = "calls"
RESERVED = ("callbacks", "requests", "supervisor", "ivr")
_NOT_RESERVED = "|".join(RESERVED)
CALL_ID = rf"(?!(?:{_NOT_RESERVED})/)(?P<call_id>[^/]{{1,64}})"

urlpatterns: list[URLPattern] = [
    path("staff/calls/", views.call_log, name="log"),
    path("staff/calls/<int:pk>/recording", views.listen, name="recording"),
    path("staff/calls/callbacks/", pages.callbacks, name="callbacks"),
    path("staff/calls/callbacks/<int:pk>/done/", pages.callback_done, name="callback-done"),
    path(
        "staff/calls/callbacks/<int:pk>/reassign/",
        pages.callback_reassign,
        name="callback-reassign",
    ),
    path("staff/calls/requests/", pages.unit_requests, name="requests"),
    path("staff/calls/requests/<int:pk>/done/", pages.unit_request_done, name="request-done"),
    path("staff/calls/supervisor/", pages.supervisor, name="supervisor"),
    re_path(rf"^staff/calls/{CALL_ID}/$", pages.card, name="card"),
    re_path(rf"^staff/calls/{CALL_ID}/outcome/$", pages.record_outcome, name="outcome"),
]
