"""Pages of the electronic queue: the kiosk and the information stand (Q-1, Q-2).

The kiosk is a standalone full-screen page for a touch screen: the office's services with
their open state; a tap takes a ticket (POST with a one-time token of the screen, so a
double tap or a repeated POST shows the same ticket); the ticket screen prints itself on
the kiosk's receipt printer (58 or 80 mm, ``?paper=58|80`` remembered in a cookie) and
returns to the start after a few seconds. The information stand is the same content on
the kiosk (``kiosk/info/``) and on the website (``info/``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from abonent.appeals.book.forms import new_token
from abonent.appeals.models import Topic
from abonent.core import hours
from abonent.core.errors import DomainError, NotFound
from abonent.core.lib.ratelimit import limit_request
from abonent.core.models import Department, Office, Service, Window
from abonent.core.schedules import OpenStatus, schedules_with_exceptions, status_of
from abonent.equeue import services
from abonent.equeue.models import InfoTopic, KioskIssue, Status, Ticket, TopicKind
from abonent.workdays.calendar import TIMEZONE
from abonent.workdays.services import get_calendar

# A tap sends a CSRF token, the screen's token and a service code: well under 4 KB.
MAX_BODY_BYTES = 4 * 1024
# One kiosk is one client and issues every ticket of its hall: a busy hall may raise it
# with ABONENT_RATE_LIMIT_OVERRIDES="queue-kiosk=600/3600".
TAKE_LIMIT = 300
TAKE_WINDOW_SECONDS = 3600
RETURN_AFTER_TICKET_SECONDS = 15
RETURN_AFTER_IDLE_SECONDS = 90
# The start screen reloads itself this often while nobody touches it: the open/closed state
# and the waiting counts stay current, and the language goes back to the default.
RETURN_AFTER_START_SECONDS = 60
# ``?idle=1`` on the start screen: the kiosk came back by itself (no touch for a while).
IDLE_PARAM = "idle"
PAPER_COOKIE = "abonent_kiosk_paper"
PAPERS = ("58", "80")
DEFAULT_PAPER = "80"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


# ---- reads -----------------------------------------------------------------------------


def _office(code: str) -> Office:
    return services.office_for(code[:32])


@dataclass(frozen=True)
class ServiceState:
    service: Service
    status: OpenStatus
    waiting: int
    opens: str  # when a closed service opens next, in words; "" when open or never


def opens_in_words(moment: datetime | None, at: datetime) -> str:
    """ "Opens tomorrow at 09:00" in the page's language, in Astana time."""
    if moment is None:
        return ""
    local = moment.astimezone(TIMEZONE)
    today = at.astimezone(TIMEZONE).date()
    time = local.strftime("%H:%M")
    if local.date() == today:
        return _("Opens today at %(time)s") % {"time": time}
    if local.date() == today + timedelta(days=1):
        return _("Opens tomorrow at %(time)s") % {"time": time}
    lang = get_language() or "ru"
    if lang == "kk":
        day = formats.date_format(local, "j E, l").lower()
    elif lang == "ru":
        day = formats.date_format(local, "l, j E").lower()
    else:
        day = formats.date_format(local, "l, j F")
    return _("Opens on %(day)s at %(time)s") % {"day": day, "time": time}


def service_states(office: Office, at: datetime) -> list[ServiceState]:
    """The office's active services with their open state and waiting count: a fixed
    number of queries for any number of services (a service without its own schedule
    keeps its office's hours, as ``schedules.effective_hours`` says)."""
    found = list(
        Service.objects.filter(office=office, is_active=True).order_by("ordering", "letter", "code")
    )
    cal = get_calendar(around=timezone.localdate(at))
    own: dict[int, hours.Hours] = {}
    office_hours: hours.Hours | None = None
    for schedule in schedules_with_exceptions().filter(Q(office=office) | Q(service__in=found)):
        if schedule.service_id is not None:
            own[schedule.service_id] = schedule.as_hours()
        else:
            office_hours = schedule.as_hours()
    waiting = dict(
        Ticket.objects.filter(office=office, day=timezone.localdate(at), status=Status.WAITING)
        .values("service")
        .annotate(n=Count("id"))
        .values_list("service", "n")
    )
    states = []
    for service in found:
        status = status_of(own.get(service.pk, office_hours), at, cal)
        opens = "" if status.open_now else opens_in_words(status.next_open, at)
        states.append(ServiceState(service, status, waiting.get(service.pk, 0), opens))
    return states


# ---- the information stand (Q-1) ----------------------------------------------------------

