"""Mail to applicants, in the appeal's language (W-5, W-6), queued in the caller's
transaction: the receipt (K-4), the extension notice (D-3) and the answer."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from abonent.appeals.models import Answer, Appeal
from abonent.notify.services import queue_email


def _mail(appeal: Appeal, template: str, subject: str, **context: object) -> str:
    return render_to_string(template, {"appeal": appeal, **context})


def queue_receipt(appeal: Appeal) -> None:
    with translation.override(appeal.language):
        subject = _("Your appeal is registered under No. %(n)s") % {"n": appeal.incoming_number}
        body = _mail(appeal, "appeals/mail/receipt.txt", subject)
        queue_email(
            to=appeal.email,
            subject=subject,
            body=body,
            language=appeal.language,
            from_address=settings.ABONENT_WEBMASTER_EMAIL,
            related=appeal,
            rendered=[("abonent.appeals.documents.receipt_attachment", appeal.pk)],
        )


def queue_extension_notice(appeal: Appeal) -> None:
    with translation.override(appeal.language):
        subject = _("The term of your appeal No. %(n)s is extended") % {"n": appeal.incoming_number}
        body = _mail(appeal, "appeals/mail/extension.txt", subject)
        queue_email(
            to=appeal.email,
            subject=subject,
            body=body,
            language=appeal.language,
            from_address=settings.ABONENT_WEBMASTER_EMAIL,
            related=appeal,
        )


def queue_answer(appeal: Appeal, answer: Answer) -> None:
    with translation.override(appeal.language):
        subject = _("Answer to your appeal No. %(n)s") % {"n": appeal.incoming_number}
        body = _mail(appeal, "appeals/mail/answer.txt", subject, answer=answer)
        queue_email(
            to=appeal.email,
            subject=subject,
            body=body,
            language=appeal.language,
            from_address=settings.ABONENT_WEBMASTER_EMAIL,
            related=appeal,
            rendered=[("abonent.appeals.documents.answer_attachment", answer.pk)],
        )
