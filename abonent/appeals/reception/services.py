"""Writes of the personal reception (K-7): generating slots from the published hours,
booking a slot on a written appeal or on a phone call, cancelling, recording the outcome.
Each is atomic and writes its audit row on the appeal in the same transaction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from abonent.appeals import services as appeal_services
from abonent.appeals.codes import AnswerMethod, ApplicantType, Channel, Outcome
from abonent.appeals.models import Appeal
from abonent.appeals.reception import notices
from abonent.appeals.reception.models import (
    Attendance,
    Booking,
    ReceptionHours,
    ReceptionOfficial,
    ReceptionSlot,
    Source,
)
from abonent.appeals.reception.rules import HoursLine, PlannedSlot, plan_slots
from abonent.core import audit
from abonent.core.errors import DomainError, InvalidInput
from abonent.workdays.calendar import TIMEZONE
from abonent.workdays.services import get_calendar

DEFAULT_WEEKS = 4
MAX_WEEKS = 26
MAX_OUTCOME_TEXT = appeal_services.MAX_TEXT


# ---- slots -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    created: int
    updated: int
    withdrawn: int
    removed: int
    kept_booked: int


def _lines() -> list[HoursLine]:
    return [
        HoursLine(
            official_id=h.official_id,
            hours_id=h.pk,
            weekday=h.weekday,
            starts=h.starts,
            ends=h.ends,
            slot_minutes=h.slot_minutes,
            place_ru=h.place_ru,
            place_kk=h.place_kk,
        )
        for h in ReceptionHours.objects.filter(is_active=True, official__is_active=True)
    ]


def _differs(slot: ReceptionSlot, plan: PlannedSlot) -> bool:
    return (slot.ends_at, slot.place_ru, slot.place_kk, slot.hours_id, slot.is_open) != (
        plan.ends_at,
        plan.place_ru,
        plan.place_kk,
        plan.hours_id,
        True,
    )


@dataclass
class _Changes:
    """What one run does to the slots of its window, and to whose."""

    new: list[ReceptionSlot] = field(default_factory=list)
    changed: list[ReceptionSlot] = field(default_factory=list)
    withdrawn: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    kept_booked: int = 0
    per_official: dict[int, Counter[str]] = field(default_factory=dict)

    def count(self, official_id: int, what: str) -> None:
        self.per_official.setdefault(official_id, Counter())[what] += 1


def _reconcile(
    existing: list[ReceptionSlot], wanted: dict[tuple[int, datetime], PlannedSlot]
) -> _Changes:
    """Compare the slots there are (annotated ``taken``, ``ever_booked``) with the slots the
    hours give. A booked slot is never touched: the consumer was told that time."""
    out = _Changes()
    wanted = dict(wanted)
    for slot in existing:
        plan = wanted.pop((slot.official_id, slot.starts_at), None)
        if slot.taken:  # type: ignore[attr-defined]
            out.kept_booked += plan is None
        elif plan is not None:
            if _differs(slot, plan):
                slot.ends_at, slot.place_ru, slot.place_kk = (
                    plan.ends_at,
                    plan.place_ru,
                    plan.place_kk,
                )
                slot.hours_id, slot.is_open = plan.hours_id, True
                out.changed.append(slot)
                out.count(slot.official_id, "updated")
        elif slot.ever_booked:  # type: ignore[attr-defined]
            if slot.is_open:
                out.withdrawn.append(slot.pk)
                out.count(slot.official_id, "withdrawn")
        else:
            out.removed.append(slot.pk)
            out.count(slot.official_id, "removed")
    for p in wanted.values():
        out.new.append(
            ReceptionSlot(
                official_id=p.official_id,
                hours_id=p.hours_id,
                starts_at=p.starts_at,
                ends_at=p.ends_at,
                place_ru=p.place_ru,
                place_kk=p.place_kk,
            )
        )
        out.count(p.official_id, "created")
    return out


@transaction.atomic
def generate_slots(
    *,
    weeks: int = DEFAULT_WEEKS,
    today: date | None = None,
    now: datetime | None = None,
    actor: Any = None,
) -> Generated:
    """Make the slots of the coming ``weeks`` match the hours, on working days only.
    Idempotent: a second run changes nothing. A slot the hours no longer give is removed
    when nobody ever booked it, closed when only cancelled bookings refer to it, and kept
    as it is while it is booked. Each official whose slots changed gets an audit row."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(
            _("Between 1 and %(n)s weeks.") % {"n": MAX_WEEKS},
            code="invalid_weeks",
            fields={"weeks": [str(weeks)]},
        )
    now = now or timezone.now()
    first = today or timezone.localtime(now, TIMEZONE).date()
    last = first + timedelta(days=weeks * 7 - 1)
    cal = get_calendar(around=first)
    planned = plan_slots(_lines(), first, last, cal.is_working_day)
    wanted = {p.key: p for p in planned if p.starts_at > now}
    since = max(now, datetime.combine(first, time.min, tzinfo=TIMEZONE))
    until = datetime.combine(last + timedelta(days=1), time.min, tzinfo=TIMEZONE)
    window = ReceptionSlot.objects.filter(starts_at__gt=since, starts_at__lt=until)
    # Lock first, then read the bookings in a new statement: it sees every booking that
    # committed while this run waited for the locks.
    list(window.select_for_update().values_list("pk", flat=True))
    existing = list(
        window.annotate(
            taken=Exists(Booking.objects.active().filter(slot_id=OuterRef("pk"))),
            ever_booked=Exists(Booking.objects.filter(slot_id=OuterRef("pk"))),
        )
    )
    ch = _reconcile(existing, wanted)
    # A concurrent run may have made the same slot: the unique constraint keeps one.
    ReceptionSlot.objects.bulk_create(ch.new, ignore_conflicts=True)
    ReceptionSlot.objects.bulk_update(
        ch.changed, ["ends_at", "place_ru", "place_kk", "hours_id", "is_open"]
    )
    ReceptionSlot.objects.filter(pk__in=ch.withdrawn).update(is_open=False)
    ReceptionSlot.objects.filter(pk__in=ch.removed).delete()
    for pk, official in ReceptionOfficial.objects.in_bulk(list(ch.per_official)).items():
        audit.record(
            actor=actor,
            action="reception.slots_generated",
            obj=official,
            after={**ch.per_official[pk], "from": first, "to": last},
        )
    return Generated(
        created=len(ch.new),
        updated=len(ch.changed),
        withdrawn=len(ch.withdrawn),
        removed=len(ch.removed),
        kept_booked=ch.kept_booked,
    )


