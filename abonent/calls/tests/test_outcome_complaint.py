"""CC-8: a complaint or claim taken by phone is registered in the registry (channel
``phone``) with the caller's number, the date of the call, the contact details and the text;
the call is linked to the appeal (its recording is kept while the appeal is open); the
answer carries the incoming number for the operator to read to the caller."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.appeals.models import Appeal
from abonent.calls.models import Call, CallOutcome
from abonent.calls.recordings import purge_recordings
from abonent.calls.tests.conftest import ASTANA, audit_actions

Post = Callable[..., Any]
COMPLAINT = {
    "outcome": "complaint",
    "topic": "charges",
    "answer": "Жалоба принята, ответ в срок 15 рабочих дней.",
    "complaint": {
        "kind": "claim",
        "last_name": "Сейткали",
        "first_name": "Айжан",
        "postal_address": "г. Астана, ул. Примерная, 5, кв. 12",
        "email": "AIZHAN@example.kz",
        "text": "Начислили за горячую воду по нормативу, хотя показания переданы вовремя.",
    },
}


def test_a_complaint_is_registered_linked_and_numbered(answered: str, post_outcome: Post) -> None:
    r = post_outcome(answered, COMPLAINT)
    assert r.status_code == 201
    appeal = Appeal.objects.get()
    assert r.json()["appeal"] == {
        "id": appeal.pk,
        "incoming_number": appeal.incoming_number,
        "registered_on": "2026-03-17",
        "due_date": appeal.due_date.isoformat(),
    }
    assert appeal.incoming_number == "2026-000001"
    assert (appeal.channel, appeal.kind, appeal.applicant_type) == ("phone", "claim", "individual")
    assert (appeal.last_name, appeal.first_name) == ("Сейткали", "Айжан")
    assert appeal.phone == "+77011234567"  # the caller's number
    assert appeal.email == "aizhan@example.kz"
    assert appeal.postal_address == "г. Астана, ул. Примерная, 5, кв. 12"
    assert appeal.text == COMPLAINT["complaint"]["text"]  # type: ignore[index]
    assert appeal.topic is not None and appeal.topic.number == 4
    # Received when the operator answered the call.
    assert appeal.received_at == datetime(2026, 3, 17, 10, 0, 20, tzinfo=ASTANA)
    assert appeal.registered_by is not None and appeal.registered_by.username == "cc_operator"
    call = Call.objects.get(call_id=answered)
    assert list(call.appeals.all()) == [appeal]
    assert CallOutcome.objects.get().appeal == appeal
    assert audit_actions("appeal.", "call.") == [
        "appeal.registered",
        "call.appeal_linked",
        "call.outcome_recorded",
    ]


def test_a_number_given_by_the_caller_replaces_theirs(answered: str, post_outcome: Post) -> None:
    body = {**COMPLAINT, "complaint": {**COMPLAINT["complaint"], "phone": "8 777 000 11 22"}}  # type: ignore[dict-item]
    assert post_outcome(answered, body).status_code == 201
    assert Appeal.objects.get().phone == "+77770001122"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"last_name": ""}, "complaint.last_name"),
        ({"text": "Плохо."}, "complaint.text"),
        ({"phone": "not a phone"}, "complaint.phone"),
        ({"email": "nope@"}, "complaint.email"),
        ({"kind": "suggestion"}, "complaint.kind"),
        ({"applicant_type": "legal_entity"}, "complaint.org_name"),
    ],
)
def test_an_incomplete_complaint_registers_nothing(
    answered: str, post_outcome: Post, change: dict[str, str], field: str
) -> None:
    body = {**COMPLAINT, "complaint": {**COMPLAINT["complaint"], **change}}  # type: ignore[dict-item]
    r = post_outcome(answered, body)
    assert r.status_code == 422
    assert list(r.json()["fields"]) == [field]
    assert (Appeal.objects.count(), CallOutcome.objects.count()) == (0, 0)
    assert list(Call.objects.get(call_id=answered).appeals.all()) == []
    assert audit_actions("appeal.", "call.") == []


def test_without_the_complaint_block_it_is_422(answered: str, post_outcome: Post) -> None:
    r = post_outcome(answered, {**COMPLAINT, "complaint": None})
    assert r.status_code == 422
    assert list(r.json()["fields"]) == ["complaint"]
    assert Appeal.objects.count() == 0


def test_a_replayed_complaint_registers_one_appeal(answered: str, post_outcome: Post) -> None:
    first, again = post_outcome(answered, COMPLAINT), post_outcome(answered, COMPLAINT)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["appeal"] == first.json()["appeal"]
    assert Appeal.objects.count() == 1


def test_the_recording_is_kept_while_the_appeal_is_open(answered: str, post_outcome: Post) -> None:
    Call.objects.filter(call_id=answered).update(recording_ref="2026/03/17/c1.wav")
    post_outcome(answered, COMPLAINT)
    result = purge_recordings(now=datetime(2027, 6, 1, tzinfo=ASTANA) + timedelta(days=1))
    assert (result.purged, result.kept_for_appeal) == (0, 1)
    assert Call.objects.get(call_id=answered).recording_ref == "2026/03/17/c1.wav"


def test_the_card_page_shows_the_incoming_number(
    client: Client, answered: str, post_outcome: Post
) -> None:
    post_outcome(answered, COMPLAINT)
    client.force_login(get_user_model().objects.get(username="cc_operator"))
    body = client.get(f"/staff/calls/{answered}/").content.decode()
    assert '<p class="cc-number" id="incoming-number">2026-000001</p>' in body
