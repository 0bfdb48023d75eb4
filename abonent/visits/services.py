"""Every write of home visits: planning (V-1), changes of time (V-2), leaving for an urgent
visit, the outcome, cancelling, letters printed, SMS delivery reports. Each is one
``@transaction.atomic`` function with keyword-only arguments and ``actor=``, writing an audit
row; notices are rows plus tasks enqueued in the same transaction (sent by the worker)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from abonent.core import audit
from abonent.core.errors import DomainError, Forbidden, InvalidInput, InvalidTransition
from abonent.core.lib.transitions import TransitionMap
from abonent.visits import codes, rules
from abonent.visits.access import FIELD_STAFF, can_override_late_change
from abonent.visits.models import (
    ACTIVE_STATUSES,
    Channel,
    EmployeeCard,
    NoticeKind,
    NoticeStatus,
    Outcome,
    Purpose,
    Visit,
    VisitChange,
    VisitEmployee,
    VisitNotice,
    VisitStatus,
)
from abonent.workdays.calendar import WorkCalendar
from abonent.workdays.services import get_calendar

AUDITED = ["starts_at", "ends_at", "status", "outcome", "urgent", "notify_by", "appeal_id"]
TRANSITIONS = TransitionMap(
    {
        VisitStatus.PLANNED: [VisitStatus.DEPARTED, VisitStatus.FINISHED, VisitStatus.CANCELLED],
        VisitStatus.DEPARTED: [VisitStatus.FINISHED, VisitStatus.CANCELLED],
    }
)
MAX_EMPLOYEES = 4
# Visits are planned for the coming months, not centuries: a bound keeps hostile or mistyped
# dates (0001-01-01, 9999-12-31) a clear 422 instead of an overflow in the calendar.
MAX_DAYS_AHEAD = 366
_PHONE_RE = re.compile(r"^\+?\d{10,15}$")


def now() -> datetime:
    """The clock, in one place so tests can set it."""
    return timezone.now()


def visit_hours() -> rules.VisitHours:
    return rules.parse_hours(settings.ABONENT_VISITS_HOURS)


@dataclass
class VisitInput:
    address: str
    purpose: str
    reason: str
    employees: Sequence[str]
    starts_at: datetime
    ends_at: datetime
    urgent: bool = False
    urgency_reason: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    language: str = "ru"
    account: str = ""
    appeal: str = ""
    print_letter: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- checks


def _check_bounds(starts_at: datetime, ends_at: datetime, at: datetime) -> None:
    """Before any calendar work: times with an offset, not in the past, not absurdly far
    ahead (a year 9999 or 0001 would overflow the calendar's and Astana's arithmetic)."""
    code = ""
    if any(t.tzinfo is None or t.utcoffset() is None for t in (starts_at, ends_at)):
        code = "invalid_window"
        message = _("Give the time with its offset from UTC, e.g. 2026-03-20T10:15:00+05:00.")
    else:
        try:
            starts_utc = starts_at.astimezone(UTC)
            ends_utc = ends_at.astimezone(UTC)
            far = ends_utc > at + timedelta(days=MAX_DAYS_AHEAD)
        except OverflowError:
            starts_utc = ends_utc = at
            far = starts_at.year > at.year
        if not far and starts_utc <= at:
            code = "in_the_past"
            message = _("The visit cannot be in the past.")
        elif far:
            code = "too_far_ahead"
            message = _("A visit can be planned at most %(days)s days ahead.") % {
                "days": MAX_DAYS_AHEAD
            }
        elif ends_utc <= starts_utc:
            code = "invalid_window"
            message = _("The visit must end after it starts, on the same day.")
    if code:
        raise InvalidInput(message, code=code, fields={"starts_at": [message]})


def _check_window(cal: WorkCalendar, starts_at: datetime, ends_at: datetime, at: datetime) -> None:
    problem = rules.window_problem(cal, visit_hours(), starts_at, ends_at, at)
    if problem is None:
        return
    hours = visit_hours()
    messages = {
        "invalid_window": _("The visit must end after it starts, on the same day."),
        "in_the_past": _("The visit cannot be in the past."),
        "outside_working_hours": _(
            "Visits take place on working days between %(start)s and %(end)s."
        )
        % {"start": f"{hours.start:%H:%M}", "end": f"{hours.end:%H:%M}"},
    }
    raise InvalidInput(messages[problem], code=problem, fields={"starts_at": [messages[problem]]})


def _employees(usernames: Sequence[str]) -> list[Any]:
    names = [u.strip() for u in usernames if u and u.strip()]
    if not names or len(names) > MAX_EMPLOYEES or len(set(names)) != len(names):
        raise InvalidInput(
            _("Name one to four different employees."),
            code="invalid_employees",
            fields={"employees": [_("Name one to four different employees.")]},
        )
    found = {
        u.get_username(): u
        for u in get_user_model()
        .objects.filter(username__in=names, is_active=True, groups__name__in=FIELD_STAFF)
        .select_related("profile")
        .distinct()
    }
    unknown = [n for n in names if n not in found]
    if unknown:
        raise InvalidInput(
            _("Unknown employee: %(names)s.") % {"names": ", ".join(unknown)},
            code="unknown_employee",
            fields={"employees": unknown},
        )
    return [found[n] for n in names]


def _lock_employees(users: Sequence[Any]) -> None:
    """Serialise planning per employee: two planners cannot book one person twice."""
    for user in users:
        EmployeeCard.objects.get_or_create(user=user)
    list(
        EmployeeCard.objects.select_for_update()
        .filter(user__in=[u.pk for u in users])
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _check_free(
    users: Sequence[Any], starts_at: datetime, ends_at: datetime, exclude: int | None = None
) -> None:
    clash = VisitEmployee.objects.filter(
        employee__in=[u.pk for u in users],
        visit__status__in=ACTIVE_STATUSES,
        visit__starts_at__lt=ends_at,
        visit__ends_at__gt=starts_at,
    ).select_related("employee")
    if exclude is not None:
        clash = clash.exclude(visit_id=exclude)
    conflicts = [{"employee": c.employee.get_username(), "visit": c.visit_id} for c in clash]
    if conflicts:
        raise DomainError(
            _("The employee already has a visit at that time."),
            code="double_booking",
            extra={"conflicts": conflicts},
        )


def _clean_contacts(data: VisitInput) -> tuple[str, str]:
    phone = re.sub(r"[\s\-()]", "", data.phone or "")
    if phone.startswith("8") and len(phone) == 11:
        phone = "+7" + phone[1:]
    if phone and not _PHONE_RE.match(phone):
        raise InvalidInput(
            _("Enter the phone with its area code, digits only."),
            code="invalid_phone",
            fields={"phone": [_("Enter the phone with its area code, digits only.")]},
        )
    email = (data.email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            message = _("Enter a valid e-mail address.")
            raise InvalidInput(message, code="invalid_email", fields={"email": [message]}) from None
    return phone, email


def _resolve_links(data: VisitInput) -> tuple[Any, Any, Any]:
    from abonent.appeals.models import Appeal
    from abonent.cabinet.models import Account

    account = None
    if data.account:
        account = Account.objects.select_related("consumer").filter(number=data.account).first()
        if account is None:
            raise InvalidInput(
                _("Unknown account."), code="unknown_account", fields={"account": [data.account]}
            )
    appeal = None
    if data.appeal:
        appeal = Appeal.objects.filter(incoming_number=data.appeal).first()
        if appeal is None:
            raise InvalidInput(
                _("Unknown appeal."), code="unknown_appeal", fields={"appeal": [data.appeal]}
            )
    return account, account.consumer if account is not None else None, appeal


# --------------------------------------------------------------------------- notices


def _queue_notices(
    visit: Visit, *, kind: str, due_at: datetime, channels: Sequence[str]
) -> list[VisitNotice]:
    from abonent.visits.tasks import send_visit_notice

    targets = {Channel.SMS: visit.phone, Channel.EMAIL: visit.email, Channel.LETTER: visit.address}
    made = []
    for channel in channels:
        notice = VisitNotice.objects.create(
            visit=visit,
            kind=kind,
            channel=channel,
            to=targets[Channel(channel)],
            due_at=due_at,
            starts_at=visit.starts_at,
            ends_at=visit.ends_at,
        )
        if channel != Channel.LETTER:  # letters are printed by staff
            send_visit_notice.enqueue(notice_id=notice.pk)
        made.append(notice)
    return made


def _supersede_pending(visit: Visit, why: str) -> int:
    """V-2: notices of the old time (or of a cancelled visit) that have not gone out yet are
    kept, marked "not sent": the ones still queued, letters not printed yet, and failed ones
    the worker would otherwise retry with the old time."""
    return (
        VisitNotice.objects.filter(visit=visit)
        .filter(
            Q(status=NoticeStatus.QUEUED) | Q(status=NoticeStatus.FAILED, gave_up=False),
        )
        .update(status=NoticeStatus.SUPERSEDED, gave_up=True, last_error=why)
    )


def _electronic_channels(visit: Visit) -> list[str]:
    return [c for c, to in ((Channel.SMS, visit.phone), (Channel.EMAIL, visit.email)) if to]


def _no_channel() -> InvalidInput:
    message = _("Give a phone or an e-mail to notify the consumer.")
    return InvalidInput(message, code="no_notice_channel", fields={"phone": [message]})


def _code_expiry(visit: Visit) -> datetime:
    return visit.ends_at + timedelta(minutes=settings.ABONENT_VISITS_CODE_GRACE_MINUTES)


def _assign_code(visit: Visit) -> None:
    """A fresh code, unique among active visits (a clash, one in billions, draws again)."""
    for _attempt in range(5):
        salt = codes.new_salt()
        digest = codes.hash_code(codes.derive(salt))
        if not Visit.objects.filter(code_hash=digest, code_active=True).exists():
            visit.code_salt, visit.code_hash = salt, digest
            return
    raise RuntimeError("could not draw a unique visit code")


def _link_appeal(appeal: Any, actor: Any) -> None:
    """D-2: an on-site inspection moves the appeal to the 30-calendar-day term, through the
    registry's own service. An appeal whose term was already extended keeps that term."""
    from abonent.appeals.services import mark_needs_external_info

    try:
        mark_needs_external_info(appeal=appeal, actor=actor)
    except DomainError as exc:
        if exc.code != "already_extended":
            raise


