"""Statistics of the electronic queue for the head of an office (issue #5, point 7; Q-2..Q-6).

Everything is read from the ticket's steps (``TicketEvent``), so a redirected consumer is
counted where each step happened. Definitions:

* **Day** — the ticket's day (``Ticket.day``, an Asia/Almaty date); every step and dispute of
  a ticket belongs to its day.
* **Service** of a step — the service the ticket was in at that moment: the ``to_service`` of
  the last redirection before the step, else the service it was issued for.
* **Window / employee** of a step — the window and the user who made it (the calling window
  and employee for calls and waits; the window that redirected for redirections; the hall
  administrator who issued the ticket on the consumer's behalf for "issued", Q-3).
* **Issued, called, served, no-shows, cancelled, redirections** — counts of the steps
  ``issued``, ``called`` (not recalls), ``finished``, ``no_show``, ``cancelled`` (by the hall
  administrator, or by the closing of past days, see ``closing.py``) and ``transferred``.
* **Wait** — one stay in the line: from the moment the consumer entered it (issue, or a
  redirection: Q-5 puts them back in the line) to the next call. A consumer redirected once
  and called twice waited twice; each wait is attributed to the service waited for and to
  the window and employee that called. A stay that ended without a call (still waiting, or
  cancelled at the end of the day) has no measured length.
* **Over target** — waits longer than the target (``ABONENT_QUEUE_WAIT_TARGET_MINUTES``,
  or the request's), and the share of *consumers* (tickets) with at least one such wait
  among the consumers called.
* **Service time** — from "service started" to the next "finished" or redirection at the same
  window; a service closed automatically at the end of the day (``closing.AUTO_NOTE``) is
  counted as served but its length is unknown and not measured.
* **Disputes** (Q-6) — opened and resolved disputes about redirections, attributed to the
  redirection disputed: its service, window and employee.

Averages work on SQLite and PostgreSQL; the median and the 90th percentile need
``PERCENTILE_CONT`` and are ``None`` on SQLite. The number of queries does not depend on the
amount of data: two grouped queries per table, two for the totals and three for labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Aggregate,
    Avg,
    BigIntegerField,
    Count,
    DateTimeField,
    DurationField,
    Expression,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from abonent.core.auth import has_role
from abonent.core.errors import Forbidden, InvalidInput
from abonent.core.models import Office, Service, StaffProfile, Window
from abonent.core.roles import Role
from abonent.equeue.models import Action, Dispute, TicketEvent

VIEW_ROLES = (Role.HEAD, Role.MANAGER, Role.HALL_ADMIN, Role.SYSADMIN)
# Everyone else who may see the statistics sees only the office of their staff profile.
ALL_OFFICES_ROLES = (Role.MANAGER, Role.SYSADMIN)
MAX_DAYS = 366
MAX_TARGET_MINUTES = 480
# The note of the steps written by the closing of past days (closing.py): not measured.
AUTO_NOTE = "closed_at_day_end"
DIMENSIONS = ("day", "service", "window", "employee")
# The steps the figures read (recalls and the dispute steps are not counted; disputes are
# read from Dispute).
COUNTED = (
    Action.ISSUED,
    Action.CALLED,
    Action.STARTED,
    Action.FINISHED,
    Action.NO_SHOW,
    Action.TRANSFERRED,
    Action.CANCELLED,
)


def default_target_minutes() -> int:
    return int(settings.ABONENT_QUEUE_WAIT_TARGET_MINUTES)


# ---------------------------------------------------------------- access and input


def can_view(user: Any) -> bool:
    return has_role(user, *VIEW_ROLES)


def sees_all_offices(user: Any) -> bool:
    return has_role(user, *ALL_OFFICES_ROLES)


def home_office(user: Any) -> Office | None:
    profile = StaffProfile.objects.filter(user_id=user.pk).select_related("office").first()
    return profile.office if profile is not None else None


def offices_for(user: Any) -> list[Office]:
    """The offices the user may choose (their own only, unless they see all)."""
    if sees_all_offices(user):
        return list(Office.objects.filter(is_active=True, has_queue=True))
    own = home_office(user)
    return [own] if own is not None else []


def resolve_office(user: Any, code: str | None) -> Office | None:
    """The office asked for; ``None`` means every office (only for those who see all)."""
    if not can_view(user):
        raise Forbidden(_("Your role does not allow this page or action."))
    if sees_all_offices(user):
        if not code:
            return None
        office = Office.objects.filter(code=code).first()
        if office is None:
            raise InvalidInput(
                _("Some fields are invalid."), fields={"office": [_("No such office.")]}
            )
        return office
    own = home_office(user)
    if own is None:
        raise Forbidden(_("Your staff profile has no office."), code="no_office")
    if code and code != own.code:
        raise Forbidden(_("You may see the statistics of your own office only."))
    return own


def default_period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    """Both default to today (Asia/Almaty); a start alone runs to today, an end alone is
    one day."""
    end = date_to or timezone.localdate()
    return date_from or end, end


def period_errors(date_from: date, date_to: date) -> dict[str, list[str]]:
    if date_to < date_from:
        return {"date_to": [_("The end of the period is before its start.")]}
    if (date_to - date_from).days + 1 > MAX_DAYS:
        return {"date_to": [_("The period is at most %(days)s days.") % {"days": MAX_DAYS}]}
    return {}


def target_errors(minutes: int) -> dict[str, list[str]]:
    if not 1 <= minutes <= MAX_TARGET_MINUTES:
        return {
            "target_minutes": [
                _("Give a whole number of minutes from 1 to %(max)s.") % {"max": MAX_TARGET_MINUTES}
            ]
        }
    return {}


# ---------------------------------------------------------------- expressions


class _Percentile(Aggregate):
    """``PERCENTILE_CONT`` of a duration (PostgreSQL); NULL where the database has none."""

    function = "PERCENTILE_CONT"
    output_field = DurationField()

    def as_sqlite(
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, tuple[Any, ...]]:
        return "NULL", ()


class Median(_Percentile):
    name = "Median"
    template = "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"


class P90(_Percentile):
    name = "P90"
    template = "PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"


def _before(prefix: str = "") -> Q:
    return Q(at__lt=OuterRef(f"{prefix}at")) | Q(at=OuterRef(f"{prefix}at"), id__lt=OuterRef("id"))


def _after() -> Q:
    return Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), id__gt=OuterRef("id"))


def _steps() -> QuerySet[TicketEvent]:
    return TicketEvent.objects.filter(ticket_id=OuterRef("ticket_id"))


def service_at_step() -> Expression:
    """The service the ticket was in when the step was made."""
    transfers = _steps().filter(action=Action.TRANSFERRED)
    return Coalesce(
        Subquery(transfers.filter(_before()).order_by("-at", "-id").values("to_service_id")[:1]),
        Subquery(transfers.order_by("at", "id").values("from_service_id")[:1]),
        F("ticket__service_id"),
        output_field=BigIntegerField(),
    )


def wait_of_call() -> Expression:
    """For a call: the time since the consumer last entered the line (issue or redirection)."""
    entered = (
        _steps()
        .filter(action__in=(Action.ISSUED, Action.TRANSFERRED))
        .filter(_before())
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    return ExpressionWrapper(
        F("at") - Subquery(entered, output_field=DateTimeField()), output_field=DurationField()
    )


def length_of_service() -> Expression:
    """For a start: the time until the service ended (finished or redirected)."""
    ended = (
        _steps()
        .filter(action__in=(Action.FINISHED, Action.TRANSFERRED))
        .filter(_after())
        .exclude(action=Action.FINISHED, note=AUTO_NOTE)
        .order_by("at", "id")
        .values("at")[:1]
    )
    return ExpressionWrapper(
        Subquery(ended, output_field=DateTimeField()) - F("at"), output_field=DurationField()
    )


# ---------------------------------------------------------------- figures


@dataclass
class Row:
    key: str
    label: str
    issued: int = 0
    called: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    redirected: int = 0
    disputes_opened: int = 0
    disputes_resolved: int = 0
    waits: int = 0
    waits_over_target: int = 0
    consumers: int = 0
    consumers_over_target: int = 0
    wait_avg: timedelta | None = None
    wait_median: timedelta | None = None
    wait_p90: timedelta | None = None
    wait_max: timedelta | None = None
    services_measured: int = 0
    service_avg: timedelta | None = None
    service_median: timedelta | None = None
    service_p90: timedelta | None = None

    @property
    def share_over_target(self) -> float | None:
        """Share (0..1) of the called consumers who waited longer than the target."""
        if not self.consumers:
            return None
        return self.consumers_over_target / self.consumers


@dataclass
class Report:
    office: Office | None
    date_from: date
    date_to: date
    target_minutes: int
    totals: Row
    tables: dict[str, list[Row]] = field(default_factory=dict)


def _step_aggregates(target: timedelta) -> dict[str, Any]:
    called = Q(action=Action.CALLED)
    started = Q(action=Action.STARTED, service_time__isnull=False)
    over = Q(action=Action.CALLED, wait__gt=target)
    return {
        "issued": Count("id", filter=Q(action=Action.ISSUED)),
        "called": Count("id", filter=called),
        "served": Count("id", filter=Q(action=Action.FINISHED)),
        "no_show": Count("id", filter=Q(action=Action.NO_SHOW)),
        "cancelled": Count("id", filter=Q(action=Action.CANCELLED)),
        "redirected": Count("id", filter=Q(action=Action.TRANSFERRED)),
        "waits": Count("id", filter=called & Q(wait__isnull=False)),
        "waits_over_target": Count("id", filter=over),
        "consumers": Count("ticket_id", filter=called, distinct=True),
        "consumers_over_target": Count("ticket_id", filter=over, distinct=True),
        "wait_avg": Avg("wait", filter=called),
        "wait_median": Median("wait", filter=called),
        "wait_p90": P90("wait", filter=called),
        "wait_max": Max("wait", filter=called),
        "services_measured": Count("id", filter=started),
        "service_avg": Avg("service_time", filter=started),
        "service_median": Median("service_time", filter=started),
        "service_p90": P90("service_time", filter=started),
    }


def _dispute_aggregates() -> dict[str, Any]:
    return {
        "disputes_opened": Count("id"),
        # Not those the closing of past days settled (nobody decided them).
        "disputes_resolved": Count(
            "id", filter=Q(resolved_at__isnull=False) & ~Q(decision_note=AUTO_NOTE)
        ),
    }


STEP_KEYS: Mapping[str, Any] = {
    "day": F("ticket__day"),
    "service": F("service_id_at"),
    "window": F("window_id"),
    "employee": F("actor_id"),
}
DISPUTE_KEYS: Mapping[str, Any] = {
    "day": F("ticket__day"),
    "service": F("transfer__from_service_id"),
    "window": Coalesce(
        F("transfer__window_id"), F("transfer__from_window_id"), output_field=BigIntegerField()
    ),
    "employee": F("transfer__actor_id"),
}


def _steps_of(office: Office | None, date_from: date, date_to: date) -> QuerySet[TicketEvent]:
    qs = TicketEvent.objects.filter(
        ticket__day__gte=date_from, ticket__day__lte=date_to, action__in=COUNTED
    )
    if office is not None:
        qs = qs.filter(ticket__office=office)
    return qs.annotate(
        service_id_at=service_at_step(),
        wait=wait_of_call(),
        service_time=length_of_service(),
    )


def _disputes_of(office: Office | None, date_from: date, date_to: date) -> QuerySet[Dispute]:
    qs = Dispute.objects.filter(ticket__day__gte=date_from, ticket__day__lte=date_to)
    if office is not None:
        qs = qs.filter(ticket__office=office)
    return qs


COUNTS = (
    "issued",
    "called",
    "served",
    "no_show",
    "cancelled",
    "redirected",
    "disputes_opened",
    "disputes_resolved",
    "waits",
    "waits_over_target",
    "consumers",
    "consumers_over_target",
    "services_measured",
)


def _fill(row: Row, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if name in COUNTS:
            setattr(row, name, value or 0)
        elif name != "k":
            setattr(row, name, value)


def build_report(
    *, office: Office | None, date_from: date, date_to: date, target_minutes: int | None = None
) -> Report:
    """The figures of an office (or every office) over the days ``date_from..date_to``."""
    target = default_target_minutes() if target_minutes is None else target_minutes
    errors = {**period_errors(date_from, date_to), **target_errors(target)}
    if errors:
        raise InvalidInput(_("Some fields are invalid."), fields=errors)
    steps = _steps_of(office, date_from, date_to)
    disputes = _disputes_of(office, date_from, date_to)
    aggregates = _step_aggregates(timedelta(minutes=target))

    totals = Row(key="", label=_("Total"))
    _fill(totals, steps.aggregate(**aggregates))
    _fill(totals, disputes.aggregate(**_dispute_aggregates()))

    grouped: dict[str, dict[Any, Row]] = {}
    for dim in DIMENSIONS:
        rows: dict[Any, Row] = {}
        for values in steps.values(k=STEP_KEYS[dim]).annotate(**aggregates).order_by():
            rows.setdefault(values["k"], Row(key="", label=""))
            _fill(rows[values["k"]], values)
        dispute_rows = disputes.values(k=DISPUTE_KEYS[dim]).annotate(**_dispute_aggregates())
        for values in dispute_rows.order_by():
            rows.setdefault(values["k"], Row(key="", label=""))
            _fill(rows[values["k"]], values)
        grouped[dim] = rows

    report = Report(
        office=office,
        date_from=date_from,
        date_to=date_to,
        target_minutes=target,
        totals=totals,
    )
    _label(report, grouped)
    return report


def _label(report: Report, grouped: dict[str, dict[Any, Row]]) -> None:
    """Keys and labels of the rows, in a fixed order (three queries for the names)."""
    none = _("not at a window")
    days = grouped["day"]
    report.tables["day"] = []
    for day in sorted(days):
        days[day].key, days[day].label = day.isoformat(), day.isoformat()
        report.tables["day"].append(days[day])

    services = Service.objects.filter(pk__in=[k for k in grouped["service"] if k is not None])
    report.tables["service"] = []
    for service in services.select_related("office").order_by(
        "office__ordering", "office__code", "ordering", "letter", "code"
    ):
        row = grouped["service"][service.pk]
        row.key = f"{service.office.code}:{service.code}"
        prefix = "" if report.office else f"{service.office.code} · "
        row.label = f"{prefix}{service.letter} — {service.name}"
        report.tables["service"].append(row)

    windows = Window.objects.filter(pk__in=[k for k in grouped["window"] if k is not None])
    report.tables["window"] = []
    for window in windows.select_related("office").order_by(
        "office__ordering", "office__code", "number"
    ):
        row = grouped["window"][window.pk]
        row.key = f"{window.office.code}:{window.number}"
        number = _("Window %(number)s") % {"number": window.number}
        row.label = number if report.office else f"{window.office.code} · {number}"
        report.tables["window"].append(row)
    if None in grouped["window"]:
        grouped["window"][None].key, grouped["window"][None].label = "-", none
        report.tables["window"].append(grouped["window"][None])

    users = get_user_model().objects.filter(
        pk__in=[k for k in grouped["employee"] if k is not None]
    )
    report.tables["employee"] = []
    for user in users.order_by("last_name", "first_name", "username"):
        row = grouped["employee"][user.pk]
        row.key = user.get_username()
        row.label = user.get_full_name() or user.get_username()
        report.tables["employee"].append(row)
    if None in grouped["employee"]:
        row = grouped["employee"][None]
        row.key, row.label = "-", _("kiosk or system")
        report.tables["employee"].append(row)


def minutes(value: timedelta | None) -> float | None:
    """A duration as minutes with two decimals, for tables, JSON and xlsx."""
    if value is None:
        return None
    return round(value.total_seconds() / 60, 2)


def as_dict(row: Row) -> dict[str, Any]:
    """The figures of a row for JSON and the spreadsheet: counts, a share, minutes."""
    return {
        "key": row.key,
        "label": row.label,
        **{name: getattr(row, name) for name in COUNTS},
        "share_over_target": None
        if row.share_over_target is None
        else round(row.share_over_target, 4),
        **{f"{name}_minutes": minutes(getattr(row, name)) for name in DURATIONS},
    }


DURATIONS = (
    "wait_avg",
    "wait_median",
    "wait_p90",
    "wait_max",
    "service_avg",
    "service_median",
    "service_p90",
)