# ---- bookings ----------------------------------------------------------------------------


def _slot_for_booking(slot_id: int) -> ReceptionSlot:
    slot = (
        ReceptionSlot.objects.select_for_update(of=("self",))
        .select_related("official")
        .filter(pk=slot_id)
        .first()
    )
    if slot is None:
        raise InvalidInput(
            _("There is no such reception slot."),
            code="unknown_slot",
            fields={"slot": [_("Choose a slot from the schedule.")]},
        )
    if slot.starts_at <= timezone.now():
        raise InvalidInput(
            _("This reception time has already passed."),
            code="slot_in_past",
            fields={"slot": [_("Choose a time in the future.")]},
        )
    if not slot.is_open or not slot.official.is_active:
        raise DomainError(_("This reception time is no longer offered."), code="slot_unavailable")
    if Booking.objects.active().filter(slot=slot).exists():
        raise DomainError(_("This reception time is already taken."), code="slot_taken")
    return slot


def _check_caller(data: appeal_services.AppealInput) -> None:
    """A phone sign-up needs someone to receive and a way to reach them (K-2, K-7)."""
    required = _("This field is required.")
    missing: dict[str, list[str]] = {}
    if data.applicant_type == ApplicantType.ANONYMOUS:
        missing["applicant.type"] = [_("A personal reception needs the caller's name.")]
    elif data.applicant_type == ApplicantType.LEGAL_ENTITY:
        if not data.org_name.strip():
            missing["applicant.org_name"] = [required]
    else:
        for f in ("last_name", "first_name"):
            if not getattr(data, f).strip():
                missing[f"applicant.{f}"] = [required]
    if not data.phone.strip():
        missing["applicant.phone"] = [required]
    if len(data.text.strip()) < 5:
        missing["text"] = [_("Write down the caller's question.")]
    if missing:
        raise InvalidInput(
            _("Please fill in the required fields."), code="missing_fields", fields=missing
        )


def _lock_open_appeal(appeal: Appeal) -> Appeal:
    locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not locked.is_open:
        raise DomainError(
            _("Appeal No. %(n)s is closed.") % {"n": locked.incoming_number}, code="appeal_closed"
        )
    pending = Booking.objects.active().filter(appeal=locked, attendance="").first()
    if pending is not None:
        raise DomainError(
            _("Appeal No. %(n)s already has a reception booked.") % {"n": locked.incoming_number},
            code="already_booked",
            extra={"booking": pending.pk},
        )
    return locked


def booking_facts(booking: Booking) -> dict[str, Any]:
    slot = booking.slot
    return {
        "booking": booking.pk,
        "slot": slot.pk,
        "official": slot.official.full_name,
        "starts_at": slot.starts_at,
        "place": slot.place_ru,
        "source": booking.source,
        "marks": [str(m.value) for m in booking.marks],
    }


