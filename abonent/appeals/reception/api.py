"""API: Personal reception with management (K-7, W-7), mounted at ``/api/v1/reception``.

Public: ``GET /schedule`` (no consumer data). Staff (Chancellery, clerk, manager,
contact-centre operator): slots, bookings, cancellation, outcome."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from abonent.appeals import access as appeal_access
from abonent.appeals import services as appeal_services
from abonent.appeals.api import ApplicantIn, _clean_contacts, applicant_input
from abonent.appeals.codes import Channel, Kind, Outcome
from abonent.appeals.models import Appeal
from abonent.appeals.reception import access, notices, queries, services
from abonent.appeals.reception.models import Booking, Mark, ReceptionOfficial, Weekday
from abonent.core.auth import TokenAuth, staff_session
from abonent.core.errors import InvalidInput
from abonent.core.lib.ratelimit import limit_request

router = Router()
STAFF = [TokenAuth(), staff_session]
SCHEDULE_LIMIT = 60  # requests per client per minute


# ---- public schedule (W-7) ---------------------------------------------------------------


class OfficialOut(Schema):
    id: int
    full_name: str
    position: str
    unit: str | None


class HoursOut(Schema):
    weekday: int = Field(..., description="0 = Monday … 6 = Sunday")
    weekday_name: str
    starts: str = Field(..., examples=["14:00"])
    ends: str = Field(..., examples=["17:00"])
    slot_minutes: int
    place: str


class ScheduleOfficialOut(OfficialOut):
    hours: list[HoursOut]
    free_slots_next_2_weeks: int


class SignUpOut(Schema):
    written: str
    by_phone: str
    address: str
    phone: str


class ScheduleOut(Schema):
    officials: list[ScheduleOfficialOut]
    sign_up: SignUpOut


def official_out(o: ReceptionOfficial) -> dict[str, Any]:
    return {
        "id": o.pk,
        "full_name": o.full_name,
        "position": o.position,
        "unit": o.department.name if o.department else None,
    }


def sign_up_info() -> dict[str, str]:
    office = queries.central_office()
    address = office.address if office else ""
    phone = office.phone if office else ""
    return {
        "written": _(
            "Hand in a written appeal at the Chancellery of the central office (%(address)s); "
            "it is stamped “From reception” and you are given a reception time."
        )
        % {"address": address},
        "by_phone": _("Call %(phone)s: the Chancellery signs you up and tells you the time.")
        % {"phone": phone},
        "address": address,
        "phone": phone,
    }


def schedule_data() -> dict[str, Any]:
    return {
        "officials": [
            {
                **official_out(item.official),
                "hours": [
                    {
                        "weekday": h.weekday,
                        "weekday_name": str(Weekday(h.weekday).label),
                        "starts": f"{h.starts:%H:%M}",
                        "ends": f"{h.ends:%H:%M}",
                        "slot_minutes": h.slot_minutes,
                        "place": h.place,
                    }
                    for h in item.hours
                ],
                "free_slots_next_2_weeks": item.free_slots,
            }
            for item in queries.public_schedule()
        ],
        "sign_up": sign_up_info(),
    }


@router.get("/schedule", response=ScheduleOut, auth=None)
def schedule(request: HttpRequest) -> dict[str, Any]:
    """Public: "График приема граждан" — officials, positions, days and hours, place, how to
    sign up, and the free slots of the next two weeks. Never any consumer data."""
    limit_request(request, "reception-schedule", limit=SCHEDULE_LIMIT, window_seconds=60)
    return schedule_data()


# ---- staff: slots ------------------------------------------------------------------------


class AppealRef(Schema):
    id: int
    incoming_number: str


class MarkOut(Schema):
    code: str
    label: str


class SlotBookingOut(Schema):
    id: int
    appeal: AppealRef
    applicant: str
    source: str
    marks: list[MarkOut]
    attendance: str


class SlotOut(Schema):
    id: int
    official: OfficialOut
    starts_at: datetime
    ends_at: datetime
    place: str
    open: bool
    free: bool
    booking: SlotBookingOut | None


class SlotFilter(Schema):
    official: int | None = None
    from_: date | None = Field(None, alias="from")
    to: date | None = None


def marks_out(booking: Booking) -> list[dict[str, str]]:
    return [{"code": m.value, "label": str(Mark(m).label)} for m in booking.marks]


def _slot_row(row: queries.BoardSlot) -> dict[str, Any]:
    s, b = row.slot, row.booking
    return {
        "id": s.pk,
        "official": official_out(s.official),
        "starts_at": timezone.localtime(s.starts_at),
        "ends_at": timezone.localtime(s.ends_at),
        "place": s.place,
        "open": s.is_open,
        "free": row.free,
        "booking": {
            "id": b.pk,
            "appeal": {"id": b.appeal.pk, "incoming_number": b.appeal.incoming_number},
            "applicant": b.appeal.applicant_name,
            "source": b.source,
            "marks": marks_out(b),
            "attendance": b.attendance,
        }
        if b is not None
        else None,
    }


BOARD_HORIZON_DAYS = 2 * 366


def board_range(first: date | None, last: date | None) -> tuple[date, date]:
    today = timezone.localdate()
    for day in (first, last):
        if day is not None and abs((day - today).days) > BOARD_HORIZON_DAYS:
            raise InvalidInput(
                _("Choose dates within two years of today."),
                code="invalid_period",
                fields={"from" if day is first else "to": [str(day)]},
            )
    first = first or today
    last = last or first + timedelta(days=queries.FREE_SLOTS_DAYS - 1)
    if last < first or (last - first).days >= queries.MAX_BOARD_DAYS:
        raise InvalidInput(
            _("Choose a period of up to %(n)s days.") % {"n": queries.MAX_BOARD_DAYS},
            code="invalid_period",
            fields={"to": [str(last)]},
        )
    return first, last


@router.get("/slots", response=list[SlotOut], auth=STAFF)
def list_slots(request: HttpRequest, filters: Query[SlotFilter]) -> list[dict[str, Any]]:
    """Slots from ``from`` to ``to`` (default: the next 14 days), free or taken, with the
    booked appeal and the consumer's name."""
    appeal_access.require(access.can_book(request.user))
    first, last = board_range(filters.from_, filters.to)
    rows = queries.board_slots(first=first, last=last, official_id=filters.official)
    return [_slot_row(r) for r in rows]


