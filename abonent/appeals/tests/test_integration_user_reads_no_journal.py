"""An integration user (the PBX, #6 point 0) posts its events and reads nothing of the
registry."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from abonent.core.roles import Role


@pytest.mark.django_db
def test_an_integration_token_is_refused_the_journal(
    demo: None, client: Client, token_for: Callable[[str], str]
) -> None:
    user = get_user_model().objects.create(username="pbx")
    user.groups.add(Group.objects.get_or_create(name=Role.INTEGRATION)[0])
    r = client.get("/api/v1/appeals", HTTP_AUTHORIZATION=f"Bearer {token_for('pbx')}")
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    staff = client.get("/api/v1/appeals", HTTP_AUTHORIZATION=f"Bearer {token_for('clerk')}")
    assert staff.status_code == 200
