"""The call log page (CC-4, review 2 item 4): a system administrator, who has no access to
personal data, sees masked numbers as in the API and on the card, and may not search by a
number (that would tell them who called)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

Bearer = Callable[[str], dict[str, str]]


@pytest.mark.django_db
def test_the_page_masks_numbers_for_a_system_administrator(
    client: Client, answered: str, sysadmin: Any
) -> None:
    client.force_login(sysadmin)
    page = client.get("/staff/calls/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "+77011234567" not in html
    assert "+7********67" in html  # rules.mask_phone


@pytest.mark.django_db
def test_the_page_shows_numbers_to_an_operator(client: Client, answered: str) -> None:
    client.force_login(get_user_model().objects.get(username="cc_operator"))
    html = client.get("/staff/calls/").content.decode()
    assert "+77011234567" in html


@pytest.mark.django_db
def test_a_system_administrator_may_not_filter_by_number(
    client: Client, answered: str, sysadmin: Any
) -> None:
    client.force_login(sysadmin)
    page = client.get("/staff/calls/?phone=87011234567")
    assert page.status_code == 403
    assert "+77011234567" not in page.content.decode()
    assert page.context["form"].errors["phone"]
    api = client.get("/api/v1/calls?phone=87011234567")
    assert api.status_code == 403
    assert "+77011234567" not in api.content.decode()


@pytest.mark.django_db
def test_an_operator_may_filter_by_number(client: Client, answered: str, bearer: Bearer) -> None:
    api = client.get("/api/v1/calls?phone=87011234567", **bearer("cc_operator"))
    assert [c["call_id"] for c in api.json()["items"]] == [answered]