# ---- staff: bookings ---------------------------------------------------------------------


class BookingIn(Schema):
    slot: int
    appeal: int | None = Field(None, description="id of an appeal already registered")
    incoming_number: str | None = Field(
        None, max_length=20, description="or its incoming number, instead of the id"
    )
    applicant: ApplicantIn | None = Field(None, description="the caller, for a phone sign-up")
    text: str = Field("", max_length=appeal_services.MAX_TEXT)
    kind: Kind | None = None
    language: str | None = Field(None, pattern="^(kk|ru)$")
    topic: int | None = Field(None, ge=1, le=6)
    by_phone: bool = False


class BookingOut(Schema):
    id: int
    slot: int
    starts_at: datetime
    ends_at: datetime
    place: str
    official: OfficialOut
    appeal: AppealRef
    source: str
    marks: list[MarkOut]
    announcement: str = Field(..., description="what to read out to the consumer")
    booked_at: datetime
    booked_by: str
    cancelled_at: datetime | None
    attendance: str
    outcome_text: str
    outcome_at: datetime | None


def booking_out(b: Booking) -> dict[str, Any]:
    s = b.slot
    return {
        "id": b.pk,
        "slot": s.pk,
        "starts_at": timezone.localtime(s.starts_at),
        "ends_at": timezone.localtime(s.ends_at),
        "place": s.place,
        "official": official_out(s.official),
        "appeal": {"id": b.appeal.pk, "incoming_number": b.appeal.incoming_number},
        "source": b.source,
        "marks": marks_out(b),
        "announcement": notices.announcement(b),
        "booked_at": b.booked_at,
        "booked_by": b.booked_by.get_username(),
        "cancelled_at": b.cancelled_at,
        "attendance": b.attendance,
        "outcome_text": b.outcome_text,
        "outcome_at": b.outcome_at,
    }


def get_booking(pk: int) -> Booking:
    qs = Booking.objects.select_related("slot__official__department", "appeal", "booked_by")
    return get_object_or_404(qs, pk=pk)


def find_appeal(user: Any, *, pk: int | None = None, number: str | None = None) -> Appeal:
    """An appeal the user may see, by id or incoming number; otherwise a field error."""
    qs = appeal_access.visible_appeals(user)
    found = (
        qs.filter(pk=pk).first()
        if pk is not None
        else qs.filter(incoming_number=(number or "").strip()).first()
    )
    if found is None:
        raise InvalidInput(
            _("No appeal with this number."),
            code="unknown_appeal",
            fields={"appeal" if pk is not None else "incoming_number": [_("Not found.")]},
        )
    return found


