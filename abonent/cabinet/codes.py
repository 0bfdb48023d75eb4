"""One-time sign-in codes to the e-mail on file (issue #7 part 2): a consumer who lost the
secret signs in with a code and sets a new secret (auth.change_secret).

The request answers the same whether or not the login exists or has an e-mail; at most
``CODES_PER_WINDOW`` codes per login in ``CODE_MINUTES``; a code is valid ``CODE_MINUTES``,
once. Wrong codes count towards the same lockout as wrong secrets. The code goes out by
e-mail directly (not through the notify outbox, whose rows staff can read) and is stored as a
keyed hash only. SMS to the phone on file waits for an SMS backend.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from abonent.cabinet import auth
from abonent.cabinet.models import CabinetLogin, SignInCode
from abonent.core import audit

logger = logging.getLogger(__name__)

CODE_MINUTES = 15
CODES_PER_WINDOW = 3


def _hash(code: str, login_id: int) -> str:
    return salted_hmac("abonent.cabinet.code", f"{login_id}:{code}", algorithm="sha256").hexdigest()


def _send(email: str, code: str, language: str) -> None:
    """After commit. A failed send is logged; the consumer asks for a code again."""
    with translation.override(language):
        subject = _("Your sign-in code for the personal cabinet")
        body = _(
            "Your one-time code for the personal cabinet: %(code)s. It is valid for "
            "%(minutes)s minutes. If you did not ask for it, ignore this message."
        ) % {"code": code, "minutes": CODE_MINUTES}
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[email])
    except Exception:
        logger.exception("sign-in code e-mail failed")


@transaction.atomic
def request_code(*, login: str) -> None:
    """Send a code when the login exists and has an e-mail; say nothing either way."""
    found = (
        CabinetLogin.objects.select_related("consumer")
        .filter(login=auth.normalize(login[:254]), is_active=True)
        .first()
    )
    if found is None or not found.consumer.email:
        return
    at = auth.now()
    since = at - timedelta(minutes=CODE_MINUTES)
    if SignInCode.objects.filter(login=found, created_at__gte=since).count() >= CODES_PER_WINDOW:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    SignInCode.objects.create(
        login=found,
        code_hash=_hash(code, found.pk),
        created_at=at,
        expires_at=at + timedelta(minutes=CODE_MINUTES),
    )
    audit.record(actor=None, action="cabinet.code_sent", obj=found, note=found.login)
    email, language = found.consumer.email, translation.get_language() or "ru"
    transaction.on_commit(lambda: _send(email, code, language))


def _code_matches(code: str) -> auth.Check:
    def check(found: CabinetLogin | None) -> bool:
        if found is None:
            return False
        at = auth.now()
        candidate = (
            SignInCode.objects.filter(login=found, used_at__isnull=True, expires_at__gt=at)
            .order_by("-created_at")
            .first()
        )
        if candidate is None or not constant_time_compare(
            candidate.code_hash, _hash(code.strip(), found.pk)
        ):
            return False
        candidate.used_at = at
        candidate.save(update_fields=["used_at"])
        return True

    return check


def sign_in_with_code(*, login: str, code: str) -> CabinetLogin:
    """The login whose latest code matches; InvalidCredentials or SignInLocked."""
    return auth.signed_in_or_raise(*auth.attempt(login[:254], _code_matches(code[:20]), "code"))
