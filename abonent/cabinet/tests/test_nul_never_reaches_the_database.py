"""A NUL character (which PostgreSQL text cannot hold: a 500) in what a consumer or the
contact centre sends to the cabinet (review 2 item 1): refused before any query — by the
site-wide middleware over HTTP, and by the services for callers that bypass it."""

from __future__ import annotations

import pytest
from django.test import Client

from abonent.cabinet import auth, codes
from abonent.cabinet.models import Reading, SignInCode, SignInThrottle

from .conftest import Api, Clock, sign_in


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["1000000001\x00", "bereke@demo.kz\x00"])
def test_sign_in_with_a_nul_is_refused(
    client: Client, cabinet_demo: None, auth_clock: Clock, login: str
) -> None:
    response = client.post("/cabinet/sign-in/", {"login": login, "secret": "demo"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    code = client.post("/cabinet/sign-in/code/", {"login": login})
    assert code.status_code == 400
    assert SignInCode.objects.count() == 0


@pytest.mark.django_db
def test_the_services_take_a_nul_login_for_an_unknown_one(
    cabinet_demo: None, auth_clock: Clock, run_tasks: object
) -> None:
    with pytest.raises(auth.InvalidCredentials):
        auth.sign_in(login="1000000001\x00", secret="demo")
    assert SignInThrottle.objects.get().failures == 1
    codes.issue(login="1000000001\x00", language="ru")
    assert SignInCode.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["account", "meter"])
def test_a_reading_with_a_nul_is_refused(
    cabinet_demo: None, clock: Clock, cc: Api, field: str
) -> None:
    before = Reading.objects.count()
    body = {"account": "1000000001", "meter": "HW-1001", "value": "1", "source": "contact_center"}
    body[field] += "\x00"
    response = cc.post("/readings", body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"
    assert Reading.objects.count() == before


@pytest.mark.django_db
def test_the_cabinet_form_with_a_nul_is_refused(
    client: Client, cabinet_demo: None, clock: Clock, auth_clock: Clock
) -> None:
    assert sign_in(client, "1000000001").status_code == 302
    before = Reading.objects.count()
    response = client.post(
        "/cabinet/readings/", {"account": "1000000001", "meter": "HW\x00", "value": "1"}
    )
    assert response.status_code == 400
    assert Reading.objects.count() == before