def _caller_input(body: BookingIn) -> appeal_services.AppealInput:
    assert body.applicant is not None
    missing: dict[str, list[str]] = {}
    if body.kind is None:
        missing["kind"] = [_("This field is required.")]
    if not body.text.strip():
        missing["text"] = [_("Write down the caller's question.")]
    if missing:
        raise InvalidInput(
            _("Please fill in the required fields."), code="missing_fields", fields=missing
        )
    email, phone = _clean_contacts(body.applicant)
    return applicant_input(
        body.applicant,
        email=email,
        phone=phone,
        channel=Channel.PERSONAL_RECEPTION,
        kind=str(body.kind),
        text=body.text,
        topic=body.topic,
        language=body.language,
    )


@router.post("/bookings", response={201: BookingOut}, auth=STAFF)
def create_booking(request: HttpRequest, body: BookingIn) -> Status[dict[str, Any]]:
    """Sign up (K-7): ``appeal`` (or ``incoming_number``) for an appeal in the registry, or
    ``applicant`` + ``text`` + ``kind`` with ``by_phone: true`` for a phone call (a new
    appeal is registered with the channel ``personal_reception``). 409 ``slot_taken``,
    ``slot_unavailable``, ``already_booked``, ``appeal_closed``; 422 ``slot_in_past``,
    ``unknown_slot``, ``unknown_appeal``, ``appeal_or_applicant``, ``phone_only``,
    ``missing_fields``."""
    appeal_access.require(access.can_book(request.user))
    by_ref = body.appeal is not None or bool(body.incoming_number)
    if by_ref == (body.applicant is not None):
        raise InvalidInput(
            _("Give either the appeal or the caller's data and question."),
            code="appeal_or_applicant",
            fields={"appeal": [_("Give either the appeal or the caller's data.")]},
        )
    appeal = None
    new_appeal = None
    if by_ref:
        appeal = find_appeal(request.user, pk=body.appeal, number=body.incoming_number)
    else:
        new_appeal = _caller_input(body)
    booking = services.book_slot(
        slot_id=body.slot,
        appeal=appeal,
        new_appeal=new_appeal,
        by_phone=body.by_phone,
        actor=request.user,
    )
    return Status(201, booking_out(get_booking(booking.pk)))


@router.get("/bookings/{booking_id}", response=BookingOut, auth=STAFF)
def read_booking(request: HttpRequest, booking_id: int) -> dict[str, Any]:
    appeal_access.require(access.can_book(request.user))
    return booking_out(get_booking(booking_id))


class CancelIn(Schema):
    reason: str = Field("", max_length=500)


@router.post("/bookings/{booking_id}/cancel", response=BookingOut, auth=STAFF)
def cancel(request: HttpRequest, booking_id: int, body: CancelIn | None = None) -> dict[str, Any]:
    """Cancel a sign-up; the slot is free again. 409 ``already_cancelled``,
    ``outcome_already_recorded``."""
    appeal_access.require(access.can_book(request.user))
    booking = get_booking(booking_id)
    reason = body.reason if body is not None else ""
    services.cancel_booking(booking=booking, reason=reason, actor=request.user)
    return booking_out(get_booking(booking_id))


class OutcomeIn(Schema):
    attended: bool
    text: str = Field("", max_length=appeal_services.MAX_TEXT)
    close_as: Outcome | None = Field(
        None, description="register the answer as given in person with this outcome"
    )
    reasons: str = Field("", max_length=5000, description="for close_as = refused")


@router.post("/bookings/{booking_id}/outcome", response=BookingOut, auth=STAFF)
def outcome(request: HttpRequest, booking_id: int, body: OutcomeIn) -> dict[str, Any]:
    """The outcome of the reception (attended / did not come, what was decided); with
    ``close_as`` the answer is registered (method ``in_person``). 409
    ``booking_cancelled``, ``outcome_already_recorded``, ``reception_not_started``."""
    appeal_access.require(access.can_record_outcome(request.user))
    booking = get_booking(booking_id)
    services.record_outcome(
        booking=booking,
        attended=body.attended,
        text=body.text,
        close_as=body.close_as.value if body.close_as else None,
        reasons=body.reasons,
        actor=request.user,
    )
    return booking_out(get_booking(booking_id))
