"""Staff pages of the electronic queue: the operator's console at a window (Q-4, Q-5, Q-6)
and the hall administrator's page (Q-3, Q-6).

Every button is a POST form that works without JavaScript (the answer redirects back) and
with htmx (the answer is the re-rendered fragment). A refused action answers with its 4xx
status and shows the domain error's code and message in place. Each ticket form carries the
ticket, the status and the last step it was rendered with: a second click on the same form
finds the ticket changed and is refused with 409 ``stale`` (``services.guarded``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from abonent.core.errors import DomainError, InvalidInput, NotFound
from abonent.core.models import Office, Window
from abonent.equeue import hall as reads
from abonent.equeue import services
from abonent.equeue.models import Decision, Dispute, Priority, Status, Ticket, TicketEvent

View = Callable[..., HttpResponseBase]
TEXT_LIMIT = 1000


def _forbidden(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "equeue/staff/forbidden.html", {"reason": reason}, status=403)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _text(request: HttpRequest, name: str) -> str:
    return str(request.POST.get(name, ""))[:TEXT_LIMIT]


def _int(value: Any) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _guard_fields(request: HttpRequest) -> tuple[int, str, int | None]:
    ticket_id = _int(request.POST.get("ticket"))
    status = str(request.POST.get("status", ""))
    if ticket_id is None or status not in Status.values:
        raise InvalidInput(_("The form is incomplete: reload the page."), code="bad_form")
    return ticket_id, status, _int(request.POST.get("step"))


# ================================================================= the operator's console


@login_required
@require_GET
def console_home(request: HttpRequest) -> HttpResponse:
    """The employee's own window; a superuser picks any window of any office."""
    profile = reads.profile_of(request.user)
    if profile is not None and profile.window_id is not None:
        return redirect("equeue:console", window_id=profile.window_id)
    if not request.user.is_superuser:
        return _forbidden(request, _("You are not seated at a window."))
    offices = Office.objects.filter(is_active=True, has_queue=True).prefetch_related(
        Prefetch("windows", queryset=Window.objects.filter(is_active=True).order_by("number"))
    )
    return render(request, "equeue/staff/choose_window.html", {"offices": offices})


def window_page(view: View) -> View:
    """Log-in, the window exists, and the user may work at it."""

    @wraps(view)
    def wrapped(request: HttpRequest, window_id: int, *args: Any, **kwargs: Any) -> Any:
        window = get_object_or_404(Window.objects.select_related("office"), pk=window_id)
        if not reads.can_use_window(request.user, window, reads.profile_of(request.user)):
            return _forbidden(request, _("You do not work at this window."))
        return view(request, window, *args, **kwargs)

    return login_required(wrapped)


def _console_context(window: Window, error: DomainError | None = None) -> dict[str, Any]:
    data = reads.console(window.pk)
    assert data is not None
    return {
        "c": data,
        "error": error,
        "stream": f"/api/v1/queue/offices/{window.office.code}/board/stream",
        "priority_none": Priority.NONE,
    }


@require_GET
@window_page
def console(request: HttpRequest, window: Window) -> HttpResponse:
    return render(request, "equeue/staff/console.html", _console_context(window))


PARTS = {"queues", "current", "log"}


@require_GET
@window_page
def console_part(request: HttpRequest, window: Window, part: str) -> HttpResponse:
    """A fragment for the live refresh. The current ticket's fragment answers 204 (htmx
    keeps what is shown, and what the employee is typing) while nothing changed."""
    if part not in PARTS:
        return HttpResponse(status=404)
    data = reads.console(window.pk, with_forms=part == "current")
    assert data is not None
    if part == "current" and request.GET.get("seen") == data.signature():
        return HttpResponse(status=204)
    return render(
        request,
        f"equeue/staff/_console_{part}.html",
        {"c": data, "priority_none": Priority.NONE},
    )


def _target(request: HttpRequest) -> dict[str, Any]:
    """The redirection's target: ``s:<service code>`` or ``w:<window id>``."""
    raw = str(request.POST.get("target", ""))
    kind, _sep, value = raw.partition(":")
    if kind == "s" and value:
        return {"to_service": value[:32]}
    if kind == "w" and _int(value) is not None:
        return {"to_window": _int(value)}
    raise InvalidInput(_("Choose a service or a window."), code="no_target")


