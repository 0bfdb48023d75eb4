"""V-3: the contact centre checks employees for callers on the public page, all operators
from one address. Their checks are counted per operator (and recorded as channel
``contact_centre``), so one operator's calls do not lock the whole centre out; an anonymous
client from that address is still limited."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.visits.models import VerifyLookup
from abonent.visits.tests.conftest import NEXT_TUESDAY, code_of, plan

pytestmark = pytest.mark.django_db


def _operator(username: str) -> Client:
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password="x")
        user.groups.add(*User.objects.get(username="cc_operator").groups.all())
    client = Client(REMOTE_ADDR="10.9.9.9")
    client.force_login(user)
    return client


def test_one_operator_limited_does_not_stop_another(demo, clock) -> None:
    visit = plan(NEXT_TUESDAY)
    code = code_of(visit)
    first = _operator("cc_operator")
    for _ in range(10):
        assert first.post("/visits/verify/", {"code": "ZZZZ-ZZZZ"}).status_code == 404
    assert first.post("/visits/verify/", {"code": code}).status_code == 429
    second = _operator("cc_operator2")
    assert second.post("/visits/verify/", {"code": code}).status_code == 200
    assert VerifyLookup.objects.filter(channel="contact_centre", result="found").count() == 1


def test_an_anonymous_client_at_that_address_is_limited_by_address(demo, clock) -> None:
    plan(NEXT_TUESDAY)
    anon = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(10):
        assert anon.post("/visits/verify/", {"code": "ZZZZ-ZZZZ"}).status_code == 404
    assert anon.post("/visits/verify/", {"code": "ZZZZ-ZZZZ"}).status_code == 429
    assert VerifyLookup.objects.filter(channel="web").count() == 11
