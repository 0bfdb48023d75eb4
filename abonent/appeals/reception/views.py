"""Pages of the personal reception (K-7, W-7): the public "График приема граждан", and the
staff board where the Chancellery and the contact centre book slots, cancel them and
record the outcome. Views are thin: a form parses, ``access`` decides, one service writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from abonent.appeals.forms import add_domain_error
from abonent.appeals.reception import access, notices, queries, services
from abonent.appeals.reception.api import board_range, find_appeal, get_booking, schedule_data
from abonent.appeals.reception.forms import (
    BoardFilterForm,
    CancelForm,
    OutcomeForm,
    PhoneBookingForm,
    WrittenBookingForm,
)
from abonent.appeals.reception.models import Attendance, Booking, ReceptionSlot
from abonent.appeals.views import staff_page
from abonent.core.errors import DomainError, RateLimited
from abonent.core.lib.ratelimit import limit_request

FORM_INVALID = 422
# Two forms on one page: their fields need distinct ids.
WRITTEN_ID = "written_%s"
PHONE_ID = "phone_%s"


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "appeals/staff/forbidden.html", status=403)


# ---- public (W-7) ------------------------------------------------------------------------


@require_GET
def schedule(request: HttpRequest) -> HttpResponse:
    """ "График приема граждан": who receives, when, where, and how to sign up."""
    try:
        limit_request(request, "reception-schedule", limit=60, window_seconds=60)
    except RateLimited as err:
        response = render(request, "reception/public/limited.html", {"error": err}, status=429)
        response["Retry-After"] = str(err.extra.get("retry_after", 60))
        return response
    return render(request, "reception/public/schedule.html", schedule_data())


# ---- staff: the board --------------------------------------------------------------------


@require_GET
@staff_page(access.can_book)
def board(request: HttpRequest) -> HttpResponse:
    """The coming slots per official, free or taken, with who is booked."""
    form = BoardFilterForm(request.GET or None)
    cd: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    context: dict[str, Any] = {"form": form, "days": [], "now": timezone.now()}
    if form.is_bound and not form.is_valid():
        return render(request, "reception/staff/board.html", context, status=FORM_INVALID)
    try:
        first, last = board_range(cd.get("start"), cd.get("end"))
    except DomainError as err:
        add_domain_error(form, err)
        return render(request, "reception/staff/board.html", context, status=err.status)
    official = cd.get("official")
    rows = queries.board_slots(
        first=first, last=last, official_id=official.pk if official else None
    )
    days: dict[Any, list[queries.BoardSlot]] = {}
    for row in rows:
        days.setdefault(timezone.localtime(row.slot.starts_at).date(), []).append(row)
    context.update(
        days=list(days.items()),
        first=first,
        last=last,
        can_record=access.can_record_outcome(request.user),
    )
    return render(request, "reception/staff/board.html", context)


# ---- staff: booking a slot ---------------------------------------------------------------


def _book_page(
    request: HttpRequest,
    slot: ReceptionSlot,
    written: forms.Form,
    phone: forms.Form,
    status: int = 200,
) -> HttpResponse:
    taken = Booking.objects.active().filter(slot=slot).exists()
    context = {"slot": slot, "written": written, "phone": phone, "taken": taken}
    return render(request, "reception/staff/book.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_page(access.can_book)
def book(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign a consumer up for this slot: (a) on an appeal in the journal, found by its
    incoming number, or (b) on a phone call, registering the caller's appeal."""
    slot = get_object_or_404(ReceptionSlot.objects.select_related("official"), pk=pk)
    written: forms.Form = WrittenBookingForm(auto_id=WRITTEN_ID)
    phone: forms.Form = PhoneBookingForm(auto_id=PHONE_ID)
    if request.method != "POST":
        return _book_page(request, slot, written, phone)
    is_phone = request.POST.get("source") == "phone"
    form: forms.Form
    if is_phone:
        form = phone = PhoneBookingForm(request.POST, auto_id=PHONE_ID)
    else:
        form = written = WrittenBookingForm(request.POST, auto_id=WRITTEN_ID)
    if not form.is_valid():
        return _book_page(request, slot, written, phone, status=FORM_INVALID)
    try:
        if isinstance(form, PhoneBookingForm):
            booking = services.book_slot(
                slot_id=slot.pk, new_appeal=form.caller_input(), by_phone=True, actor=request.user
            )
        else:
            appeal = find_appeal(request.user, number=form.cleaned_data["incoming_number"])
            booking = services.book_slot(
                slot_id=slot.pk,
                appeal=appeal,
                by_phone=form.cleaned_data["by_phone"],
                actor=request.user,
            )
    except DomainError as err:
        add_domain_error(form, err)
        return _book_page(request, slot, written, phone, status=err.status)
    booking = get_booking(booking.pk)
    messages.success(request, notices.announcement(booking))
    return redirect("reception:booking", pk=booking.pk)


# ---- staff: one booking ------------------------------------------------------------------


def _booking_page(
    request: HttpRequest,
    booking: Booking,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_record = access.can_record_outcome(request.user)
    pending = booking.is_active and not booking.attendance
    shown: dict[str, forms.Form] = {}
    if pending:
        shown["cancel"] = CancelForm()
        if can_record and booking.slot.in_past:
            shown["outcome"] = OutcomeForm(initial={"attendance": Attendance.ATTENDED})
    shown.update(bound or {})
    context = {
        "booking": booking,
        "appeal": booking.appeal,
        "announcement": notices.announcement(booking),
        "forms": shown,
        "can_record": can_record,
    }
    return render(request, "reception/staff/booking.html", context, status=status)


@require_GET
@staff_page(access.can_book)
def booking(request: HttpRequest, pk: int) -> HttpResponse:
    return _booking_page(request, get_booking(pk))


@require_POST
@staff_page(access.can_book)
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_booking(pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _booking_page(request, found, {"cancel": form}, status=FORM_INVALID)
    try:
        services.cancel_booking(
            booking=found, reason=form.cleaned_data["reason"], actor=request.user
        )
    except DomainError as err:
        add_domain_error(form, err)
        return _booking_page(request, found, {"cancel": form}, status=err.status)
    messages.success(request, _("The booking is cancelled; the time is free again."))
    return redirect("reception:booking", pk=pk)


@require_POST
@staff_page(access.can_book)
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_booking(pk)
    if not access.can_record_outcome(request.user):
        return _forbidden(request)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _booking_page(request, found, {"outcome": form}, status=FORM_INVALID)
    cd = form.cleaned_data
    try:
        services.record_outcome(
            booking=found,
            attended=cd["attendance"] == Attendance.ATTENDED,
            text=cd["text"],
            close_as=cd["close_as"] or None,
            reasons=cd["reasons"],
            actor=request.user,
        )
    except DomainError as err:
        add_domain_error(form, err)
        return _booking_page(request, get_booking(pk), {"outcome": form}, status=err.status)
    messages.success(request, _("The outcome of the reception is recorded."))
    return redirect("reception:booking", pk=pk)