def _act(request: HttpRequest, window: Window, action: str) -> None:
    if action == "call":
        ticket = services.call_next_ticket(window=window, actor=request.user)
        if ticket is None:
            messages.info(request, _("Nobody is waiting for this window."))
        return
    ticket_id, status, step = _guard_fields(request)
    kw: dict[str, Any] = {"ticket_id": ticket_id, "status": status, "step": step}
    user = request.user
    if action in SIMPLE:
        services.guarded(SIMPLE[action], actor=user, **kw)
    elif action == "redirect":
        services.guarded(
            services.transfer_ticket,
            actor=user,
            reason=_text(request, "comment"),
            **_target(request),
            **kw,
        )
    elif action == "dispute":
        services.guarded(services.open_dispute, actor=user, reason=_text(request, "reason"), **kw)
    else:
        raise NotFound(_("Unknown action."))


SIMPLE: dict[str, Callable[..., Ticket]] = {
    "recall": services.recall_ticket,
    "start": services.start_ticket,
    "finish": services.finish_ticket,
    "no-show": services.mark_no_show,
}
CONSOLE_ACTIONS = {"call", "redirect", "dispute", *SIMPLE}


@require_POST
@window_page
def console_act(request: HttpRequest, window: Window, action: str) -> HttpResponse:
    if action not in CONSOLE_ACTIONS:
        return HttpResponse(status=404)
    error: DomainError | None = None
    try:
        _act(request, window, action)
    except DomainError as err:
        error = err
    if error is None and not _is_htmx(request):
        return redirect("equeue:console", window_id=window.pk)
    status = error.status if error is not None else 200
    context = _console_context(window, error)
    template = "equeue/staff/console.html"
    if _is_htmx(request):
        template, context["partial"] = "equeue/staff/_console.html", True
    return render(request, template, context, status=status)


# ================================================================= the hall administrator