# --------------------------------------------------------------------------- planning


@transaction.atomic
def plan_visit(*, data: VisitInput, actor: Any) -> Visit:
    """V-1. A non-urgent visit needs its notice out no later than 5 working days before it
    (``notify_by``), else 422 ``notice_too_late``; an urgent one needs a reason and is
    announced when the employee leaves."""
    at = now()
    _check_bounds(data.starts_at, data.ends_at, at)
    cal = get_calendar(around=rules.local(data.starts_at).date())
    if data.purpose not in Purpose.values:
        raise InvalidInput(
            _("Unknown purpose."), code="unknown_purpose", fields={"purpose": [data.purpose]}
        )
    if not data.address.strip() or not data.reason.strip():
        missing = [f for f in ("address", "reason") if not getattr(data, f).strip()]
        raise InvalidInput(
            _("Give the address and the reason of the visit."),
            code="required",
            fields={f: [_("This field is required.")] for f in missing},
        )
    if data.language not in {"ru", "kk"}:
        raise InvalidInput(_("Choose ru or kk."), code="invalid_language")
    _check_window(cal, data.starts_at, data.ends_at, at)
    users = _employees(data.employees)
    phone, email = _clean_contacts(data)
    account, consumer, appeal = _resolve_links(data)
    deadline: datetime | None = None
    if data.urgent:
        if not data.urgency_reason.strip():
            message = _("An urgent visit needs the reason for urgency.")
            raise InvalidInput(
                message, code="urgency_reason_required", fields={"urgency_reason": [message]}
            )
        if not (phone or email):
            raise _no_channel()
    else:
        deadline = rules.notify_by(cal, data.starts_at)
        if at >= deadline:
            earliest = rules.earliest_visit_day(cal, at)
            raise InvalidInput(
                _(
                    "The consumer must be notified no later than 5 working days before the "
                    "visit: the notice had to go out by %(deadline)s. The earliest day for a "
                    "visit planned now is %(earliest)s."
                )
                % {
                    "deadline": f"{rules.local(deadline):%d.%m.%Y %H:%M}",
                    "earliest": f"{earliest:%d.%m.%Y}",
                },
                code="notice_too_late",
                extra={"notify_by": deadline.isoformat(), "earliest_date": earliest.isoformat()},
            )
        if not (phone or email or data.print_letter):
            raise _no_channel()
    _lock_employees(users)
    _check_free(users, data.starts_at, data.ends_at)
    visit = Visit(
        account=account,
        consumer=consumer,
        contact_name=data.contact_name.strip(),
        phone=phone,
        email=email,
        address=data.address.strip(),
        language=data.language,
        purpose=data.purpose,
        reason=data.reason.strip(),
        appeal=appeal,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        urgent=data.urgent,
        urgency_reason=data.urgency_reason.strip() if data.urgent else "",
        notify_by=deadline,
        print_letter=data.print_letter and not data.urgent,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=at,
    )
    visit.code_expires_at = _code_expiry(visit)
    _assign_code(visit)
    try:
        with transaction.atomic():
            visit.save(force_insert=True)
    except IntegrityError as exc:  # the unique active code, drawn concurrently
        raise DomainError(_("Please try again."), code="retry") from exc
    VisitEmployee.objects.bulk_create(
        [VisitEmployee(visit=visit, employee=u, position=i) for i, u in enumerate(users)]
    )
    if deadline is not None:
        channels = _electronic_channels(visit) + ([Channel.LETTER] if visit.print_letter else [])
        _queue_notices(visit, kind=NoticeKind.PLANNED, due_at=deadline, channels=channels)
    if appeal is not None:
        _link_appeal(appeal, actor)
    audit.record(
        actor=actor,
        action="visit.planned",
        obj=visit,
        after={**audit.snapshot(visit, AUDITED), "employees": [u.get_username() for u in users]},
    )
    return visit