DAY_WORDS = {
    hours.DaySelector.WORKDAY: gettext_lazy("Working days"),
    hours.DaySelector.MON: gettext_lazy("Monday"),
    hours.DaySelector.TUE: gettext_lazy("Tuesday"),
    hours.DaySelector.WED: gettext_lazy("Wednesday"),
    hours.DaySelector.THU: gettext_lazy("Thursday"),
    hours.DaySelector.FRI: gettext_lazy("Friday"),
    hours.DaySelector.SAT: gettext_lazy("Saturday"),
    hours.DaySelector.SUN: gettext_lazy("Sunday"),
    hours.DaySelector.LAST_SUN: gettext_lazy("The last Sunday of the month"),
}


def describe_hours(h: hours.Hours | None) -> list[str]:
    """Weekly hours in words, one line per group of days with the same hours."""
    if h is None:
        return []
    groups: list[tuple[list[str], hours.Rule]] = []
    for rule in h.rules:
        if groups and (rule.opens, rule.closes, rule.breaks) == (
            groups[-1][1].opens,
            groups[-1][1].closes,
            groups[-1][1].breaks,
        ):
            groups[-1][0].append(str(DAY_WORDS[rule.day]))
        else:
            groups.append(([str(DAY_WORDS[rule.day])], rule))
    lines = []
    for days, rule in groups:
        span = f"{rule.opens:%H:%M}–{rule.closes:%H:%M}"
        if rule.breaks:
            breaks = ", ".join(f"{b.start:%H:%M}–{b.end:%H:%M}" for b in rule.breaks)
            lines.append(
                _("%(days)s: %(hours)s, break %(breaks)s")
                % {"days": ", ".join(days), "hours": span, "breaks": breaks}
            )
        else:
            lines.append(_("%(days)s: %(hours)s") % {"days": ", ".join(days), "hours": span})
    return lines


@dataclass(frozen=True)
class Unit:
    department: Department
    hours: list[str]
    status: OpenStatus | None
    opens: str


def info_context(office: Office, at: datetime) -> dict[str, Any]:
    """Everything the stand shows, in a fixed number of queries."""
    topics = list(InfoTopic.objects.for_office(office))
    windows = Window.objects.filter(is_active=True).order_by("number")
    offered = list(
        Service.objects.filter(office=office, is_active=True)
        .select_related("department")
        .prefetch_related(Prefetch("windows", queryset=windows, to_attr="open_windows"))
        .order_by("ordering", "letter", "code")
    )
    cal = get_calendar(around=timezone.localdate(at))
    departments = list(Department.objects.order_by("code"))
    by_dept: dict[int, hours.Hours] = {}
    by_service: dict[int, hours.Hours] = {}
    office_hours: hours.Hours | None = None
    for s in schedules_with_exceptions().filter(
        Q(department__in=departments) | Q(office=office) | Q(service__in=offered)
    ):
        if s.department_id is not None:
            by_dept[s.department_id] = s.as_hours()
        elif s.service_id is not None:
            by_service[s.service_id] = s.as_hours()
        else:
            office_hours = s.as_hours()
    units = []
    for dept in departments:
        h = by_dept.get(dept.pk)
        status = status_of(h, at, cal) if h is not None else None
        opens = opens_in_words(status.next_open, at) if status and not status.open_now else ""
        units.append(Unit(dept, describe_hours(h), status, opens))
    routing = list(
        Topic.objects.prefetch_related(
            Prefetch("departments", queryset=Department.objects.order_by("code"))
        )
    )
    rows = [(s, describe_hours(by_service.get(s.pk))) for s in offered]
    return {
        "office": office,
        "order": [t for t in topics if t.kind == TopicKind.ORDER],
        "faq": [t for t in topics if t.kind == TopicKind.FAQ],
        "who": [t for t in topics if t.kind == TopicKind.WHO],
        "offered": rows,
        "units": units,
        "routing": routing,
        "office_hours": describe_hours(office_hours),
        "office_status": status_of(office_hours, at, cal),
    }


# ---- pages ----------------------------------------------------------------------------


def _paper(request: HttpRequest) -> str:
    asked = request.GET.get("paper", "")
    if asked in PAPERS:
        return asked
    kept = request.COOKIES.get(PAPER_COOKIE, "")
    return kept if kept in PAPERS else DEFAULT_PAPER


def _kiosk_render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    paper = _paper(request)
    office = context.get("office")
    start = reverse("equeue:kiosk", kwargs={"office": office.code}) if office else ""
    # Back to the start after idling: by ``?idle=1``, which resets the language.
    context = {"paper": paper, "return_url": f"{start}?{IDLE_PARAM}=1" if start else "", **context}
    response = render(request, template, context, status=status)
    if request.GET.get("paper") in PAPERS:
        response.set_cookie(
            PAPER_COOKIE, paper, max_age=10 * 365 * 24 * 3600, samesite="Lax", httponly=False
        )
    add_never_cache_headers(response)
    return response