def hall_page(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not reads.can_see_hall(request.user):
            return _forbidden(request)
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _hall_office(request: HttpRequest) -> Office | None:
    code = request.GET.get("office") or request.POST.get("office")
    return reads.hall_office_for(request.user, str(code or "")[:32], reads.profile_of(request.user))


def _may_act_on(request: HttpRequest, office_id: int) -> bool:
    """The hall's actions: the services' one office-scope rule (the head only looks)."""
    return services.hall_admin_of(request.user, office_id)


def _hall_url(office: Office) -> str:
    return f"{reverse('equeue:hall')}?office={office.code}"


def _hall_context(request: HttpRequest, office: Office) -> dict[str, Any]:
    return {
        "h": reads.hall(office),
        "can_act": _may_act_on(request, office.pk),
        "can_switch": reads.can_switch_office(request.user),
        "offices": Office.objects.filter(is_active=True, has_queue=True),
        "priorities": Priority.choices,
        "decisions": Decision.choices,
        "priority_none": Priority.NONE,
        "stream": f"/api/v1/queue/offices/{office.code}/board/stream",
    }


@require_GET
@hall_page
def hall_view(request: HttpRequest) -> HttpResponse:
    office = _hall_office(request)
    if office is None:
        return _forbidden(request, _("You are not assigned to an office with a queue."))
    return render(request, "equeue/staff/hall.html", _hall_context(request, office))


HALL_PARTS = {"queues", "windows", "disputes"}


@require_GET
@hall_page
def hall_part(request: HttpRequest, part: str) -> HttpResponse:
    """A fragment for the live refresh; the disputes' fragment (it holds forms) answers 204
    while the open disputes are the same."""
    office = _hall_office(request)
    if office is None or part not in HALL_PARTS:
        return HttpResponse(status=404)
    context = _hall_context(request, office)
    if part == "disputes" and "seen" in request.GET:
        seen = ",".join(str(d.pk) for d in context["h"].disputes)
        if request.GET["seen"] == seen:
            return HttpResponse(status=204)
    return render(request, f"equeue/staff/_hall_{part}.html", context)


@require_POST
@hall_page
def hall_issue(request: HttpRequest) -> HttpResponse:
    """Q-3: a ticket on the consumer's behalf, then its printable page."""
    office = _hall_office(request)
    if office is None or not _may_act_on(request, office.pk):
        return _forbidden(request)
    try:
        issued = services.issue_ticket(
            office_code=office.code,
            service_code=str(request.POST.get("service", ""))[:32],
            priority=str(request.POST.get("priority", Priority.NONE))[:16],
            actor=request.user,
        )
    except DomainError as err:
        context = _hall_context(request, office)
        context["issue_error"] = err
        return render(request, "equeue/staff/hall.html", context, status=err.status)
    return redirect("equeue:hall-print", ticket_id=issued.ticket.pk)


def _hall_ticket(request: HttpRequest, ticket_id: int) -> Ticket | HttpResponse:
    ticket = get_object_or_404(
        Ticket.objects.select_related("office", "service", "target_window", "window"),
        pk=ticket_id,
    )
    if not services.may_view_office(request.user, ticket.office_id):
        return _forbidden(request)
    return ticket


def _ticket_context(request: HttpRequest, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    return {
        "t": ticket,
        "step": reads.last_step(ticket.pk),
        "events": [
            (e, reads.step_note(e))
            for e in TicketEvent.objects.filter(ticket=ticket)
            .select_related("actor", "window", "to_service", "to_window")
            .order_by("at", "id")
        ],
        "place": services.place_in_line(ticket),
        "can_act": _may_act_on(request, ticket.office_id),
        "priorities": Priority.choices,
        "services": ticket.office.services.filter(is_active=True),
        "windows": ticket.office.windows.filter(is_active=True),
        "hall_url": _hall_url(ticket.office),
        **extra,
    }


@require_GET
@hall_page
def hall_ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = _hall_ticket(request, ticket_id)
    if isinstance(found, HttpResponse):
        return found
    return render(request, "equeue/staff/ticket.html", _ticket_context(request, found))


HALL_TICKET_ACTIONS = {"priority", "move", "cancel"}


@require_POST
@hall_page
def hall_ticket_act(request: HttpRequest, ticket_id: int, action: str) -> HttpResponse:
    if action not in HALL_TICKET_ACTIONS:
        return HttpResponse(status=404)
    found = _hall_ticket(request, ticket_id)
    if isinstance(found, HttpResponse):
        return found
    try:
        tid, status, step = _guard_fields(request)
        if tid != found.pk:
            raise InvalidInput(_("The form is incomplete: reload the page."), code="bad_form")
        kw: dict[str, Any] = {"ticket_id": tid, "status": status, "step": step}
        if action == "priority":
            services.guarded(
                services.set_priority,
                actor=request.user,
                priority=str(request.POST.get("priority", ""))[:16],
                **kw,
            )
            messages.success(request, _("The priority is saved."))
        elif action == "move":
            services.guarded(
                services.transfer_ticket,
                actor=request.user,
                reason=_text(request, "comment"),
                **_target(request),
                **kw,
            )
            messages.success(request, _("The ticket is moved."))
        else:
            services.guarded(
                services.cancel_ticket, actor=request.user, reason=_text(request, "reason"), **kw
            )
            messages.success(request, _("The ticket is cancelled."))
    except DomainError as err:
        found.refresh_from_db()
        context = _ticket_context(request, found, error=err, failed=action)
        return render(request, "equeue/staff/ticket.html", context, status=err.status)
    return redirect(_hall_url(found.office))


@require_GET
@hall_page
def hall_print(request: HttpRequest, ticket_id: int) -> HttpResponse:
    found = _hall_ticket(request, ticket_id)
    if isinstance(found, HttpResponse):
        return found
    context = {
        "t": found,
        "place": services.place_in_line(found),
        "hall_url": _hall_url(found.office),
    }
    return render(request, "equeue/staff/print.html", context)


@require_POST
@hall_page
def hall_resolve(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = get_object_or_404(Dispute.objects.select_related("ticket__office"), pk=dispute_id)
    office = dispute.ticket.office
    if not _may_act_on(request, office.pk):
        return _forbidden(request)
    try:
        services.resolve_dispute(
            dispute_id=dispute.pk,
            decision=str(request.POST.get("decision", ""))[:16],
            note=_text(request, "note"),
            actor=request.user,
        )
    except DomainError as err:
        context = _hall_context(request, office)
        context.update(resolve_error=err, failed_dispute=dispute.pk)
        return render(request, "equeue/staff/hall.html", context, status=err.status)
    messages.success(request, _("The dispute is settled."))
    return redirect(_hall_url(office))


urlpatterns: list[URLPattern] = [
    path("staff/queue/window/", console_home, name="console-home"),
    path("staff/queue/window/<int:window_id>/", console, name="console"),
    path("staff/queue/window/<int:window_id>/part/<slug:part>/", console_part, name="console-part"),
    path("staff/queue/window/<int:window_id>/<slug:action>/", console_act, name="console-act"),
    path("staff/queue/hall/", hall_view, name="hall"),
    path("staff/queue/hall/part/<slug:part>/", hall_part, name="hall-part"),
    path("staff/queue/hall/issue/", hall_issue, name="hall-issue"),
    path("staff/queue/hall/tickets/<int:ticket_id>/", hall_ticket, name="hall-ticket"),
    path("staff/queue/hall/tickets/<int:ticket_id>/print/", hall_print, name="hall-print"),
    path(
        "staff/queue/hall/tickets/<int:ticket_id>/<slug:action>/",
        hall_ticket_act,
        name="hall-ticket-act",
    ),
    path("staff/queue/hall/disputes/<int:dispute_id>/resolve/", hall_resolve, name="hall-resolve"),
]