def _locked(visit: Visit | int) -> Visit:
    pk = visit if isinstance(visit, int) else visit.pk
    return Visit.objects.select_for_update().get(pk=pk)


def _check_active(visit: Visit) -> None:
    if not visit.is_active:
        raise InvalidTransition(
            _("The visit is already finished or cancelled."),
            code="visit_closed",
            extra={"status": visit.status},
        )


@transaction.atomic
def reschedule_visit(
    *,
    visit: Visit,
    starts_at: datetime,
    ends_at: datetime,
    override_reason: str = "",
    actor: Any,
) -> VisitChange:
    """V-2: the change must reach the consumer no later than 2 hours before the time agreed
    earlier. Later, only a head may override, with a reason; the change is marked late and
    listed in the planner's report. Notices of the old time not sent yet are superseded."""
    at = now()
    visit = _locked(visit)
    _check_active(visit)
    _check_bounds(starts_at, ends_at, at)
    cal = get_calendar(around=rules.local(starts_at).date())
    _check_window(cal, starts_at, ends_at, at)
    deadline = rules.change_deadline(visit.starts_at)
    late = at > deadline
    reason = override_reason.strip()
    if late:
        if not can_override_late_change(actor):
            raise InvalidInput(
                _(
                    "The change had to reach the consumer by %(deadline)s (2 hours before the "
                    "agreed time). Only a head can override this, with a reason."
                )
                % {"deadline": f"{rules.local(deadline):%d.%m.%Y %H:%M}"},
                code="change_too_late",
                extra={"deadline": rules.local(deadline).isoformat()},
            )
        if not reason:
            message = _("Give the reason for the late change.")
            raise InvalidInput(
                message, code="override_reason_required", fields={"override_reason": [message]}
            )
    users = [a.employee for a in visit.assignments.select_related("employee")]
    _lock_employees(users)
    _check_free(users, starts_at, ends_at, exclude=visit.pk)
    before = audit.snapshot(visit, AUDITED)
    change = VisitChange.objects.create(
        visit=visit,
        old_starts_at=visit.starts_at,
        old_ends_at=visit.ends_at,
        new_starts_at=starts_at,
        new_ends_at=ends_at,
        deadline=deadline,
        late=late,
        override_reason=reason if late else "",
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
        at=at,
    )
    _supersede_pending(visit, "superseded by a change of time")
    visit.starts_at, visit.ends_at = starts_at, ends_at
    visit.code_expires_at = _code_expiry(visit)
    # An employee already on the way to the old time is not on the way to the new one: the
    # visit is planned again, and "Leaving" (with its notice for an urgent visit) comes anew.
    visit.status, visit.departed_at = VisitStatus.PLANNED, None
    visit.save(update_fields=["starts_at", "ends_at", "code_expires_at", "status", "departed_at"])
    channels = _electronic_channels(visit) or [Channel.LETTER]
    _queue_notices(visit, kind=NoticeKind.CHANGED, due_at=max(deadline, at), channels=channels)
    audit.record(
        actor=actor,
        action="visit.late_change" if late else "visit.rescheduled",
        obj=visit,
        before=before,
        after=audit.snapshot(visit, AUDITED),
        note=reason,
    )
    return change


