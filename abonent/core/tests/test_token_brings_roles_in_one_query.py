"""A token's user comes with their roles in the token's own statement: nearly every API
endpoint checks a role, and one round trip less is felt by every PBX event and call-next."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from abonent.core.auth import TokenAuth, has_role, user_roles
from abonent.core.roles import Role

pytestmark = pytest.mark.django_db


def _auth(raw: str) -> Any:
    return TokenAuth().authenticate(RequestFactory().get("/api/v1/me"), raw)


def test_roles_arrive_with_the_token(
    demo: None, token_for: Callable[[str], str], django_assert_num_queries: Any
) -> None:
    raw = token_for("cc_operator")
    _auth(raw)  # the first use touches last_used_at
    with django_assert_num_queries(1):
        user = _auth(raw)
        assert user_roles(user) == {Role.CC_OPERATOR}
        assert has_role(user, Role.CC_OPERATOR) and not has_role(user, Role.HEAD)


def test_a_user_without_roles_has_none(demo: None, token_for: Callable[[str], str]) -> None:
    get_user_model().objects.create(username="nobody")
    user = _auth(token_for("nobody"))
    assert user_roles(user) == set()


def test_an_unknown_token_is_nobody(demo: None) -> None:
    assert _auth("abn_not-a-token") is None
