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


def test_the_token_user_is_a_whole_user(
    demo: None, token_for: Callable[[str], str], django_assert_num_queries: Any
) -> None:
    """The statement brings what requests use; the rest (e.g. the password hash) is deferred
    and loads on access, so the user object is never half-filled."""
    user_model = get_user_model()
    stored = user_model.objects.get(username="cc_operator")
    user = _auth(token_for("cc_operator"))
    assert (user.pk, user.username, user.first_name, user.last_name, user.email) == (
        stored.pk,
        stored.username,
        stored.first_name,
        stored.last_name,
        stored.email,
    )
    assert (user.is_staff, user.is_superuser, user.is_active) == (
        stored.is_staff,
        stored.is_superuser,
        True,
    )
    assert all(isinstance(v, bool) for v in (user.is_staff, user.is_superuser, user.is_active))
    with django_assert_num_queries(1):
        assert user.date_joined == stored.date_joined


def test_a_superuser_token_is_a_superuser(demo: None, token_for: Callable[[str], str]) -> None:
    user = _auth(token_for("admin"))
    assert user.is_superuser and has_role(user, Role.HEAD)


def test_revoked_tokens_and_inactive_users_are_nobody(
    demo: None, token_for: Callable[[str], str]
) -> None:
    from django.utils import timezone

    from abonent.core.models import ApiToken

    raw = token_for("cc_operator")
    ApiToken.objects.update(revoked_at=timezone.now())
    assert _auth(raw) is None
    raw = token_for("head")
    user_model = get_user_model()
    user_model.objects.filter(username="head").update(is_active=False)
    assert _auth(raw) is None