def _check_own(visit: Visit, actor: Any) -> None:
    from abonent.visits.access import is_planner

    assigned = visit.assignments.filter(employee_id=getattr(actor, "pk", None)).exists()
    if not assigned and not is_planner(actor):
        raise Forbidden(_("This visit is not yours."), code="not_your_visit")


@transaction.atomic
def depart_visit(*, visit: Visit, actor: Any) -> Visit:
    """The employee marks "leaving". For an urgent visit this is when the consumer is told
    (V-1): SMS and/or e-mail, due at once."""
    at = now()
    visit = _locked(visit)
    _check_own(visit, actor)
    _check_active(visit)
    if rules.local(visit.starts_at).date() != rules.local(at).date():
        raise DomainError(_("You can leave only on the day of the visit."), code="not_today")
    before = audit.snapshot(visit, AUDITED)
    TRANSITIONS.check(visit.status, VisitStatus.DEPARTED)
    visit.status = VisitStatus.DEPARTED
    visit.departed_at = at
    visit.save(update_fields=["status", "departed_at"])
    if visit.urgent:
        _queue_notices(
            visit, kind=NoticeKind.DEPARTURE, due_at=at, channels=_electronic_channels(visit)
        )
    audit.record(
        actor=actor,
        action="visit.departed",
        obj=visit,
        before=before,
        after=audit.snapshot(visit, AUDITED),
    )
    return visit


