"""Who records the outcome of a call (CC-5, review 2 item 6): a call answered on a PBX line
not registered to anyone yet is someone else's call — a senior operator records its
outcome, not any operator; a call the PBX named no operator for is anyone's. The card's
form follows the same rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.calls.models import Call, CallOutcome
from abonent.calls.tests.conftest import TUESDAY_10, Clock
from abonent.calls.tests.fake_oktell import FakeOktell

ANSWER = {"outcome": "answered", "topic": "charges", "answer": "ok"}


@pytest.fixture
def unmatched(pbx: FakeOktell, clock: Clock) -> str:
    pbx.answered_call(phone="87011234500", operator="999", start=TUESDAY_10, chain_id="C-9")
    call = Call.objects.get(call_id="C-9")
    assert (call.operator_login, call.operator_id) == ("999", None)
    return "C-9"


@pytest.mark.django_db
def test_an_operator_may_not_record_a_call_of_an_unregistered_line(
    unmatched: str, post_outcome: Callable[..., Any], second_operator: Any, client: Client
) -> None:
    for username in ("cc_operator", "cc_operator2"):
        assert post_outcome(unmatched, ANSWER, username=username).status_code == 403
    assert CallOutcome.objects.count() == 0
    client.force_login(get_user_model().objects.get(username="cc_operator"))
    card = client.get(f"/staff/calls/{unmatched}/")
    assert card.status_code == 200
    assert card.context["can_record"] is False
    assert "form" not in card.context


@pytest.mark.django_db
def test_a_senior_operator_records_it(unmatched: str, post_outcome: Callable[..., Any]) -> None:
    response = post_outcome(unmatched, ANSWER, username="senior_operator")
    assert response.status_code == 201
    assert CallOutcome.objects.get().recorded_by.username == "senior_operator"


@pytest.mark.django_db
def test_a_call_with_no_operator_named_is_anyones(
    unmatched: str, post_outcome: Callable[..., Any]
) -> None:
    Call.objects.filter(call_id=unmatched).update(operator_login="")
    response = post_outcome(unmatched, ANSWER, username="cc_operator")
    assert response.status_code == 201
