"""Writes of the electronic queue: one atomic function per action, each with an audit row
and a TicketEvent (Q-2..Q-6).

Fairness rule of ``call_next_ticket`` (Q-3, Q-5):
1. A ticket redirected to this very window is called first (oldest issue time first).
2. Otherwise priority tickets (disability, elderly, pregnancy) go before regular ones —
   except that after ``QUEUE_PRIORITY_STREAK`` (default 2) priority calls in a row at this
   window, if the oldest regular ticket has waited at least ``QUEUE_REGULAR_MAX_WAIT_MINUTES``
   (default 10), that regular ticket is called next.
3. Within a class, the oldest issue time first; a redirected ticket keeps its original issue
   time, so a redirection never sends a consumer to the back of the line.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Avg,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from abonent.core import audit
from abonent.core.auth import has_role
from abonent.core.errors import DomainError, Forbidden, InvalidInput, InvalidTransition, NotFound
from abonent.core.lib.counters import next_number
from abonent.core.lib.fast_insert import insert, loaded
from abonent.core.lib.snapshot import Snapshot
from abonent.core.lib.transitions import TransitionMap
from abonent.core.models import (
    Office,
    Schedule,
    ScheduleException,
    Service,
    StaffProfile,
    Window,
)
from abonent.core.roles import Role
from abonent.core.schedules import StatusMemo, effective_hours, owner_status
from abonent.equeue import events
from abonent.equeue.models import (
    Action,
    Decision,
    Dispute,
    KioskIssue,
    Priority,
    Status,
    Ticket,
    TicketCounter,
    TicketEvent,
)
from abonent.equeue.stats import AUTO_NOTE
from abonent.workdays.services import get_calendar


class QueueTransitions(TransitionMap):
    """The queue's transition map, refusing in words: the statuses by their labels, not
    their stored codes (core's TransitionMap puts the codes into its sentence)."""

    def check(self, src: str, dst: str) -> None:
        if not self.can(src, dst):
            raise InvalidTransition(
                _("A ticket that is “%(src)s” cannot become “%(dst)s”.")
                % {"src": _status_label(src), "dst": _status_label(dst)},
                extra={"from": str(src), "to": str(dst)},
            )


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else str(value)


TRANSITIONS = QueueTransitions(
    {
        Status.WAITING: [Status.CALLED, Status.CANCELLED],
        Status.CALLED: [Status.SERVING, Status.NO_SHOW, Status.WAITING],
        Status.SERVING: [Status.DONE, Status.WAITING],
    }
)
AUDITED = ["status", "service_id", "window_id", "target_window_id", "priority", "employee_id"]
ACTIVE = (Status.WAITING, Status.CALLED, Status.SERVING)


def no_show_grace() -> timedelta:
    return timedelta(seconds=int(settings.ABONENT_QUEUE_NO_SHOW_GRACE_SECONDS))


def priority_streak() -> int:
    return int(settings.ABONENT_QUEUE_PRIORITY_STREAK)


def regular_max_wait() -> timedelta:
    return timedelta(minutes=int(settings.ABONENT_QUEUE_REGULAR_MAX_WAIT_MINUTES))


def default_service_minutes() -> int:
    return int(settings.ABONENT_QUEUE_DEFAULT_SERVICE_MINUTES)


def now() -> datetime:
    """The clock, in one place so tests can set it."""
    return timezone.now()


# ---------------------------------------------------------------- reads


@dataclass(frozen=True)
class Place:
    position: int
    estimated_wait_minutes: int


def measured(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Finished services whose length is known: not those the closing of past days finished
    at 23:59:59 (``closing``, note ``AUTO_NOTE``: hours long, the real end is unknown) — the
    same services the statistics leave unmeasured."""
    auto = TicketEvent.objects.filter(
        ticket_id=OuterRef("pk"), action=Action.FINISHED, note=AUTO_NOTE
    )
    return tickets.filter(status=Status.DONE, started_at__isnull=False).exclude(Exists(auto))


def average_service_minutes(service: Service, at: datetime) -> float:
    """Mean of the last week's finished services (``measured``), or the default when there
    are none."""
    duration = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
    avg = (
        measured(Ticket.objects.filter(service=service, finished_at__gte=at - timedelta(days=7)))
        .annotate(d=duration)
        .aggregate(m=Avg("d"))["m"]
    )
    if not avg:
        return float(default_service_minutes())
    return max(float(avg.total_seconds()) / 60, 1.0)


def place_in_line(ticket: Ticket, at: datetime | None = None) -> Place:
    """Position (1 = next) among waiting tickets of the same service, and the estimated
    wait: tickets ahead × mean service time ÷ active windows of the service."""
    at = at or now()
    if ticket.status != Status.WAITING:
        return Place(position=0, estimated_wait_minutes=0)
    ahead = (
        Ticket.objects.filter(service_id=ticket.service_id, day=ticket.day, status=Status.WAITING)
        .filter(Q(issued_at__lt=ticket.issued_at) | Q(issued_at=ticket.issued_at, id__lt=ticket.pk))
        .count()
    )
    windows = max(Window.objects.filter(services=ticket.service_id, is_active=True).count(), 1)
    minutes = math.ceil(ahead * average_service_minutes(ticket.service, at) / windows)
    return Place(position=ahead + 1, estimated_wait_minutes=minutes)


def waiting_count(service: Service, at: datetime) -> int:
    return Ticket.objects.filter(
        service=service, day=timezone.localdate(at), status=Status.WAITING
    ).count()


# ---------------------------------------------------------------- permissions


def _profile(actor: Any) -> StaffProfile | None:
    pk = getattr(actor, "pk", None)
    if pk is None:
        return None
    return StaffProfile.objects.filter(user_id=pk).first()


def acting_window(actor: Any, window: Window) -> None:
    """Only the employee seated at the window acts there; superusers anywhere."""
    if getattr(actor, "is_superuser", False):
        return
    profile = _profile(actor)
    if profile is None or profile.window_id != window.pk:
        raise Forbidden(_("You do not work at this window."), code="not_your_window")


def _own_ticket(actor: Any, ticket: Ticket) -> None:
    if ticket.window_id is None:
        raise DomainError(_("The ticket has not been called to a window."), code="not_called")
    if getattr(actor, "is_superuser", False):
        return
    profile = _profile(actor)
    if profile is None or profile.window_id is None:
        raise Forbidden(_("You do not work at a window."), code="not_your_window")
    if profile.window_id != ticket.window_id:
        raise Forbidden(_("The ticket is at another window."), code="other_window")


def _is_hall_admin(actor: Any) -> bool:
    return has_role(actor, Role.HALL_ADMIN)


def _office_of(actor: Any) -> int | None:
    profile = _profile(actor)
    return profile.office_id if profile is not None else None


def hall_admin_of(actor: Any, office_id: int) -> bool:
    """The one office-scope rule of the hall's actions (Q-3, Q-6): a superuser anywhere; a
    hall administrator in the office of their staff profile only."""
    if getattr(actor, "is_superuser", False):
        return True
    return _is_hall_admin(actor) and _office_of(actor) == office_id


def may_view_office(actor: Any, office_id: int) -> bool:
    """Who may look at an office's hall and its tickets' history: a superuser anywhere; a
    hall administrator or the head in the office of their staff profile only (the same
    scope as the statistics give the head)."""
    if getattr(actor, "is_superuser", False):
        return True
    return has_role(actor, Role.HALL_ADMIN, Role.HEAD) and _office_of(actor) == office_id


def _hall_admin_here(actor: Any, office_id: int) -> None:
    if not _is_hall_admin(actor):
        raise Forbidden(_("Only a hall administrator can do this."), code="not_hall_admin")
    if not hall_admin_of(actor, office_id):
        raise Forbidden(_("This is not your office."), code="not_your_office")


# ---------------------------------------------------------------- helpers


def _locked(ticket_id: int) -> Ticket:
    found = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("service", "office")
        .filter(pk=ticket_id)
        .first()
    )
    if found is None:
        raise NotFound(_("No such ticket."))
    return found


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _save(
    ticket: Ticket,
    *,
    actor: Any,
    action: str,
    before: dict[str, Any] | None,
    at: datetime,
    note: str = "",
    stored: bool = False,
    **event: Any,
) -> TicketEvent:
    """Save the ticket (unless the caller's statement already ``stored`` it), write the
    step's audit row and event, and publish it after the commit."""
    if not stored:
        ticket.save()
    audit.record(
        actor=actor,
        action=f"ticket.{action}",
        obj=ticket,
        before=before,
        after=audit.snapshot(ticket, AUDITED),
        note=note,
    )
    step = insert(
        TicketEvent(
            ticket=ticket,
            at=at,
            action=action,
            actor=_user(actor),
            note=note,
            priority=ticket.priority,
            **event,
        )
    )
    events.ticket_changed(ticket, action=action, at=at, window=event.get("window"))
    return step


# ---------------------------------------------------------------- issue


@dataclass(frozen=True)
class Issued:
    ticket: Ticket
    place: Place


@transaction.atomic
def issue_ticket(
    *, office_code: str, service_code: str, priority: str = Priority.NONE, actor: Any
) -> Issued:
    """Q-2 (kiosk) and Q-3 (the hall administrator issues on the consumer's behalf)."""
    at = now()
    service = (
        Service.objects.select_related("office")
        .filter(office__code=office_code, office__is_active=True, code=service_code)
        .first()
    )
    if service is None:
        raise NotFound(_("No such service at this office."))
    if not service.is_active or not service.office.has_queue:
        raise InvalidInput(_("This service does not take queue tickets."), code="service_inactive")
    if priority not in Priority.values:
        raise InvalidInput(_("Unknown priority category."), code="validation_error")
    if priority != Priority.NONE and not hall_admin_of(actor, service.office_id):
        raise Forbidden(
            _("Only a hall administrator can give a priority."), code="priority_forbidden"
        )
    status = owner_status(service, at)
    if not status.open_now:
        raise DomainError(
            _("This service is closed now."),
            code="closed",
            extra={"next_open": status.next_open.isoformat() if status.next_open else None},
        )
    day = timezone.localdate(at)
    seq = next_number(TicketCounter, service_id=service.pk, day=day)
    ticket = Ticket(
        office=service.office,
        service=service,
        day=day,
        seq=seq,
        number=f"{service.letter}{seq:03d}",
        priority=priority,
        issued_at=at,
        issued_by=_user(actor),
    )
    _save(ticket, actor=actor, action=Action.ISSUED, before=None, at=at)
    return Issued(ticket=ticket, place=place_in_line(ticket, at))


# ---------------------------------------------------------------- kiosk: one tap, one ticket


@transaction.atomic
def _issue_with_token(*, office: Office, service_code: str, token: str, actor: Any) -> Ticket:
    done = KioskIssue.objects.select_related("ticket").filter(token=token).first()
    if done is not None:
        return done.ticket
    issued = issue_ticket(office_code=office.code, service_code=service_code, actor=actor)
    KioskIssue.objects.create(token=token, ticket=issued.ticket)
    return issued.ticket


def take_ticket_once(*, office: Office, service_code: str, token: str, actor: Any) -> Ticket:
    """One ticket per kiosk screen token: the same token sent again — a double tap, a
    browser's re-POST — gives back the ticket it took. Two POSTs racing with one token:
    the second one's insert of the token fails and its ticket rolls back with it."""
    try:
        return _issue_with_token(office=office, service_code=service_code, token=token, actor=actor)
    except IntegrityError:
        done = KioskIssue.objects.select_related("ticket").filter(token=token).first()
        if done is None:
            raise
        return done.ticket


# ---------------------------------------------------------------- call next


def _served_services(window: Window) -> QuerySet[Any]:
    return Window.services.through.objects.filter(
        window_id=window.pk, service__is_active=True
    ).values("service_id")


def _eligible(window: Window, day: Any) -> QuerySet[Ticket]:
    """The waiting tickets this window may call: redirected to it, or of a service it serves
    and not redirected to another window."""
    return Ticket.objects.filter(
        Q(target_window_id=window.pk)
        | Q(target_window__isnull=True, service_id__in=_served_services(window)),
        office_id=window.office_id,
        day=day,
        status=Status.WAITING,
    )


def _regular_first(window: Window, day: Any, at: datetime) -> bool:
    """Whether the fairness rule's streak is full: the window's last ``priority_streak()``
    calls today all went to priority consumers while a regular one has waited too long.
    Every press asks, so the last calls are one written-out statement (portable SQL), and
    the waiting line is looked at only when the streak is full."""
    streak = priority_streak()
    midnight = timezone.localtime(at).replace(hour=0, minute=0, second=0, microsecond=0)
    with connection.cursor() as cursor:
        # Today's calls in Astana's day (a range, so the (window, action, at) index serves).
        cursor.execute(
            _LAST_CALLS_SQL,
            [
                window.pk,
                Action.CALLED.value,
                connection.ops.adapt_datetimefield_value(midnight),
                streak,
            ],
        )
        last = [row[0] for row in cursor.fetchall()]
    if len(last) < streak or any(p == Priority.NONE for p in last):
        return False
    oldest = (
        _eligible(window, day)
        .filter(priority=Priority.NONE, target_window__isnull=True)
        .order_by("issued_at")
        .values_list("issued_at", flat=True)
        .first()
    )
    return oldest is not None and at - oldest >= regular_max_wait()


# The statuses written out: a reused (generic) plan still reads the partial index
# ``equeue_at_window``, whose condition they are.
BUSY_CONDITION = f"status IN ('{Status.CALLED.value}', '{Status.SERVING.value}')"
_BUSY_SQL = (
    f"SELECT 1 FROM {Ticket._meta.db_table} "  # noqa: S608 (a model's name only)
    f"WHERE window_id = %s AND {BUSY_CONDITION} LIMIT 1"
)
_LAST_CALLS_SQL = (
    f"SELECT priority FROM {TicketEvent._meta.db_table} "  # noqa: S608 (a model's name only)
    "WHERE window_id = %s AND action = %s AND at >= %s ORDER BY at DESC, id DESC LIMIT %s"
)


def pick_next(window: Window, at: datetime) -> Ticket | None:
    """The fairness rule of the module docstring in one claim (``_claim_sql``); the returned
    row is locked (SKIP LOCKED: a row another window is claiming right now is passed over,
    never shared). ``raw()`` converts the values as the ORM does on every backend."""
    regular_first = _regular_first(window, timezone.localdate(at), at)
    params = claim_params(window.office_id, window.pk, at)
    skip_locked = connection.features.has_select_for_update_skip_locked
    lock = "FOR UPDATE SKIP LOCKED" if skip_locked else ""
    found = list(Ticket.objects.raw(_claim_sql(regular_first=regular_first, lock=lock), params))
    if not found:
        return None
    ticket = found[0]
    ticket.office = window.office
    return ticket


def _claim_and_call(
    window: Window, at: datetime, employee: Any
) -> tuple[Ticket, dict[str, Any]] | None:
    """PostgreSQL: ``pick_next``'s claim and the ticket's change to ``called`` in one
    statement (UPDATE ... FROM the claimed row, RETURNING the new row and the audited
    columns as they were, with its service). The ticket (its office the window's) and the
    audit's "before", or None when nobody waits."""
    regular_first = _regular_first(window, timezone.localdate(at), at)
    params = claim_params(window.office_id, window.pk, at)
    fields, sql = _claim_and_call_sql(regular_first=regular_first)
    with connection.cursor() as cursor:
        # Planned as the call-next lane plans it (``CLAIM_PLANNER``), and only this
        # statement: the rest of the transaction gets its settings back.
        cursor.execute(_PLANNER_SQL)
        was = cursor.fetchone()[: len(CLAIM_PLANNER)]
        cursor.execute(sql, [*params, window.pk, getattr(employee, "pk", None), at])
        row = cursor.fetchone()
        cursor.execute(_RESTORE_SQL, list(was))
    if row is None:
        return None
    n, m = len(fields), len(fields) + len(AUDITED)
    ticket = Ticket.from_db(connection.alias, [f.attname for f in fields], row[:n])
    before = dict(zip(AUDITED, row[n:m], strict=True))
    ticket.service = Service.from_db(connection.alias, _SERVICE_FIELDS, row[m:])
    ticket.office = window.office
    return ticket, before


_SERVICE_FIELDS = [f.attname for f in Service._meta.concrete_fields]

# How the claim is planned, on PostgreSQL. No sort where an index gives the order: the
# statistics of a morning, gathered while nobody waited, made the planner read the whole
# waiting line and sort it rather than read its head from ``equeue_waiting_line`` (each press
# then cost as much as the line was long). No JIT: the sort the redirected tickets' order
# cannot do without then counts as costing 10^10, far over ``jit_above_cost``, and where the
# server's JIT was on (``DB_JIT=true``) compiling the statement took 1.6 s of every press.
CLAIM_PLANNER = {"enable_sort": "off", "jit": "off"}
# The settings as they were (read before they change: a materialized CTE is read first), then
# the claim's; and the way back.
_PLANNER_SQL = (
    "WITH was AS MATERIALIZED (SELECT "  # noqa: S608 (constant names and values above)
    + ", ".join(f"current_setting('{name}') AS w{n}" for n, name in enumerate(CLAIM_PLANNER))
    + ") SELECT was.*, "
    + ", ".join(f"set_config('{name}', '{value}', true)" for name, value in CLAIM_PLANNER.items())
    + " FROM was"
)
_RESTORE_SQL = "SELECT " + ", ".join(f"set_config('{name}', %s, true)" for name in CLAIM_PLANNER)


WAS, OF_SERVICE = "was__", "service__"  # prefixes of the claim's columns other than the ticket's


@functools.cache
def _claim_and_call_sql(
    *, office: str = "%s", employee: str = "%s", guard: str = "", regular_first: bool = False
) -> tuple[list[Any], str]:
    """The statement of ``_claim_and_call`` and the ticket's fields in its answer. A lane's
    statement may give the office and the employee as SQL and add a ``guard`` condition
    (``_claim_sql``)."""
    fields: list[Any] = list(Ticket._meta.concrete_fields)
    by_name = {f.attname: f for f in fields}
    services: list[Any] = list(Service._meta.concrete_fields)
    quote = connection.ops.quote_name
    new = ", ".join(f"t.{quote(f.column)}" for f in fields)
    # Named apart from the new row's columns, for a statement that reads this one's rows.
    old = ", ".join(f"c.{quote(by_name[a].column)} AS {quote(WAS + a)}" for a in AUDITED)
    service = ", ".join(f"s.{quote(f.column)} AS {quote(OF_SERVICE + f.column)}" for f in services)
    # NO KEY UPDATE: the call changes no key, and a step being inserted elsewhere that
    # references the ticket (its key-share lock) must not make the claim skip it.
    claim = _claim_sql(office, guard, regular_first=regular_first, lock=_CLAIM_LOCK)
    # Built from the models' names and constants only; every value is a bound parameter.
    sql = (
        f"WITH c AS ({claim}) "  # noqa: S608
        f"UPDATE {Ticket._meta.db_table} t SET status = '{Status.CALLED.value}', "
        f"window_id = %s, target_window_id = NULL, employee_id = {employee}, called_at = %s "
        f"FROM c JOIN {Service._meta.db_table} s ON s.id = c.service_id "
        f"WHERE t.id = c.id RETURNING {new}, {old}, {service}"
    )
    return fields, sql


_CLAIM_LOCK = "FOR NO KEY UPDATE SKIP LOCKED"


def claim_params(office: Any, window_id: int, at: datetime, guard: Sequence[Any] = ()) -> list[Any]:
    """The values ``_claim_sql()`` binds: the line of the window's office (``office``: its
    id, or the value of ``_claim_sql``'s ``office``) today, and ``guard``'s values."""
    return claim_params_of_day(office, window_id, timezone.localdate(at), guard)


def claim_params_of_day(
    office: Any, window_id: int, day: date, guard: Sequence[Any] = ()
) -> list[Any]:
    """``claim_params`` for the local ``day`` of the press (a lane's batch finds it once)."""
    line = [office, day, *guard, window_id]
    return [window_id, *line[:-1], *line, *line]  # ``_claim_sql``'s three parts


@functools.cache
def _claim_sql(
    office: str = "%s", guard: str = "", *, regular_first: bool = False, lock: str = ""
) -> str:
    """The claim (``claim_params``' values): the ticket the fairness rule calls next, the
    office's id the SQL ``office`` (by default a value), only while the SQL condition
    ``guard`` holds (by default always), locked by the clause ``lock``.

    Every window presses call-next all day while the line may be hundreds long, so the claim
    never sorts the line: it asks, in the rule's order, for the first ticket of each part —
    redirected to this window; then priority consumers; then regular ones (or regular ones
    first when the priority streak is full) — each part read from its own index in the order
    of issue, and takes the first row of the parts in that order (``UNION ALL`` of the
    parts, ``LIMIT 1``: PostgreSQL and SQLite run the parts in turn and stop at the first
    row, so a later part is not even read). ``lock`` is each part's own: a part locks the
    ticket it returns, as it is now (PostgreSQL: what committed since the statement began),
    and passes over (SKIP LOCKED) one another window is claiming; nothing else is locked.
    The status and the classes are written out, so that PostgreSQL's reused (generic) plan
    still reads the partial indexes whose conditions they are."""
    t = Ticket._meta
    ws = Window.services.through._meta
    fields: list[Any] = list(t.concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(f"t.{quote(f.column)}" for f in fields)
    none = Priority.NONE.value
    # Built from the models' names and constants only; every value is a bound parameter.
    waiting = f"t.day = %s AND t.status = '{Status.WAITING.value}' "
    waiting += f"AND {guard} " if guard else ""
    line = f"SELECT {columns} FROM {t.db_table} t WHERE t.office_id = {office} AND {waiting}"  # noqa: S608
    served = (
        "AND t.target_window_id IS NULL AND t.service_id IN ("  # noqa: S608
        f"SELECT ws.service_id FROM {ws.db_table} ws JOIN {Service._meta.db_table} s "
        "ON s.id = ws.service_id WHERE ws.window_id = %s AND s.is_active) "
    )
    first = f"ORDER BY t.issued_at, t.id LIMIT 1 {lock}"
    priority = f"{line}AND t.priority <> '{none}' {served}{first}"
    regular = f"{line}AND t.priority = '{none}' {served}{first}"
    # Redirected here: priority consumers first, or regular ones when the streak is full.
    regular_class, priority_class = (0, 1) if regular_first else (1, 0)
    classes = f"CASE WHEN t.priority = '{none}' THEN {regular_class} ELSE {priority_class} END"
    # The office as an expression (unary plus, in PostgreSQL and SQLite alike), so that no
    # index led by the office is a choice: the part reads its own small index
    # (``equeue_redirected``), never the office's whole line, whatever the statistics say.
    redirected = (
        f"SELECT {columns} FROM {t.db_table} t WHERE t.target_window_id = %s "  # noqa: S608
        f"AND +t.office_id = {office} AND {waiting}"
        f"ORDER BY {classes}, t.issued_at, t.id LIMIT 1 {lock}"
    )
    parts = [redirected, regular, priority] if regular_first else [redirected, priority, regular]
    # Each part a subquery of its own: its order, limit and lock stay its own.
    union = " UNION ALL ".join(
        f"SELECT * FROM ({part.strip()}) p{n}"  # noqa: S608 (the parts above)
        for n, part in enumerate(parts)
    )
    return f"SELECT parts.* FROM ({union}) parts LIMIT 1"  # noqa: S608


def _load_hours(window_id: int) -> tuple[Any, Any]:
    window = Window.objects.select_related("office").get(pk=window_id)
    office = effective_hours(window.office)
    return office, effective_hours(window, inherited=office)


# Schedules change a few times a year; call-next reads them on every press.
_window_hours: Snapshot[int, tuple[Any, Any]] = Snapshot(
    _load_hours, watch=(Schedule, ScheduleException, Window, Office)
)


_statuses = StatusMemo()  # every press asks whether its office and window are open


def _check_open(window: Window, at: datetime) -> None:
    """Nobody is called to a closed office, nor to a window at its own (sliding) lunch break
    — not even by a superuser: the window itself is closed."""
    check_open(window.pk, at)


def check_open(window_id: int, at: datetime) -> None:
    """``_check_open`` by the window's id."""
    cal = get_calendar(around=timezone.localdate(at))
    office_hours, window_hours = _window_hours.get(window_id)
    office = _statuses.status(("office", window_id), office_hours, at, cal)
    if not office.open_now:
        raise DomainError(
            _("The office is closed now."),
            code="office_closed",
            extra={"next_open": office.next_open.isoformat() if office.next_open else None},
        )
    own = _statuses.status(("window", window_id), window_hours, at, cal)
    if not own.open_now:
        raise DomainError(
            _("This window is on a break now."),
            code="window_on_break",
            extra={"next_open": own.next_open.isoformat() if own.next_open else None},
        )


@functools.cache
def _window_sql() -> tuple[str, list[Any], list[Any]]:
    """The window locked, its office, and whether the user (parameter 1) sits at it."""
    quote = connection.ops.quote_name
    windows: list[Any] = list(Window._meta.concrete_fields)
    offices: list[Any] = list(Office._meta.concrete_fields)
    columns = [f"w.{quote(f.column)}" for f in windows] + [f"o.{quote(f.column)}" for f in offices]
    profile = quote(StaffProfile._meta.db_table)
    sql = (
        f"SELECT {', '.join(columns)}, EXISTS (SELECT 1 FROM {profile} p "  # noqa: S608
        "WHERE p.user_id = %s AND p.window_id = w.id) "
        f"FROM {quote(Window._meta.db_table)} w JOIN {quote(Office._meta.db_table)} o "
        "ON o.id = w.office_id WHERE w.id = %s FOR UPDATE OF w"
    )
    return sql, windows, offices


def _locked_window(window_id: int, actor: Any) -> Window | None:
    """The window's row, locked until the end of the transaction, with its office and
    ``_seated``. Every window presses call-next all day: on PostgreSQL a statement written
    once per process, elsewhere the ORM."""
    user_id = getattr(actor, "pk", None) or 0
    if connection.vendor != "postgresql":
        seated = StaffProfile.objects.filter(user_id=user_id, window_id=OuterRef("pk"))
        return (
            Window.objects.select_for_update(of=("self",))
            .select_related("office")
            .annotate(_seated=Exists(seated))
            .filter(pk=window_id)
            .first()
        )
    sql, windows, offices = _window_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, window_id])
        row = cursor.fetchone()
    if row is None:
        return None
    window = loaded(Window, windows, row[: len(windows)])
    window.office = loaded(Office, offices, row[len(windows) : -1])
    window._seated = bool(row[-1])  # type: ignore[attr-defined]
    return window


@transaction.atomic
def call_next_ticket(*, window: Window | int, actor: Any) -> Ticket | None:
    """The next consumer to this window (a Window or its id), or None when nobody waits
    (Q-4). Refused while the window serves someone (``window_busy``), when the office is
    closed (``office_closed``) and during the window's own break (``window_on_break``).

    Every window presses this all day: the window's row, whether the actor sits there, and
    its office come in one statement, and the hours from a per-process snapshot."""
    # One press at a time per window: a double click must not call two consumers. Other
    # windows are not blocked, they lock their own row.
    found = _locked_window(window if isinstance(window, int) else window.pk, actor)
    if found is None:
        raise NotFound(_("No such window."))
    window = found
    if not (getattr(actor, "is_superuser", False) or window._seated):  # type: ignore[attr-defined]
        raise Forbidden(_("You do not work at this window."), code="not_your_window")
    if not window.is_active:
        raise DomainError(_("This window is closed."), code="window_inactive")
    # A statement of its own, after the lock: it sees what the press that held the lock
    # before us committed (the locking statement's snapshot predates that commit).
    with connection.cursor() as cursor:
        cursor.execute(_BUSY_SQL, [window.pk])
        busy = cursor.fetchone() is not None
    if busy:
        raise DomainError(
            _("Finish the current consumer before calling the next one."), code="window_busy"
        )
    at = now()
    _check_open(window, at)
    employee = _user(actor)
    if connection.vendor == "postgresql":
        claimed = _claim_and_call(window, at, employee)
        if claimed is None:
            return None
        ticket, before = claimed
    else:
        picked = pick_next(window, at)
        if picked is None:
            return None
        ticket, before = picked, audit.snapshot(picked, AUDITED)
        TRANSITIONS.check(ticket.status, Status.CALLED)
        ticket.status = Status.CALLED
        ticket.window = window
        ticket.target_window = None
        ticket.employee = employee
        ticket.called_at = at
    ticket.window = window
    stored = connection.vendor == "postgresql"  # the claim statement stored the change
    _save(
        ticket,
        actor=actor,
        action=Action.CALLED,
        before=before,
        at=at,
        window=window,
        stored=stored,
    )
    return ticket


# ---------------------------------------------------------------- at the window


def _move(ticket_id: int, *, actor: Any, dst: str) -> Ticket:
    ticket = _locked(ticket_id)
    _own_ticket(actor, ticket)
    TRANSITIONS.check(ticket.status, dst)
    return ticket


@transaction.atomic
def recall_ticket(*, ticket_id: int, actor: Any) -> Ticket:
    """Announce the called ticket again; the no-show grace still counts from the first call."""
    ticket = _locked(ticket_id)
    _own_ticket(actor, ticket)
    if ticket.status != Status.CALLED:
        raise InvalidTransition(
            _("Only a called ticket can be called again."),
            extra={"from": ticket.status, "to": Status.CALLED},
        )
    _save(ticket, actor=actor, action=Action.RECALLED, before=None, at=now(), window=ticket.window)
    return ticket


@transaction.atomic
def start_ticket(*, ticket_id: int, actor: Any) -> Ticket:
    ticket = _move(ticket_id, actor=actor, dst=Status.SERVING)
    before = audit.snapshot(ticket, AUDITED)
    at = now()
    ticket.status = Status.SERVING
    ticket.started_at = at
    ticket.employee = _user(actor)
    _save(ticket, actor=actor, action=Action.STARTED, before=before, at=at, window=ticket.window)
    return ticket


@transaction.atomic
def finish_ticket(*, ticket_id: int, actor: Any) -> Ticket:
    ticket = _move(ticket_id, actor=actor, dst=Status.DONE)
    before = audit.snapshot(ticket, AUDITED)
    at = now()
    ticket.status = Status.DONE
    ticket.finished_at = at
    _save(ticket, actor=actor, action=Action.FINISHED, before=before, at=at, window=ticket.window)
    return ticket


@transaction.atomic
def mark_no_show(*, ticket_id: int, actor: Any) -> Ticket:
    ticket = _move(ticket_id, actor=actor, dst=Status.NO_SHOW)
    at = now()
    grace = no_show_grace()
    assert ticket.called_at is not None
    if at - ticket.called_at < grace:
        raise DomainError(
            _("Wait %(minutes)s minutes after the call before marking a no-show.")
            % {"minutes": math.ceil(grace.total_seconds() / 60)},
            code="too_early",
        )
    before = audit.snapshot(ticket, AUDITED)
    ticket.status = Status.NO_SHOW
    ticket.finished_at = at
    _save(ticket, actor=actor, action=Action.NO_SHOW, before=before, at=at, window=ticket.window)
    return ticket


# ---------------------------------------------------------------- hall administrator


@transaction.atomic
def set_priority(*, ticket_id: int, priority: str, actor: Any) -> Ticket:
    """Give a waiting ticket a priority category, or take it away (``none``) (Q-3). The
    ticket keeps its place in the line; the fairness rule decides when it is called."""
    if not _is_hall_admin(actor):
        raise Forbidden(_("Only a hall administrator can do this."), code="not_hall_admin")
    if priority not in Priority.values:
        raise InvalidInput(
            _("Unknown priority category."), fields={"priority": [_("Unknown priority category.")]}
        )
    ticket = _locked(ticket_id)
    _hall_admin_here(actor, ticket.office_id)
    if ticket.status != Status.WAITING:
        raise InvalidTransition(
            _("Only a waiting ticket can get a priority."),
            extra={"from": ticket.status, "to": ticket.status},
        )
    if ticket.priority == priority:
        raise InvalidInput(_("The ticket already has this priority."), code="same_priority")
    before = audit.snapshot(ticket, AUDITED)
    ticket.priority = priority
    _save(ticket, actor=actor, action=Action.PRIORITY_SET, before=before, at=now())
    return ticket


@transaction.atomic
def cancel_ticket(*, ticket_id: int, reason: str, actor: Any) -> Ticket:
    """Close a waiting ticket whose consumer has left the hall (Q-3)."""
    if not _is_hall_admin(actor):
        raise Forbidden(_("Only a hall administrator can do this."), code="not_hall_admin")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            _("Say why the ticket is cancelled."), fields={"reason": [_("Required.")]}
        )
    ticket = _locked(ticket_id)
    _hall_admin_here(actor, ticket.office_id)
    TRANSITIONS.check(ticket.status, Status.CANCELLED)
    at = now()
    before = audit.snapshot(ticket, AUDITED)
    ticket.status = Status.CANCELLED
    ticket.target_window = None
    ticket.finished_at = at
    _save(ticket, actor=actor, action=Action.CANCELLED, before=before, at=at, note=reason)
    return ticket


# ---------------------------------------------------------------- stale clicks


@transaction.atomic
def expect_state(*, ticket_id: int, status: str, step: int | None = None) -> Ticket:
    """The idempotency guard of the pages' buttons: a form carries the ticket, the status
    it was rendered in and the ticket's last step; a second click on the same form (or a
    click on a page that has gone stale) finds them changed and is refused with ``stale``,
    so nothing happens twice. Called inside the action's transaction, the row stays locked
    until the action is done."""
    ticket = _locked(ticket_id)
    last = (
        TicketEvent.objects.filter(ticket_id=ticket.pk)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if ticket.status != status or (step is not None and last != step):
        raise DomainError(
            _("The ticket has changed meanwhile: the page was out of date. Nothing was done."),
            code="stale",
            extra={"status": ticket.status},
        )
    return ticket


@transaction.atomic
def guarded[T](
    action: Callable[..., T],
    *,
    ticket_id: int,
    status: str,
    step: int | None,
    actor: Any,
    **kw: Any,
) -> T:
    """Run a ticket action only if the ticket is still as the page showed it."""
    expect_state(ticket_id=ticket_id, status=status, step=step)
    return action(ticket_id=ticket_id, actor=actor, **kw)


# ---------------------------------------------------------------- redirection


def _target_service(ticket: Ticket, code: str | None, at: datetime) -> Service:
    if not code:
        return ticket.service
    service = Service.objects.filter(office_id=ticket.office_id, code=code).first()
    if service is None:
        raise NotFound(_("No such service at this office."))
    if not service.is_active:
        raise InvalidInput(_("This service does not take queue tickets."), code="service_inactive")
    status = owner_status(service, at)
    if not status.open_now:
        raise DomainError(
            _("This service is closed now."),
            code="closed",
            extra={"next_open": status.next_open.isoformat() if status.next_open else None},
        )
    return service


def _target_window(ticket: Ticket, window_id: int | None) -> Window | None:
    if window_id is None:
        return None
    window = Window.objects.filter(pk=window_id, office_id=ticket.office_id).first()
    if window is None:
        raise NotFound(_("No such window at this office."))
    if not window.is_active:
        raise DomainError(_("This window is closed."), code="window_inactive")
    if window.pk == ticket.window_id:
        raise InvalidInput(_("Choose another window."), code="same_window")
    return window


@transaction.atomic
def transfer_ticket(
    *,
    ticket_id: int,
    to_service: str | None = None,
    to_window: int | None = None,
    reason: str,
    actor: Any,
) -> Ticket:
    """Redirect the consumer by the SAME ticket (Q-5): back to waiting, keeping its number
    and original issue time, for another service of the office or one specific window."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            _("Say why the consumer is redirected."), fields={"reason": [_("Required.")]}
        )
    if not to_service and to_window is None:
        raise InvalidInput(_("Choose a service or a window."), code="no_target")
    ticket = _locked(ticket_id)
    if not hall_admin_of(actor, ticket.office_id):
        profile = _profile(actor)
        if _is_hall_admin(actor) and (profile is None or profile.window_id is None):
            raise Forbidden(_("This is not your office."), code="not_your_office")
        _own_ticket(actor, ticket)
    if ticket.status != Status.WAITING:
        TRANSITIONS.check(ticket.status, Status.WAITING)
    at = now()
    service = _target_service(ticket, to_service, at)
    window = _target_window(ticket, to_window)
    # The same service without a window is no move — unless the ticket waits for a window
    # (which may have closed meanwhile): then it clears the target, back to the line.
    if window is None and service.pk == ticket.service_id and ticket.target_window_id is None:
        raise InvalidInput(_("Choose another service or a window."), code="same_service")
    before = audit.snapshot(ticket, AUDITED)
    from_service, from_window = ticket.service, ticket.window
    ticket.status = Status.WAITING
    ticket.service = service
    ticket.target_window = window
    ticket.window = None
    ticket.employee = None
    ticket.called_at = ticket.started_at = None
    ticket.comment = reason
    _save(
        ticket,
        actor=actor,
        action=Action.TRANSFERRED,
        before=before,
        at=at,
        note=reason,
        window=from_window,
        from_service=from_service,
        to_service=service,
        from_window=from_window,
        to_window=window,
    )
    return ticket


def _involved(actor: Any, ticket: Ticket, transfer: TicketEvent) -> bool:
    if hall_admin_of(actor, ticket.office_id):
        return True
    profile = _profile(actor)
    if profile is None or profile.window_id is None:
        return False
    windows = {transfer.from_window_id, transfer.to_window_id, ticket.window_id}
    return profile.window_id in windows


@transaction.atomic
def open_dispute(*, ticket_id: int, reason: str, actor: Any) -> Dispute:
    """An employee disputes the ticket's last redirection (Q-6)."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            _("Give the reason of the dispute."), fields={"reason": [_("Required.")]}
        )
    ticket = _locked(ticket_id)
    transfer = (
        TicketEvent.objects.filter(ticket=ticket, action=Action.TRANSFERRED)
        .order_by("-at", "-id")
        .first()
    )
    if transfer is None:
        raise DomainError(_("This ticket has not been redirected."), code="not_redirected")
    if not _involved(actor, ticket, transfer):
        raise Forbidden(
            _("Only the windows involved may dispute a redirection."), code="not_involved"
        )
    if Dispute.objects.filter(ticket=ticket, resolved_at__isnull=True).exists():
        raise DomainError(_("A dispute about this ticket is already open."), code="dispute_open")
    at = now()
    dispute = Dispute.objects.create(
        ticket=ticket, transfer=transfer, opened_by=actor, reason=reason, opened_at=at
    )
    audit.record(actor=actor, action="dispute.opened", obj=dispute, note=reason)
    events.dispute_changed(dispute, office_id=ticket.office_id, action="disputed", at=at)
    TicketEvent.objects.create(
        ticket=ticket, at=at, action=Action.DISPUTED, actor=_user(actor), note=reason
    )
    return dispute


@transaction.atomic
def resolve_dispute(*, dispute_id: int, decision: str, note: str = "", actor: Any) -> Dispute:
    """The hall administrator settles it (Q-6). ``return`` sends the waiting consumer back
    to the window and service that redirected them, still with the same ticket."""
    if not _is_hall_admin(actor):
        raise Forbidden(_("Only a hall administrator settles disputes."), code="forbidden")
    if decision not in Decision.values:
        raise InvalidInput(_("Unknown decision."), fields={"decision": [_("Unknown decision.")]})
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("transfer")
        .filter(pk=dispute_id)
        .first()
    )
    if dispute is None:
        raise NotFound(_("No such dispute."))
    if dispute.resolved_at is not None:
        raise DomainError(_("The dispute is already settled."), code="already_resolved")
    ticket = _locked(dispute.ticket_id)
    _hall_admin_here(actor, ticket.office_id)
    at = now()
    if decision == Decision.RETURN:
        if ticket.status not in ACTIVE:
            raise DomainError(_("The ticket is already closed."), code="ticket_closed")
        if ticket.status != Status.WAITING:
            TRANSITIONS.check(ticket.status, Status.WAITING)
        before = audit.snapshot(ticket, AUDITED)
        transfer = dispute.transfer
        from_service, from_window = ticket.service, ticket.window
        ticket.status = Status.WAITING
        ticket.service_id = transfer.from_service_id or ticket.service_id
        ticket.target_window_id = transfer.from_window_id
        ticket.window = None
        ticket.employee = None
        ticket.called_at = ticket.started_at = None
        _save(
            ticket,
            actor=actor,
            action=Action.TRANSFERRED,
            before=before,
            at=at,
            note=note,
            from_service=from_service,
            to_service_id=ticket.service_id,
            from_window=from_window,
            to_window_id=ticket.target_window_id,
        )
    dispute.decision = decision
    dispute.decision_note = note.strip()
    dispute.resolved_by = actor
    dispute.resolved_at = at
    dispute.save()
    audit.record(
        actor=actor, action="dispute.resolved", obj=dispute, after={"decision": decision}, note=note
    )
    TicketEvent.objects.create(
        ticket=ticket, at=at, action=Action.RESOLVED, actor=_user(actor), note=decision
    )
    events.dispute_changed(dispute, office_id=ticket.office_id, action="resolved", at=at)
    return dispute


def office_for(code: str) -> Office:
    office = Office.objects.filter(code=code, is_active=True).first()
    if office is None:
        raise NotFound(_("No such office."))
    return office