@transaction.atomic
def record_outcome(*, visit: Visit, outcome: str, notes: str = "", actor: Any) -> Visit:
    """Done, consumer absent, refused entry, or rescheduled with the consumer on the spot
    (a new visit is planned for that). The visit's code expires now."""
    visit = _locked(visit)
    _check_own(visit, actor)
    if outcome not in Outcome.values:
        raise InvalidInput(
            _("Unknown outcome."), code="unknown_outcome", fields={"outcome": [outcome]}
        )
    _check_active(visit)
    at = now()
    if rules.local(at).date() < rules.local(visit.starts_at).date():
        # Nobody has been at the door yet: "done" or "absent" would be invented, and the
        # consumer's code would stop working before the visit.
        raise DomainError(
            _("The outcome can be recorded from the day of the visit."), code="not_today"
        )
    before = audit.snapshot(visit, AUDITED)
    TRANSITIONS.check(visit.status, VisitStatus.FINISHED)
    visit.status = VisitStatus.FINISHED
    visit.outcome = outcome
    visit.outcome_notes = notes.strip()[:4000]
    visit.finished_at = at
    visit.code_active = False
    visit.save(update_fields=["status", "outcome", "outcome_notes", "finished_at", "code_active"])
    audit.record(
        actor=actor,
        action="visit.finished",
        obj=visit,
        before=before,
        after=audit.snapshot(visit, AUDITED),
        note=visit.outcome_notes,
    )
    return visit


@transaction.atomic
def cancel_visit(*, visit: Visit, reason: str, actor: Any) -> Visit:
    visit = _locked(visit)
    _check_active(visit)
    if not reason.strip():
        message = _("Give the reason for cancelling.")
        raise InvalidInput(message, code="reason_required", fields={"reason": [message]})
    before = audit.snapshot(visit, AUDITED)
    visit.status = VisitStatus.CANCELLED
    visit.code_active = False
    visit.save(update_fields=["status", "code_active"])
    _supersede_pending(visit, "visit cancelled")
    audit.record(
        actor=actor,
        action="visit.cancelled",
        obj=visit,
        before=before,
        after=audit.snapshot(visit, AUDITED),
        note=reason.strip(),
    )
    return visit


@transaction.atomic
def mark_letter_printed(*, notice: VisitNotice, actor: Any) -> VisitNotice:
    notice = VisitNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.channel != Channel.LETTER or notice.status != NoticeStatus.QUEUED:
        raise InvalidTransition(_("This letter is not waiting to be printed."))
    notice.status = NoticeStatus.SENT
    notice.sent_at = now()
    notice.sent_by = actor
    notice.attempts += 1
    notice.save(update_fields=["status", "sent_at", "sent_by", "attempts"])
    audit.record(actor=actor, action="visit.letter_printed", obj=notice, after={"status": "sent"})
    return notice


@transaction.atomic
def record_delivery(*, provider_id: str, delivered: bool, error: str = "", actor: Any) -> int:
    """A delivery report from the SMS gateway; returns how many notices it concerned."""
    changed = 0
    for notice in VisitNotice.objects.select_for_update().filter(
        provider_id=provider_id, channel=Channel.SMS, status=NoticeStatus.SENT
    ):
        notice.status = NoticeStatus.DELIVERED if delivered else NoticeStatus.FAILED
        if delivered:
            notice.delivered_at = now()
        else:
            notice.last_error = (error or "not delivered")[:2000]
            notice.gave_up = True
        notice.save(update_fields=["status", "delivered_at", "last_error", "gave_up"])
        audit.record(
            actor=actor, action="visit.notice_delivery", obj=notice, after={"status": notice.status}
        )
        changed += 1
    return changed
