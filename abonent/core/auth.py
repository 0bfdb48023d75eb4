"""Authentication: staff log-in (refusing demo passwords in production), API bearer tokens,
and role checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db.models import OuterRef, StringAgg, Subquery, Value
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from abonent.core.models import ApiToken

DEMO_PASSWORD = "demo"


class StaffBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if settings.PRODUCTION and password == DEMO_PASSWORD:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


ROLE_SEPARATOR = "\n"  # group names are role codes: ASCII words


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; the token's user becomes ``request.user``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # The user's roles come in the same statement: nearly every endpoint checks them.
        roles = (
            get_user_model()
            .groups.through.objects.filter(user_id=OuterRef("user_id"))
            .values("user_id")
            .annotate(names=StringAgg("group__name", delimiter=Value(ROLE_SEPARATOR)))
            .values("names")  # type: ignore[misc]
        )
        found = (
            ApiToken.objects.active()
            .for_raw(token)
            .select_related("user")
            .only("id", "last_used_at", "user")
            .annotate(_roles=Subquery(roles))
            .first()
        )
        if found is None:
            return None
        names = found._roles  # type: ignore[attr-defined]
        found.user._abonent_roles = set(names.split(ROLE_SEPARATOR)) if names else set()  # type: ignore[attr-defined]
        now = timezone.now()
        # Touch at most once a minute: a busy integration must not write on every call.
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


def user_roles(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached: set[str] | None = getattr(user, "_abonent_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._abonent_roles = cached
    return cached


def has_role(user: Any, *roles: str) -> bool:
    """Superusers may do everything; others need one of the roles."""
    if getattr(user, "is_superuser", False):
        return True
    return bool(user_roles(user) & set(roles))
