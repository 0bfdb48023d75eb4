"""Authentication: staff log-in (refusing demo passwords in production), API bearer tokens,
and role checks."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer, SessionAuth

from abonent.core.lib.moments import aware_utc
from abonent.core.models import ApiToken, hash_token

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


class SessionCookieOnly(APIKeyCookie):
    """A session-cookie auth that looks at the request only when it carries the session
    cookie. Ninja checks CSRF before it looks for the cookie, so a POST without any session
    — a machine whose bearer token is wrong or missing — got ``403 CSRF check Failed``
    instead of ``401 unauthorized`` (api.md). With the cookie, CSRF is checked as before."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        key: str | None = super()._get_key(request)
        return key


class StaffSessionAuth(SessionCookieOnly, SessionAuth):
    """Django's session (staff pages calling the API), CSRF-checked."""


# The API's session auth, after the bearer token: ``[TokenAuth(), staff_session]``.
staff_session = StaffSessionAuth()


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; the token's user becomes ``request.user``.

    Every PBX event, IVR step, reading and call-next starts here, so the lookup is one
    hand-written statement (built once per process from the models' table names) that brings
    the user and their roles: composing the same query with the ORM cost more than the rest of
    a PBX event's work."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(_token_sql(connection.vendor), [ROLE_SEPARATOR, hash_token(token)])
            row = cursor.fetchone()
        if row is None:
            return None
        token_id, last_used_at, names, *values = row
        user = _user(values)
        user._abonent_roles = set(names.split(ROLE_SEPARATOR)) if names else set()  # type: ignore[attr-defined]
        now = timezone.now()
        last_used = aware_utc(last_used_at)
        # Touch at most once a minute: a busy integration must not write on every call.
        if last_used is None or (now - last_used).total_seconds() > 60:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        request.user = user
        return user


# What a request needs of the token's user; other fields load on first access (deferred).
_USER_FIELDS = {
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "is_superuser",
}


@functools.cache
def _user_fields() -> tuple[list[Any], frozenset[int]]:
    """The fields of ``_USER_FIELDS`` in the model's order (``Model.from_db`` expects values
    in that order) and the positions of the boolean ones (SQLite returns 0/1)."""
    fields = [f for f in get_user_model()._meta.concrete_fields if f.attname in _USER_FIELDS]
    booleans = frozenset(i for i, f in enumerate(fields) if f.get_internal_type() == "BooleanField")
    return fields, booleans


def _user(values: list[Any]) -> Any:
    fields, booleans = _user_fields()
    values = [bool(v) if i in booleans else v for i, v in enumerate(values)]
    return get_user_model().from_db(connection.alias, [f.attname for f in fields], values)


@functools.cache
def _token_sql(vendor: str) -> str:
    """The token's id and last use, the user's roles joined by a separator (parameter 1) and
    the user's fields, for an active token of an active user with the hash (parameter 2).
    Built from the models' table names only; every value is a bound parameter."""
    user_model = get_user_model()
    user = user_model._meta.db_table
    groups = user_model.groups.through._meta.db_table
    group = user_model.groups.field.related_model._meta.db_table
    token = ApiToken._meta.db_table
    aggregate = "group_concat" if vendor == "sqlite" else "string_agg"
    columns = ", ".join(f"u.{f.column}" for f in _user_fields()[0])
    return (
        f"SELECT t.id, t.last_used_at, (SELECT {aggregate}(g.name, %s) FROM {groups} ug "  # noqa: S608
        f"JOIN {group} g ON g.id = ug.group_id WHERE ug.user_id = t.user_id), {columns} "
        f"FROM {token} t JOIN {user} u ON u.id = t.user_id "
        "WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active"
    )


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