def _error_screen(
    request: HttpRequest, office: Office | None, err: DomainError, at: datetime
) -> HttpResponse:
    next_open = err.extra.get("next_open")
    opens = ""
    if isinstance(next_open, str):
        opens = opens_in_words(datetime.fromisoformat(next_open), at)
    context = {
        "office": office,
        "message": str(err.message),
        "code": err.code,
        "opens": opens,
        "return_after": RETURN_AFTER_TICKET_SECONDS,
    }
    response = _kiosk_render(request, "equeue/kiosk/error.html", context, status=err.status)
    if "retry_after" in err.extra:
        response["Retry-After"] = str(err.extra["retry_after"])
    return response


@require_GET
def kiosk(request: HttpRequest, office: str) -> HttpResponse:
    """The start screen (Q-2): the services with open/closed state, and the stand (Q-1)."""
    at = services.now()
    try:
        found = _office(office)
    except NotFound as err:
        return _error_screen(request, None, err, at)
    if IDLE_PARAM in request.GET:
        # Nobody touched the kiosk for a while: the next consumer starts in the default
        # language (the language cookie goes), on a clean address.
        response = redirect("equeue:kiosk", office=found.code)
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
        )
        add_never_cache_headers(response)
        return response
    context = {
        "office": found,
        "states": service_states(found, at) if found.has_queue else [],
        "token": new_token(),
        "return_after": RETURN_AFTER_START_SECONDS,
    }
    return _kiosk_render(request, "equeue/kiosk/start.html", context)


@require_POST
def take(request: HttpRequest, office: str) -> HttpResponse:
    """A tap on a service: one ticket per screen token, then the ticket screen."""
    at = services.now()
    found: Office | None = None
    try:
        found = _office(office)
        if _too_large(request):
            raise DomainError(_("The request is too large."), code="too_large", status=413)
        limit_request(request, "queue-kiosk", limit=TAKE_LIMIT, window_seconds=TAKE_WINDOW_SECONDS)
        token = str(request.POST.get("token", ""))
        if not TOKEN_RE.match(token):
            token = new_token()  # a form from an old page: taken, unprotected
        ticket = services.take_ticket_once(
            office=found,
            service_code=str(request.POST.get("service", ""))[:32],
            token=token,
            actor=request.user,
        )
    except DomainError as err:
        return _error_screen(request, found, err, at)
    return redirect("equeue:kiosk-ticket", office=ticket.office.code, token=token)


def _too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:
        return True


@require_GET
def ticket(request: HttpRequest, office: str, token: str) -> HttpResponse:
    """The ticket screen: number, service, office, time, place in line and the estimated
    wait; printed once, then back to the start screen. Never cached."""
    at = services.now()
    done = (
        KioskIssue.objects.select_related("ticket__service", "ticket__office")
        .filter(token=token[:64], ticket__office__code=office[:32])
        .first()
    )
    if done is None:
        err = NotFound(_("This ticket is not found. Please take a new one."))
        return _error_screen(request, None, err, at)
    taken = done.ticket
    place = services.place_in_line(taken, at)
    context = {
        "office": taken.office,
        "ticket": taken,
        "place": place,
        "waiting": taken.status == Status.WAITING,
        "token": token,
        "return_after": RETURN_AFTER_TICKET_SECONDS,
    }
    return _kiosk_render(request, "equeue/kiosk/ticket.html", context)


@require_GET
def kiosk_info(request: HttpRequest, office: str) -> HttpResponse:
    """The information stand on the kiosk's screen (Q-1)."""
    at = services.now()
    try:
        found = _office(office)
    except NotFound as err:
        return _error_screen(request, None, err, at)
    context = {**info_context(found, at), "return_after": RETURN_AFTER_IDLE_SECONDS}
    return _kiosk_render(request, "equeue/kiosk/info_kiosk.html", context)


@require_GET
def info(request: HttpRequest, office: str) -> HttpResponse:
    """The information stand on the website (Q-1)."""
    try:
        found = _office(office)
    except NotFound as err:
        raise Http404(str(err.message)) from err
    return render(request, "equeue/kiosk/info_page.html", info_context(found, services.now()))


urlpatterns: list[URLPattern] = [
    path("queue/<slug:office>/kiosk/", kiosk, name="kiosk"),
    path("queue/<slug:office>/kiosk/take/", take, name="kiosk-take"),
    path("queue/<slug:office>/kiosk/ticket/<str:token>/", ticket, name="kiosk-ticket"),
    path("queue/<slug:office>/kiosk/info/", kiosk_info, name="kiosk-info"),
    path("queue/<slug:office>/info/", info, name="info"),
]
