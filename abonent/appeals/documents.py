"""PDF documents of the registry: the receipt (талон, K-4) and the answer letter (W-5),
rendered from HTML templates by WeasyPrint in the appeal's language. Fonts: DejaVu Sans
(full Kazakh Cyrillic; Debian package fonts-dejavu-core)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from abonent.appeals.models import Answer, Appeal


def _pdf(template: str, context: dict[str, object], language: str) -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(template, {**context, "LANGUAGE_CODE": language})
    return bytes(HTML(string=html).write_pdf())


def receipt_pdf(appeal: Appeal) -> bytes:
    return _pdf("appeals/pdf/receipt.html", {"appeal": appeal}, appeal.language)


def answer_pdf(answer: Answer) -> bytes:
    return _pdf(
        "appeals/pdf/answer.html", {"answer": answer, "appeal": answer.appeal}, answer.language
    )


def receipt_attachment(appeal_id: int) -> tuple[str, bytes, str]:
    appeal = Appeal.objects.get(pk=appeal_id)
    return f"receipt-{appeal.incoming_number}.pdf", receipt_pdf(appeal), "application/pdf"


def answer_attachment(answer_id: int) -> tuple[str, bytes, str]:
    answer = Answer.objects.select_related("appeal").get(pk=answer_id)
    return f"answer-{answer.outgoing_number}.pdf", answer_pdf(answer), "application/pdf"
