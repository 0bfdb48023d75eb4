"""Sign-in to the personal cabinet, separate from staff authentication (issue #7 part 2).

- An individual signs in with the account number and the secret the company issued for it;
  a legal entity's representative with their own login (an e-mail) and secret, and then sees
  all the entity's accounts (models.CabinetLogin). Secrets are stored hashed only.
- A wrong login and a wrong secret get the same answer (``invalid_credentials``), with the
  same work done (an unknown login still costs one hash), and count alike: after
  ``LOCK_AFTER`` failures within ``LOCK_MINUTES`` the login as typed is locked for
  ``LOCK_MINUTES`` (answer ``locked``), whether it exists or not.
- The cabinet session lives under its own keys in the Django session (never
  ``_auth_user_id``): a consumer is not a staff user and gets nothing staff get. It ends on
  sign-out, after ``IDLE_MINUTES`` without a request, and when the secret changes.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from abonent.cabinet.models import Account, CabinetLogin, SignInThrottle
from abonent.core import audit
from abonent.core.auth import SessionCookieOnly
from abonent.core.errors import DomainError, InvalidInput, NotFound

LOCK_AFTER = 5
LOCK_MINUTES = 15
IDLE_MINUTES = 30
DEMO_SECRET = "demo"  # the demo data's secret; refused in production

SESSION_LOGIN = "cabinet_login"
SESSION_HASH = "cabinet_hash"
SESSION_SEEN = "cabinet_seen"


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"


class SignInLocked(DomainError):
    status = 429
    code = "locked"


WRONG = _("Wrong account number (login) or secret.")
LOCKED = _("Too many failed attempts. Sign-in is locked for %(minutes)s minutes.")


@dataclass(frozen=True)
class Principal:
    """A signed-in consumer (see permissions.ConsumerPrincipal)."""

    login_id: int
    consumer_id: int
    consumer_kind: str
    account_numbers: frozenset[str]
    audit_label: str


def normalize(login: str) -> str:
    text = login.strip()
    return text.lower() if "@" in text else text.replace(" ", "")


def _key(login: str) -> str:
    return hashlib.sha256(normalize(login).encode()).hexdigest()


def now() -> Any:
    """The clock; tests patch it."""
    return timezone.now()


@transaction.atomic
def issue_secret(
    *,
    login: CabinetLogin | None = None,
    account: Account | None = None,
    representative: tuple[str, str] | None = None,
    actor: Any,
) -> tuple[CabinetLogin, str]:
    """Issue a new secret: for an existing login, for an individual's ``account`` (its number
    is the login), or for a legal entity's ``representative`` (login, name) on ``account``'s
    consumer. Returns the login and the raw secret, to be handed to the consumer once (sent
    to the contacts on file or printed in a sealed letter); it is stored hashed only.
    Sessions signed in with the old secret end."""
    raw = "-".join(secrets.token_hex(2) for _ in range(3))  # e.g. 3f9a-07c1-be42
    if login is None:
        if account is None:
            raise NotFound(_("No such account."))
        if representative is not None:
            name, person = normalize(representative[0]), representative[1]
            login, _made = CabinetLogin.objects.get_or_create(
                login=name,
                defaults={"consumer_id": account.consumer_id, "name": person, "secret_hash": "!"},
            )
        else:
            login, _made = CabinetLogin.objects.get_or_create(
                login=account.number,
                defaults={
                    "consumer_id": account.consumer_id,
                    "account": account,
                    "secret_hash": "!",
                },
            )
    login.secret_hash = make_password(raw)
    login.secret_issued_at = now()
    login.is_active = True
    login.save(update_fields=["secret_hash", "secret_issued_at", "is_active"])
    audit.record(
        actor=actor, action="cabinet.secret_issued", obj=login, after={"login": login.login}
    )
    return login, raw


Check = Callable[[CabinetLogin | None], bool]


@transaction.atomic
def attempt(login: str, check: Check, how: str) -> tuple[CabinetLogin | None, bool]:
    """(the login when ``check`` passes it, locked?). ``check`` gets None for an unknown
    login and must then do the same work as for a wrong answer. The failure count commits
    either way; ``how`` (secret, code) goes to the audit log."""
    at = now()
    throttle, _made = SignInThrottle.objects.get_or_create(key=_key(login))
    throttle = SignInThrottle.objects.select_for_update().get(pk=throttle.pk)
    if throttle.locked_until is not None and throttle.locked_until > at:
        return None, True
    # No login holds a NUL (and PostgreSQL refuses one in a query): an unknown login.
    found = (
        CabinetLogin.objects.select_related("consumer", "account")
        .filter(login=normalize(login), is_active=True)
        .first()
        if "\x00" not in login
        else None
    )
    if check(found) and found is not None:
        throttle.delete()
        found.last_sign_in_at = at
        found.save(update_fields=["last_sign_in_at"])
        audit.record(actor=None, action="cabinet.signed_in", obj=found, note=how)
        return found, False
    if at - throttle.first_failure_at > timedelta(minutes=LOCK_MINUTES) or not throttle.failures:
        throttle.failures, throttle.first_failure_at = 0, at
    throttle.failures += 1
    throttle.locked_until = None
    if throttle.failures >= LOCK_AFTER:
        throttle.failures, throttle.locked_until = 0, at + timedelta(minutes=LOCK_MINUTES)
        audit.record(actor=None, action="cabinet.sign_in_locked", obj=throttle)
    throttle.save()
    return None, False


def _secret_matches(secret: str) -> Check:
    def check(found: CabinetLogin | None) -> bool:
        if found is None:
            make_password(secret)  # the same work as a wrong secret: no timing difference
            return False
        if settings.PRODUCTION and secret == DEMO_SECRET:
            return False
        return check_password(secret, found.secret_hash)

    return check


def signed_in_or_raise(found: CabinetLogin | None, locked: bool) -> CabinetLogin:
    if locked:
        raise SignInLocked(LOCKED % {"minutes": LOCK_MINUTES})
    if found is None:
        raise InvalidCredentials(WRONG)
    return found


def sign_in(*, login: str, secret: str) -> CabinetLogin:
    """The login whose secret matches; InvalidCredentials (401) or SignInLocked (429)."""
    return signed_in_or_raise(*attempt(login[:254], _secret_matches(secret[:256]), "secret"))


MIN_SECRET = 8


@transaction.atomic
def change_secret(*, login: CabinetLogin, secret: str, repeat: str) -> None:
    """The consumer's own new secret (after signing in, e.g. with a one-time code). Other
    sessions with the old secret end; the caller starts this one again."""
    if secret != repeat:
        raise InvalidInput(_("The two secrets differ."), code="secrets_differ")
    if not MIN_SECRET <= len(secret) <= 128 or secret.isdigit() or secret == login.login:
        raise InvalidInput(
            _("A secret needs at least %(n)s characters, not only digits, and not the login.")
            % {"n": MIN_SECRET},
            code="weak_secret",
        )
    login.secret_hash = make_password(secret)
    login.secret_issued_at = now()
    login.save(update_fields=["secret_hash", "secret_issued_at"])
    audit.record(actor=None, action="cabinet.secret_changed", obj=login, note=login.login)


def _session_hash(login: CabinetLogin) -> str:
    return salted_hmac("abonent.cabinet.session", login.secret_hash, algorithm="sha256").hexdigest()


def start_session(request: HttpRequest, login: CabinetLogin) -> None:
    request.session.cycle_key()  # no session fixation
    request.session[SESSION_LOGIN] = login.pk
    request.session[SESSION_HASH] = _session_hash(login)
    request.session[SESSION_SEEN] = int(now().timestamp())


def end_session(request: HttpRequest) -> None:
    for key in (SESSION_LOGIN, SESSION_HASH, SESSION_SEEN):
        request.session.pop(key, None)
    request.session.cycle_key()


def principal_for(login: CabinetLogin) -> Principal:
    if login.account_id is not None:
        # An account-bound login keeps its account only while billing says the account
        # belongs to the login's consumer: a move to another consumer ends its access.
        acc = login.account
        mine = acc is not None and acc.is_active and acc.consumer_id == login.consumer_id
        numbers = frozenset({acc.number} if mine and acc is not None else set())
    else:
        numbers = frozenset(
            Account.objects.filter(consumer_id=login.consumer_id, is_active=True).values_list(
                "number", flat=True
            )
        )
    return Principal(
        login_id=login.pk,
        consumer_id=login.consumer_id,
        consumer_kind=login.consumer.kind,
        account_numbers=numbers,
        audit_label=f"cabinet:{login.login}",
    )


def current_principal(request: HttpRequest) -> Principal | None:
    """The signed-in consumer of this request, or None (and the cabinet session ended)."""
    login_id = request.session.get(SESSION_LOGIN)
    if login_id is None:
        return None
    seen, clock = int(request.session.get(SESSION_SEEN, 0)), now().timestamp()
    if clock - seen > IDLE_MINUTES * 60:
        end_session(request)
        return None
    login = (
        CabinetLogin.objects.select_related("consumer", "account")
        .filter(pk=login_id, is_active=True)
        .first()
    )
    if login is None or not constant_time_compare(
        request.session.get(SESSION_HASH, ""), _session_hash(login)
    ):
        end_session(request)
        return None
    if clock - seen > 60:  # refresh the idle clock at most once a minute
        request.session[SESSION_SEEN] = int(clock)
    return principal_for(login)


class CabinetSessionAuth(SessionCookieOnly):
    """Ninja auth for the consumer's session cookie (CSRF-checked on unsafe methods)."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        return current_principal(request) if key else None
