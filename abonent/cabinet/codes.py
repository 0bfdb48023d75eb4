"""One-time sign-in codes to the e-mail on file (issue #7 part 2): a consumer who lost the
secret signs in with a code and sets a new secret (auth.change_secret).

The request answers the same whether or not the login exists or has an e-mail, and does the
same work either way: it only enqueues the ``issue_code`` task (cabinet/tasks.py, queue
"mail"), which looks the login up, makes the code and sends it — so neither the answer nor
its time tells whether a login exists. At most ``CODES_PER_WINDOW`` codes per login in
``CODE_MINUTES``; a code is valid ``CODE_MINUTES``, once. Wrong codes count towards the same
lockout as wrong secrets. The code is made inside the task, goes out by e-mail directly (not
through the notify outbox, whose rows staff can read; nor in the task's arguments, which are
stored) and is stored as a keyed hash only. SMS to the phone on file waits for an SMS backend.
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
    """In the task, after its commit. A failed send is logged; the consumer asks again."""
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


def request_code(*, login: str) -> None:
    """Ask for a code for ``login``: one task enqueued whatever the login (PC-1)."""
    from abonent.cabinet.tasks import issue_code

    issue_code.enqueue(
        login=auth.normalize(login[:254]), language=translation.get_language() or "ru"
    )


@transaction.atomic
def issue(*, login: str, language: str) -> None:
    """The task's work: a code to the e-mail on file when the login exists, is active and
    has one, within the per-login limit; nothing otherwise."""
    if "\x00" in login:  # no login holds one, and PostgreSQL refuses it in a query
        return
    found = (
        CabinetLogin.objects.select_related("consumer").filter(login=login, is_active=True).first()
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
    email = found.consumer.email
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
