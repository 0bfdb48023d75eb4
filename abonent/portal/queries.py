"""Reads for the public pages, each in a fixed number of queries: offices with their hours,
"open now / opens at", the queue right now and the estimated wait (ORG-1, ORG-4, Q-1, W-7),
contact-centre hours, upcoming days off, current tariffs, questions and answers."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from abonent.core import hours
from abonent.core.hours import DateException
from abonent.core.models import Office, Schedule, Service, Window
from abonent.core.schedules import OpenStatus, schedules_with_exceptions, status_of
from abonent.equeue import services as queue
from abonent.equeue.models import Status as TicketStatus
from abonent.equeue.models import Ticket
from abonent.portal.models import ConsumerGroup, FaqEntry, Tariff
from abonent.workdays.calendar import DayReason, WorkCalendar
from abonent.workdays.services import get_calendar

FAQ_QUERY_MAX = 100
HOLIDAYS_AHEAD_DAYS = 31
# The calendar names holidays in English (the holidays package has no Russian): shown here in
# the visitor's language; an unknown name is shown as "public holiday".
HOLIDAY_NAMES = {
    "New Year's Day": gettext_lazy("New Year"),
    "Orthodox Christmas": gettext_lazy("Orthodox Christmas"),
    "International Women's Day": gettext_lazy("International Women's Day"),
    "Nowruz Holiday": gettext_lazy("Nauryz meiramy"),
    "Kazakhstan's People Solidarity Holiday": gettext_lazy("Unity Day of the People of Kazakhstan"),
    "Defender of the Fatherland Day": gettext_lazy("Defender of the Fatherland Day"),
    "Victory Day": gettext_lazy("Victory Day"),
    "Capital Day": gettext_lazy("Capital Day"),
    "Eid al-Adha (estimated)": gettext_lazy("Kurban Ait"),
    "Eid al-Adha": gettext_lazy("Kurban Ait"),
    "Constitution Day": gettext_lazy("Constitution Day"),
    "Republic Day": gettext_lazy("Republic Day"),
    "Independence Day": gettext_lazy("Independence Day"),
}
_OFF_REASONS = {DayReason.HOLIDAY, DayReason.CARRIED_OVER, DayReason.TRANSFER_OFF}


def now() -> datetime:
    """The site's clock, in one place so tests can set it."""
    return timezone.now()


# ---- hours as text ---------------------------------------------------------------------


def _day_labels() -> dict[hours.DaySelector, str]:
    d = hours.DaySelector
    return {
        d.MON: _("Mon"),
        d.TUE: _("Tue"),
        d.WED: _("Wed"),
        d.THU: _("Thu"),
        d.FRI: _("Fri"),
        d.SAT: _("Sat"),
        d.SUN: _("Sun"),
        d.LAST_SUN: _("last Sunday of the month"),
        d.WORKDAY: _("Mon–Fri (working days)"),
    }


@dataclass(frozen=True)
class HoursLine:
    days: str
    times: str
    breaks: str


def _fmt(t: time) -> str:
    return t.strftime("%H:%M")


def hours_lines(h: hours.Hours | None) -> list[HoursLine]:
    """Weekly rules as lines a visitor reads: "Mon–Fri (working days) 09:00–18:00"."""
    if h is None:
        return []
    labels = _day_labels()
    groups: dict[tuple[time, time, tuple[hours.Interval, ...]], list[hours.DaySelector]] = {}
    for rule in h.rules:
        groups.setdefault((rule.opens, rule.closes, rule.breaks), []).append(rule.day)
    weekdays = [hours.DaySelector(x) for x in ("mon", "tue", "wed", "thu", "fri")]
    lines = []
    for (opens, closes, breaks), days in groups.items():
        if days[:5] == weekdays:
            names = [_("Mon–Fri"), *[labels[x] for x in days[5:]]]
        else:
            names = [labels[x] for x in days]
        lines.append(
            HoursLine(
                days=", ".join(names),
                times=f"{_fmt(opens)}–{_fmt(closes)}",
                breaks=", ".join(f"{_fmt(b.start)}–{_fmt(b.end)}" for b in breaks),
            )
        )
    return lines


# ---- offices, queue --------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceQueue:
    name: str
    waiting: int
    wait_minutes: int
    open_now: bool


@dataclass
class OfficeInfo:
    office: Office
    status: OpenStatus
    hours: list[HoursLine]
    exceptions: list[DateException]
    queue: list[ServiceQueue] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(s.waiting for s in self.queue)

    @property
    def wait_minutes(self) -> int:
        return max((s.wait_minutes for s in self.queue if s.open_now), default=0)


def _avg_minutes(service_ids: list[int], at: datetime) -> dict[int, float]:
    """The queue's own estimate (equeue.services.average_service_minutes) for many services
    in one query: the mean of the last week's finished services, else the default."""
    duration = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
    rows = (
        queue.measured(
            Ticket.objects.filter(
                service_id__in=service_ids, finished_at__gte=at - timedelta(days=7)
            )
        )
        .values("service_id")
        .annotate(m=Avg(duration))
        .values_list("service_id", "m")
    )
    default = float(queue.default_service_minutes())
    found = {sid: max(m.total_seconds() / 60, 1.0) for sid, m in rows if m}
    return {sid: found.get(sid, default) for sid in service_ids}


