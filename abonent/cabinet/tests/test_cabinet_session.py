"""The cabinet session: only one's own accounts, separate from staff, and it ends."""

from __future__ import annotations

from django.test import Client

from abonent.cabinet import auth
from abonent.cabinet.models import CabinetLogin

from .conftest import Clock, sign_in


def test_an_individual_sees_only_their_account(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    sign_in(client, "1000000001")
    page = client.get("/cabinet/").content.decode()
    assert "1000000001" in page and "HW-1001" in page
    for other in ("1000000002", "1000000003", "2000000001", "HW-1002-A"):
        assert other not in page


def test_a_representative_sees_all_the_entitys_accounts(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    sign_in(client, "bereke@demo.kz")
    page = client.get("/cabinet/").content.decode()
    assert "2000000001" in page and "2000000002" in page
    assert "2000000003" not in page and "1000000001" not in page


def test_without_a_session_the_cabinet_sends_to_sign_in(client: Client, cabinet_demo: None) -> None:
    response = client.get("/cabinet/")
    assert (response.status_code, response["Location"]) == (302, "/cabinet/sign-in/")


def test_sign_out_ends_the_session(client: Client, cabinet_demo: None, auth_clock: Clock) -> None:
    sign_in(client, "1000000001")
    assert client.post("/cabinet/sign-out/").status_code == 302
    assert client.get("/cabinet/").status_code == 302


def test_thirty_idle_minutes_end_the_session(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    sign_in(client, "1000000001")
    auth_clock.tick(minutes=29)
    assert client.get("/cabinet/").status_code == 200
    auth_clock.tick(minutes=29)  # the last request refreshed the idle clock
    assert client.get("/cabinet/").status_code == 200
    auth_clock.tick(minutes=31)
    assert client.get("/cabinet/").status_code == 302


def test_a_new_secret_ends_sessions_with_the_old_one(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    sign_in(client, "1000000001")
    auth.issue_secret(login=CabinetLogin.objects.get(login="1000000001"), actor=None)
    assert client.get("/cabinet/").status_code == 302


def test_a_consumer_session_is_not_a_staff_session(
    client: Client, cabinet_demo: None, auth_clock: Clock
) -> None:
    sign_in(client, "1000000001")
    response = client.get("/staff/")
    assert response.status_code == 302 and "/staff/login/" in response["Location"]
