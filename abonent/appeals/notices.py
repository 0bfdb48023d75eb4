"""Mail to applicants, in the appeal's language (W-5, W-6), queued in the caller's
transaction from the webmaster address: the receipt (K-4), the extension notice (D-3) and
the answer with its PDF letter."""

from __future__ import annotations

from django.conf import settings
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


def queue_receipt(appeal: Appeal) -> None:
    """Queue the receipt (K-4) in the registering transaction as one task that writes the
    mail from the committed appeal: the request stays short (services.register_appeal
    queues it before the appeal has its number) and a rolled-back registration sends
    nothing."""
    from abonent.appeals.tasks import send_receipt

    send_receipt.enqueue(appeal_id=appeal.pk)


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
