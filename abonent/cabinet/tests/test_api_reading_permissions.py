"""PC-1: who may submit readings for which account and with which source."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from abonent.cabinet.models import Meter, Reading
from abonent.cabinet.permissions import reading_submitter
from abonent.core.roles import Role
from abonent.core.services import issue_api_token

from .conftest import Api, Clock, make_user


def reading(source: str) -> dict[str, object]:
    return {"account": "100200300", "meter": "HW-1", "value": "5", "source": source}


def test_no_token_is_401(client: Client, meter: Meter, clock: Clock) -> None:
    response = Api(client, None).post("/readings", reading("cabinet"))
    assert (response.status_code, response.json()["code"]) == (401, "unauthorized")
    assert Reading.objects.count() == 0


def test_a_role_that_does_not_take_readings_is_403(
    client: Client, meter: Meter, clock: Clock
) -> None:
    api = Api(client, issue_api_token(user=make_user("clerk1", Role.CLERK)))
    response = api.post("/readings", reading("contact_center"))
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert Reading.objects.count() == 0


def test_staff_cannot_claim_another_channel(cc: Api, meter: Meter, clock: Clock) -> None:
    for source in ("ivr", "cabinet", "billing"):
        assert cc.post("/readings", reading(source)).status_code == 403
    assert Reading.objects.count() == 0


def test_the_integration_user_submits_for_the_ivr(ivr: Api, meter: Meter, clock: Clock) -> None:
    assert ivr.post("/readings", reading("contact_center")).status_code == 403
    response = ivr.post("/readings", reading("ivr"))
    assert (response.status_code, response.json()["source"]) == (201, "ivr")


def test_an_unknown_source_is_a_validation_error(cc: Api, meter: Meter, clock: Clock) -> None:
    response = cc.post("/readings", reading("fax"))
    assert (response.status_code, response.json()["code"]) == (422, "validation_error")


@dataclass(frozen=True)
class Principal:
    account_numbers: frozenset[str]
    audit_label: str = "consumer C1"


def test_a_signed_in_consumer_submits_only_for_own_accounts_from_the_cabinet(db: None) -> None:
    request = RequestFactory().post("/api/v1/readings")
    request.user = AnonymousUser()
    request.auth = Principal(frozenset({"100200300"}))  # type: ignore[attr-defined]
    submitter = reading_submitter(request)
    assert submitter is not None
    assert submitter.may_submit(account="100200300", source="cabinet") is True
    assert submitter.may_submit(account="100200301", source="cabinet") is False
    assert submitter.may_submit(account="100200300", source="contact_center") is False


def test_anonymous_may_submit_nothing(db: None) -> None:
    request = RequestFactory().post("/api/v1/readings")
    request.user = AnonymousUser()
    assert reading_submitter(request) is None