def offices(at: datetime, cal: WorkCalendar | None = None) -> list[OfficeInfo]:
    """Every active office with its hours, status, dated exceptions ahead and, where it has
    the equipment, each service's waiting line and the estimated wait for a new ticket
    (the queue's formula: waiting × mean service time ÷ active windows)."""
    cal = cal or get_calendar(around=timezone.localdate(at))
    today = timezone.localdate(at)
    office_list = list(Office.objects.filter(is_active=True))
    services = list(
        Service.objects.filter(office__in=[o for o in office_list if o.has_queue], is_active=True)
    )
    own: dict[tuple[str, int], hours.Hours] = {}
    for sch in schedules_with_exceptions().filter(
        Q(office__in=office_list) | Q(service__in=services)
    ):
        key = ("o", sch.office_id) if sch.office_id else ("s", sch.service_id)
        own[key] = sch.as_hours()  # type: ignore[index]
    service_ids = [s.pk for s in services]
    waiting = dict(
        Ticket.objects.filter(service_id__in=service_ids, day=today, status=TicketStatus.WAITING)
        .values("service_id")
        .annotate(n=Count("id"))
        .values_list("service_id", "n")
    )
    windows = Counter(
        Window.services.through.objects.filter(
            service_id__in=service_ids, window__is_active=True
        ).values_list("service_id", flat=True)
    )
    avg = _avg_minutes(service_ids, at)
    by_office: dict[int, list[Service]] = defaultdict(list)
    for s in services:
        by_office[s.office_id].append(s)
    out = []
    for o in office_list:
        office_hours = own.get(("o", o.pk))
        info = OfficeInfo(
            office=o,
            status=status_of(office_hours, at, cal),
            hours=hours_lines(office_hours),
            exceptions=[
                e
                for e in (office_hours.exceptions if office_hours else ())
                if today <= e.day <= today + timedelta(days=HOLIDAYS_AHEAD_DAYS)
            ],
        )
        for s in by_office.get(o.pk, []):
            n = waiting.get(s.pk, 0)
            st = status_of(own.get(("s", s.pk), office_hours), at, cal)
            minutes = math.ceil(n * avg[s.pk] / max(windows.get(s.pk, 0), 1))
            info.queue.append(ServiceQueue(s.name, n, minutes, st.open_now))
        out.append(info)
    return out


@dataclass(frozen=True)
class DepartmentInfo:
    name: str
    phone: str
    email: str
    status: OpenStatus
    hours: list[HoursLine]


def departments(at: datetime, cal: WorkCalendar | None = None) -> list[DepartmentInfo]:
    """Units with published hours (the contact centre, the contract department)."""
    cal = cal or get_calendar(around=timezone.localdate(at))
    rows: QuerySet[Schedule] = (
        schedules_with_exceptions()
        .filter(department__isnull=False)
        .select_related("department")
        .order_by("department__code")
    )
    out = []
    for sch in rows:
        dept = sch.department
        assert dept is not None
        h = sch.as_hours()
        out.append(
            DepartmentInfo(dept.name, dept.phone, dept.email, status_of(h, at, cal), hours_lines(h))
        )
    return out


@dataclass(frozen=True)
class DayOff:
    day: date
    reason: str


def days_off_ahead(at: datetime, cal: WorkCalendar | None = None) -> list[DayOff]:
    """Public holidays, their carry-overs and decreed days off in the coming month."""
    cal = cal or get_calendar(around=timezone.localdate(at))
    today = timezone.localdate(at)
    out = []
    for n in range(HOLIDAYS_AHEAD_DAYS + 1):
        d = today + timedelta(days=n)
        info = cal.day(d)
        if info.reason in _OFF_REASONS or (info.reason == DayReason.OVERRIDE and not info.working):
            base = info.name.removesuffix(" (observed)")
            if info.reason == DayReason.CARRIED_OVER and base in HOLIDAY_NAMES:
                reason = _("day off for %(holiday)s") % {"holiday": HOLIDAY_NAMES[base]}
            elif info.reason == DayReason.HOLIDAY:
                reason = str(HOLIDAY_NAMES.get(base, _("public holiday")))
            else:
                reason = _("day off")
            out.append(DayOff(d, reason))
    return out


# ---- tariffs, questions ----------------------------------------------------------------


@dataclass
class TariffTable:
    current: list[Tariff]
    upcoming: list[Tariff]
    previous: list[Tariff]


def tariffs(today: date) -> TariffTable:
    table = TariffTable([], [], [])
    for t in Tariff.objects.all():
        if t.effective_from > today:
            table.upcoming.append(t)
        elif t.effective_until is not None and t.effective_until < today:
            table.previous.append(t)
        else:
            table.current.append(t)
    order = list(ConsumerGroup.values)
    for rows in (table.current, table.upcoming):
        rows.sort(key=lambda t: (order.index(t.group), t.position, t.effective_from))
    table.previous.sort(key=lambda t: t.effective_from, reverse=True)
    return table


def faq(q: str, section: str | None = None) -> QuerySet[FaqEntry]:
    """Published questions; every word of ``q`` (up to 8) matches question or answer, in
    either language, ignoring case (Cyrillic too, on any database) and ё/е."""
    qs = FaqEntry.objects.filter(is_published=True)
    if section:
        qs = qs.filter(section=section)
    for word in q.casefold().replace("ё", "е").split()[:8]:
        qs = qs.filter(search_text__contains=word)
    return qs
