"""Issue #5 point 7: who may see the queue statistics, on the page, the xlsx and the API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from abonent.core.models import StaffProfile
from abonent.core.roles import Role
from abonent.equeue.tests.conftest import Api

pytestmark = pytest.mark.django_db
ALLOWED = ["admin", "head", "manager", "hall_admin"]
REFUSED = [
    "operator",
    "senior_operator",
    "controller",
    "cashier",
    "clerk",
    "engineer",
    "chancellery",
    "cc_operator",
    "executor",
]
PAGES = ["/staff/queue/stats/", "/staff/queue/stats.xlsx"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("username", ALLOWED + REFUSED)
def test_the_page_and_the_xlsx_follow_the_roles(
    client: Client, demo: None, username: str, url: str
) -> None:
    client.force_login(get_user_model().objects.get(username=username))
    r = client.get(url)
    assert r.status_code == (200 if username in ALLOWED else 403)


def test_a_sysadmin_who_is_not_a_superuser_sees_every_office(client: Client, demo: None) -> None:
    sysadmin = get_user_model().objects.create(username="sys")
    sysadmin.groups.add(Group.objects.get(name=Role.SYSADMIN))
    client.force_login(sysadmin)
    r = client.get("/staff/queue/stats/", {"office": "sc2"})
    assert r.status_code == 200
    assert r.context["report"].office.code == "sc2"
    assert client.get("/staff/queue/stats/").context["report"].office is None


def test_anonymous_visitors_are_sent_to_log_in(client: Client, demo: None) -> None:
    for url in PAGES:
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/staff/login/")


@pytest.mark.parametrize("username", ALLOWED + REFUSED)
def test_the_api_follows_the_roles(api_as: Callable[[str | None], Api], username: str) -> None:
    r = api_as(username).get("/stats")
    assert r.status_code == (200 if username in ALLOWED else 403)
    if username in REFUSED:
        assert r.json()["code"] == "forbidden"


def test_the_api_wants_a_token(api_as: Callable[[str | None], Api]) -> None:
    r = api_as(None).get("/stats")
    assert (r.status_code, r.json()["code"]) == (401, "unauthorized")


def test_a_head_sees_their_own_office_only(
    client: Client, api_as: Callable[[str | None], Api]
) -> None:
    head = api_as("head")
    assert head.get("/stats").json()["office"] == "sc1"
    assert head.get("/stats?office=sc1").status_code == 200
    r = head.get("/stats?office=sc2")
    assert (r.status_code, r.json()["code"]) == (403, "forbidden")
    client.force_login(get_user_model().objects.get(username="head"))
    page = client.get("/staff/queue/stats/")
    assert page.context["report"].office.code == "sc1"
    assert [o.code for o in page.context["offices"]] == ["sc1"]
    assert client.get("/staff/queue/stats/", {"office": "sc2"}).status_code == 403


def test_a_hall_admin_sees_the_office_of_their_hall(api_as: Callable[[str | None], Api]) -> None:
    assert api_as("hall_admin").get("/stats").json()["office"] == "central"
    assert api_as("hall_admin").get("/stats?office=sc1").status_code == 403


def test_a_manager_sees_all_offices_or_any_one(api_as: Callable[[str | None], Api]) -> None:
    manager = api_as("manager")
    assert manager.get("/stats").json()["office"] is None
    assert manager.get("/stats?office=sc2").json()["office"] == "sc2"


def test_a_head_without_an_office_is_refused(api_as: Callable[[str | None], Api]) -> None:
    StaffProfile.objects.filter(user__username="head").update(office=None)
    r = api_as("head").get("/stats")
    assert (r.status_code, r.json()["code"]) == (403, "no_office")
