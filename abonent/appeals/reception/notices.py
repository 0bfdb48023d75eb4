"""What the consumer is told about a reception (K-7): the date, time and place, read out
on the phone or at the desk and sent by e-mail, always in the appeal's language (W-6)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from abonent.appeals.reception.models import Booking
from abonent.notify.services import queue_email


def announcement(booking: Booking) -> str:
    """The sentence to read out to the consumer, in the appeal's language."""
    with translation.override(booking.appeal.language):
        return render_to_string("reception/mail/announcement.txt", {"booking": booking}).strip()


def _queue(booking: Booking, subject: str, template: str) -> None:
    appeal = booking.appeal
    queue_email(
        to=appeal.email,
        subject=subject % {"n": appeal.incoming_number},
        body=render_to_string(template, {"booking": booking, "appeal": appeal}),
        language=appeal.language,
        from_address=settings.ABONENT_WEBMASTER_EMAIL,
        related=appeal,
    )


def queue_booking_notice(booking: Booking) -> None:
    """Queued in the booking's transaction: a rolled-back booking sends nothing."""
    with translation.override(booking.appeal.language):
        _queue(
            booking, _("Personal reception on your appeal No. %(n)s"), "reception/mail/booked.txt"
        )


def queue_cancel_notice(booking: Booking) -> None:
    with translation.override(booking.appeal.language):
        _queue(
            booking,
            _("Personal reception on your appeal No. %(n)s is cancelled"),
            "reception/mail/cancelled.txt",
        )