@transaction.atomic
def book_slot(
    *,
    slot_id: int,
    appeal: Appeal | None = None,
    new_appeal: appeal_services.AppealInput | None = None,
    by_phone: bool,
    actor: Any,
) -> Booking:
    """Sign a consumer up (K-7): on an appeal already registered (its written appeal, or a
    call about it) or, on a phone call, on a new appeal registered here with the channel
    "personal reception". The appeal carries the stamp "С приема"; a phone sign-up is
    also marked "принято по телефону". The slot row is locked, so two desks booking the
    same time queue and the second is told it is taken; the unique constraint is the
    backstop. The consumer's mail is queued in the same transaction."""
    if (appeal is None) == (new_appeal is None):
        raise InvalidInput(
            _("Give either the appeal or the caller's data and question."),
            code="appeal_or_applicant",
            fields={"appeal": [_("Give either the appeal or the caller's data.")]},
        )
    if new_appeal is not None and not by_phone:
        raise InvalidInput(
            _("A new appeal is registered here only from a phone call."),
            code="phone_only",
            fields={"by_phone": [_("A written appeal is registered in the journal first.")]},
        )
    slot = _slot_for_booking(slot_id)
    if appeal is not None:
        appeal = _lock_open_appeal(appeal)
    else:
        assert new_appeal is not None
        _check_caller(new_appeal)
        new_appeal.channel = Channel.PERSONAL_RECEPTION
        appeal = appeal_services.register_appeal(data=new_appeal, actor=actor)
    source = Source.PHONE if by_phone else Source.WRITTEN
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                slot=slot,
                appeal=appeal,
                source=source,
                mark_from_reception=True,
                mark_by_phone=source == Source.PHONE,
                booked_by=actor,
            )
    except IntegrityError:
        if Booking.objects.active().filter(slot=slot).exists():
            raise DomainError(
                _("This reception time is already taken."), code="slot_taken"
            ) from None
        raise DomainError(
            _("Appeal No. %(n)s already has a reception booked.") % {"n": appeal.incoming_number},
            code="already_booked",
        ) from None
    audit.record(actor=actor, action="reception.booked", obj=appeal, after=booking_facts(booking))
    if appeal.email:
        notices.queue_booking_notice(booking)
    return booking


def _locked_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot__official", "appeal")
        .get(pk=booking.pk)
    )


@transaction.atomic
def cancel_booking(*, booking: Booking, reason: str = "", actor: Any) -> Booking:
    """Cancel a sign-up: the slot is free again. A consumer with an e-mail is told when the
    reception was still ahead."""
    booking = _locked_booking(booking)
    if booking.cancelled_at is not None:
        raise DomainError(_("The booking is already cancelled."), code="already_cancelled")
    if booking.attendance:
        raise DomainError(
            _("The outcome of this reception is already recorded."),
            code="outcome_already_recorded",
        )
    booking.cancelled_at = timezone.now()
    booking.cancelled_by = actor
    booking.cancel_reason = reason.strip()[:500]
    booking.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    audit.record(
        actor=actor,
        action="reception.cancelled",
        obj=booking.appeal,
        before=booking_facts(booking),
        after={"cancelled_at": booking.cancelled_at},
        note=booking.cancel_reason,
    )
    if booking.appeal.email and booking.slot.starts_at > booking.cancelled_at:
        notices.queue_cancel_notice(booking)
    return booking


@transaction.atomic
def record_outcome(
    *,
    booking: Booking,
    attended: bool,
    text: str,
    close_as: str | None = None,
    reasons: str = "",
    actor: Any,
) -> Booking:
    """The outcome of the reception, on the booking and in the appeal's history. When it
    closes the matter, the answer is registered as given in person (W-5), in the appeal's
    language; a refusal of that answer rolls the whole outcome back."""
    booking = _locked_booking(booking)
    if booking.cancelled_at is not None:
        raise DomainError(_("The booking is cancelled."), code="booking_cancelled")
    if booking.attendance:
        raise DomainError(
            _("The outcome of this reception is already recorded."),
            code="outcome_already_recorded",
        )
    if booking.slot.starts_at > timezone.now():
        raise DomainError(_("The reception has not started yet."), code="reception_not_started")
    text = text.strip()
    errors: dict[str, list[str]] = {}
    if attended and not text:
        errors["text"] = [_("Write down the outcome of the reception.")]
    if len(text) > MAX_OUTCOME_TEXT:
        errors["text"] = [_("Up to %(n)s characters.") % {"n": MAX_OUTCOME_TEXT}]
    if close_as and close_as not in Outcome.values:
        errors["close_as"] = [_("Unknown outcome.")]
    if close_as and not attended:
        errors["close_as"] = [_("A reception the consumer did not come to answers nothing.")]
    if errors:
        raise InvalidInput(_("Some fields are invalid."), fields=errors)
    booking.attendance = Attendance.ATTENDED if attended else Attendance.NO_SHOW
    booking.outcome_text = text
    booking.outcome_by = actor
    booking.outcome_at = timezone.now()
    booking.save(update_fields=["attendance", "outcome_text", "outcome_by", "outcome_at"])
    audit.record(
        actor=actor,
        action="reception.outcome",
        obj=booking.appeal,
        after={
            "booking": booking.pk,
            "attendance": booking.attendance,
            "outcome_text": booking.outcome_text,
            "closes": close_as or "",
        },
        note=text[:500],
    )
    if close_as:
        appeal_services.register_answer(
            appeal=booking.appeal,
            text=text,
            language=booking.appeal.language,
            outcome=close_as,
            method=AnswerMethod.IN_PERSON,
            reasons=reasons,
            actor=actor,
        )
    return booking
