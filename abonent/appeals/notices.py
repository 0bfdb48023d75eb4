"""Mail to applicants, in the appeal's language (W-5, W-6), queued in the caller's
transaction from the webmaster address: the receipt (K-4), the extension notice (D-3) and
the answer with its PDF letter."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from abonent.appeals.models import Answer, Appeal
from abonent.notify.services import queue_email


def _queue(
    appeal: Appeal,
    subject: str,
    template: str,
    *,
    attachment: tuple[str, int] | None = None,
    **context: object,
) -> None:
    """Render and queue one mail; call inside translation.override(appeal.language)."""
    queue_email(
        to=appeal.email,
        subject=subject % {"n": appeal.incoming_number},
        body=render_to_string(template, {"appeal": appeal, **context}),
        language=appeal.language,
        from_address=settings.ABONENT_WEBMASTER_EMAIL,
        related=appeal,
        rendered=[attachment] if attachment else [],
    )


def queue_receipt() -> None:
    """After the registering transaction commits, make sure a ``send_receipts`` task will
    run: it writes the receipt (K-4) of every appeal marked ``receipt_pending``. The mark is
    in the appeal's own row, so a rolled-back registration sends nothing and a crash after
    the commit loses nothing (the next task, or ``manage.py send_receipts``, finds it).

    One task per process and second serves all the registrations of that second: a task is
    enqueued to run a second later, and while it is still ahead, registrations committed in
    the meantime are already visible to it and enqueue nothing."""
    transaction.on_commit(_wake_receipts)


_RECEIPTS_RUN_AT = [0.0]  # when the last task this process enqueued is due (epoch seconds)
SAFETY_MARGIN = 0.25


def _wake_receipts() -> None:
    from abonent.appeals.tasks import send_receipts

    now = time.time()
    if now < _RECEIPTS_RUN_AT[0] - SAFETY_MARGIN:
        return
    run_at = now + settings.ABONENT_RECEIPT_DELAY_SECONDS
    send_receipts.using(run_after=datetime.fromtimestamp(run_at, tz=UTC)).enqueue()
    _RECEIPTS_RUN_AT[0] = run_at


def write_receipt(appeal: Appeal) -> None:
    with translation.override(appeal.language):
        _queue(
            appeal,
            _("Your appeal is registered under No. %(n)s"),
            "appeals/mail/receipt.txt",
            attachment=("abonent.appeals.documents.receipt_attachment", appeal.pk),
        )


def queue_extension_notice(appeal: Appeal) -> None:
    with translation.override(appeal.language):
        _queue(
            appeal,
            _("The term of your appeal No. %(n)s is extended"),
            "appeals/mail/extension.txt",
        )


def queue_answer(appeal: Appeal, answer: Answer) -> None:
    with translation.override(appeal.language):
        _queue(
            appeal,
            _("Answer to your appeal No. %(n)s"),
            "appeals/mail/answer.txt",
            attachment=("abonent.appeals.documents.answer_attachment", answer.pk),
            answer=answer,
        )
