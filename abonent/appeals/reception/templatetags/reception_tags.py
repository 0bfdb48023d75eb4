"""Template helpers for the appeal page: the reception marks (K-7) of one appeal in one
query."""

from __future__ import annotations

from typing import Any

from django import template

from abonent.appeals.models import Appeal
from abonent.appeals.reception import access
from abonent.appeals.reception.models import Booking

register = template.Library()


@register.simple_tag
def reception_bookings_for(appeal: Appeal) -> list[Booking]:
    """The appeal's bookings, newest first, with their slots and officials: one query."""
    if not isinstance(appeal, Appeal) or appeal.pk is None:
        return []
    return list(
        Booking.objects.filter(appeal_id=appeal.pk)
        .select_related("slot__official")
        .order_by("-booked_at", "-id")
    )


@register.filter
def can_book_reception(user: Any) -> bool:
    return access.can_book(user)
