"""Refusals of the contact centre name what is wrong in words, not codes (review 2 item 9):
the message of a bad phone filter, a bad cursor and a too long note is a sentence for the
operator, and the field errors repeat it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from abonent.calls import services
from abonent.calls.models import Callback
from abonent.core.errors import InvalidInput

Bearer = Callable[[str], dict[str, str]]


@pytest.mark.django_db
def test_a_bad_phone_filter_and_cursor_have_messages(
    client: Client, calls_demo: None, bearer: Bearer
) -> None:
    en = {"HTTP_ACCEPT_LANGUAGE": "en", **bearer("cc_operator")}
    phone = client.get("/api/v1/calls?phone=abc", **en).json()
    assert (phone["code"], phone["message"]) == ("invalid_phone", "Not a phone number.")
    assert phone["fields"] == {"phone": ["Not a phone number."]}
    cursor = client.get("/api/v1/calls?cursor=zzz", **en).json()
    assert (cursor["code"], cursor["message"]) == ("invalid_cursor", "Bad cursor.")


@pytest.mark.django_db
def test_a_too_long_note_has_a_message(answered: str, post_outcome: Callable[..., Any]) -> None:
    made = post_outcome(
        answered,
        {"outcome": "callback", "topic": "charges", "callback_at": "2026-03-17T15:00:00+05:00"},
    )
    callback = Callback.objects.get(pk=made.json()["callback"]["id"])
    operator = get_user_model().objects.get(username="cc_operator")
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        services.complete_callback(callback=callback, note="x" * 5001, actor=operator)
    assert refused.value.code == "too_long"
    assert refused.value.fields == {"note": ["At most 5000 characters."]}
    callback.refresh_from_db()
    assert (callback.status, callback.note) == ("open", "")
