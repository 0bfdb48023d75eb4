"""Texts of the notices to consumers, in the visit's language, and their delivery: SMS
through the SMS backend, e-mail through Django's mailer, letters printed by staff. The visit
code is derived when the text is rendered; it is never stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from abonent.visits import codes, rules, sms
from abonent.visits.models import Channel, NoticeStatus, Visit, VisitNotice

MAX_ATTEMPTS = 5
RETRY_DELAY = timedelta(minutes=5)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def company_name(language: str) -> str:
    from abonent.cabinet.company import company

    return company().name(language)


def notice_context(visit: Visit, notice: VisitNotice | None = None) -> dict[str, Any]:
    starts = rules.local(notice.starts_at if notice else visit.starts_at)
    ends = rules.local(notice.ends_at if notice else visit.ends_at)
    employees = [a.employee for a in visit.assignments.select_related("employee__profile")]
    return {
        "visit": visit,
        "notice": notice,
        "date": starts.date(),
        "time_from": f"{starts:%H:%M}",
        "time_to": f"{ends:%H:%M}",
        "code": rules.display_code(codes.derive(visit.code_salt)),
        "verify_url": settings.ABONENT_VISITS_VERIFY_URL,
        "organisation": company_name(visit.language),
        "employees": employees,
    }


def render(notice: VisitNotice) -> Rendered:
    visit = notice.visit
    with translation.override(visit.language):
        context = notice_context(visit, notice)
        template = (
            "visits/notice/sms.txt"
            if notice.channel == Channel.SMS
            else ("visits/notice/email.txt")
        )
        body = render_to_string(template, context).strip()
        subject = _("Visit of an employee of %(org)s on %(date)s") % {
            "org": context["organisation"],
            "date": f"{context['date']:%d.%m.%Y}",
        }
    return Rendered(subject=subject, body=body)


def _send(notice: VisitNotice) -> str:
    text = render(notice)
    if notice.channel == Channel.SMS:
        return sms.get_backend().send(to=notice.to, text=text.body)
    email = EmailMessage(subject=text.subject, body=text.body, to=[notice.to])
    email.send()
    return ""


def deliver(notice_id: int) -> tuple[str, bool]:
    """Send one queued notice. Returns (status, retry later?)."""
    from abonent.visits.services import now

    with transaction.atomic():
        notice = (
            VisitNotice.objects.select_for_update()
            .select_related("visit")
            .filter(pk=notice_id)
            .first()
        )
        if notice is None or notice.channel == Channel.LETTER:
            return ("missing", False)
        if notice.status != NoticeStatus.QUEUED and not (
            notice.status == NoticeStatus.FAILED and not notice.gave_up
        ):
            return (notice.status, False)
        notice.attempts += 1
        try:
            notice.provider_id = _send(notice)
        except Exception as exc:  # any failure is kept on the row and retried
            notice.status = NoticeStatus.FAILED
            notice.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            notice.gave_up = notice.attempts >= MAX_ATTEMPTS
        else:
            notice.status = NoticeStatus.SENT
            notice.sent_at = now()
            notice.last_error = ""
        notice.save(
            update_fields=["attempts", "provider_id", "status", "sent_at", "last_error", "gave_up"]
        )
        return (notice.status, notice.status == NoticeStatus.FAILED and not notice.gave_up)
