"""Pages of the contact centre's work (issue #6, points 4 and 5): the operator's call card
with the outcome form, callbacks (CC-6), requests passed to units (CC-1) and the
supervisor's figures. Thin: forms parse, ``access`` decides, services and queries work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from abonent.calls import access, queries, services, stats
from abonent.calls.forms import NoteForm, OutcomeForm, PeriodForm
from abonent.calls.ivr.stats import ivr_stats
from abonent.calls.models import Call, Callback, CallTopic, OutcomeKind, UnitRequest
from abonent.calls.rules import mask_phone
from abonent.core.errors import DomainError
from abonent.core.roles import Role


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "calls/forbidden.html", status=403)


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "calls/not_found.html", status=404)


def _card_context(request: HttpRequest, call: Call) -> dict[str, Any]:
    personal = access.sees_personal_data(request.user)
    context = queries.caller_context(call) if personal else queries.CallerContext([], [])
    return {
        "call": call,
        "phone": call.phone if personal else mask_phone(call.phone),
        "personal": personal,
        "events": list(call.events.order_by("at", "id")),
        "open_appeals": context.open_appeals,
        "recent_calls": context.recent_calls,
        "linked_appeals": list(call.appeals.order_by("-registered_at")[:20]),
        "outcome": queries.outcome_of(call),
        "can_record": access.can_record_outcome(
            request.user, call.operator_id, call.operator_login
        ),
        "can_listen": access.can_listen(request.user, call.operator_id),
    }


@login_required
@require_GET
def card(request: HttpRequest, call_id: str) -> HttpResponse:
    if not access.can_read_card(request.user):
        return _forbidden(request)
    try:
        call = services.get_call(call_id)
    except DomainError:
        return _not_found(request)
    context = _card_context(request, call)
    if context["outcome"] is None and context["can_record"]:
        context["form"] = OutcomeForm(initial={"outcome": OutcomeKind.ANSWERED})
    return render(request, "calls/card.html", context)


@login_required
@require_POST
def record_outcome(request: HttpRequest, call_id: str) -> HttpResponse:
    try:
        call = services.get_call(call_id)
    except DomainError:
        return _not_found(request)
    if not access.can_record_outcome(request.user, call.operator_id, call.operator_login):
        return _forbidden(request)
    form = OutcomeForm(request.POST)
    status = 422
    next_possible: object = None
    if form.is_valid():
        try:
            services.record_call_outcome(call=call, data=form.to_input(), actor=request.user)
        except DomainError as exc:
            form.add_service_errors(exc.fields, str(exc.message))
            status = exc.status
            next_possible = exc.extra.get("next_possible")
        else:
            return HttpResponseRedirect(reverse("calls:card", args=[call.call_id]) + "#outcome")
    context = _card_context(request, call)
    context["form"] = form if context["outcome"] is None else None
    if isinstance(next_possible, str):
        context["next_possible"] = datetime.fromisoformat(next_possible)
    return render(request, "calls/card.html", context, status=status)


# ---- callbacks (CC-6) ------------------------------------------------------------------


def _operators() -> list[Any]:
    roles = [Role.CC_OPERATOR.value, Role.SENIOR_OPERATOR.value]
    return list(
        get_user_model()
        .objects.filter(Q(groups__name__in=roles), is_active=True)
        .distinct()
        .order_by("last_name", "username")
    )


@login_required
@require_GET
def callbacks(request: HttpRequest) -> HttpResponse:
    if not access.can_work_callbacks(request.user):
        return _forbidden(request)
    show = request.GET.get("show", "open")
    f = queries.CallbackFilter(
        status=None if show == "done" else "open",
        assignee={"me": "me", "pool": "pool"}.get(request.GET.get("who", "")),
        limit=200,
    )
    if show == "done":
        f.status = "done"
    moment = services.now()
    rows = queries.callbacks(f, user=request.user, moment=moment)
    return render(
        request,
        "calls/callbacks.html",
        {
            "rows": [(cb, cb.status == "open" and cb.due_at < moment) for cb in rows],
            "operators": _operators(),
            "show": show,
            "who": request.GET.get("who", ""),
            "note_form": NoteForm(),
        },
    )


def _back_to_callbacks(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("calls:callbacks"))


def _task_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "calls/refused.html", {"message": exc.message}, status=exc.status)


@login_required
@require_POST
def callback_done(request: HttpRequest, pk: int) -> HttpResponse:
    cb = Callback.objects.filter(pk=pk).first()
    if cb is None:
        return _not_found(request)
    if not access.can_finish_callback(request.user, cb.assignee_id):
        return _forbidden(request)
    try:
        services.complete_callback(
            callback=cb, note=request.POST.get("note", ""), actor=request.user
        )
    except DomainError as exc:
        return _task_error(request, exc)
    return _back_to_callbacks(request)


@login_required
@require_POST
def callback_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    cb = Callback.objects.filter(pk=pk).first()
    if cb is None:
        return _not_found(request)
    if not access.can_reassign_callback(request.user, cb.assignee_id):
        return _forbidden(request)
    username = request.POST.get("assignee", "")
    assignee = get_user_model().objects.filter(username=username).first() if username else None
    try:
        if username and assignee is None:
            raise DomainError(_("Not a contact-centre operator."), code="invalid_assignee")
        services.reassign_callback(callback=cb, assignee=assignee, actor=request.user)
    except DomainError as exc:
        return _task_error(request, exc)
    return _back_to_callbacks(request)


# ---- requests passed to units (CC-1) -----------------------------------------------------


def _unit_scope(request: HttpRequest) -> int | None:
    if access.sees_all_units(request.user):
        return None
    dept = queries.user_department(request.user)
    return dept.pk if dept is not None else -1


@login_required
@require_GET
def unit_requests(request: HttpRequest) -> HttpResponse:
    if not access.can_read_unit_requests(request.user):
        return _forbidden(request)
    show = "done" if request.GET.get("show") == "done" else "open"
    department = request.GET.get("department", "")[:32] or None
    scope = _unit_scope(request)
    mine = queries.user_department(request.user)
    own = mine.pk if mine is not None else None
    rows = queries.unit_requests(
        queries.UnitRequestFilter(status=show, department=department, limit=200),
        only_department=scope,
    )
    return render(
        request,
        "calls/requests.html",
        {
            "rows": rows,
            "show": show,
            "department": department or "",
            "all_units": scope is None,
            "units": services.PASS_TO,
            "can_finish": {
                r.pk
                for r in rows
                if access.may_finish_unit_request(request.user, r.department_id, own)
            },
        },
    )


@login_required
@require_POST
def unit_request_done(request: HttpRequest, pk: int) -> HttpResponse:
    found = UnitRequest.objects.filter(pk=pk).first()
    scope = _unit_scope(request)
    if found is None or (scope is not None and scope != found.department_id):
        return _not_found(request)
    mine = queries.user_department(request.user)
    if not access.may_finish_unit_request(
        request.user, found.department_id, mine.pk if mine is not None else None
    ):
        return _forbidden(request)
    try:
        services.complete_unit_request(
            request=found, note=request.POST.get("note", ""), actor=request.user
        )
    except DomainError as exc:
        return _task_error(request, exc)
    return HttpResponseRedirect(reverse("calls:requests"))


# ---- the supervisor's figures ----------------------------------------------------------


@login_required
@require_GET
def supervisor(request: HttpRequest) -> HttpResponse:
    if not access.can_supervise(request.user):
        return _forbidden(request)
    moment = services.now()
    today = timezone.localdate(moment)
    form = PeriodForm(request.GET or None)
    date_from = date_to = today
    status = 200
    found = ivr = None
    if form.is_bound and not form.is_valid():
        status = 422
    else:
        if form.is_bound:
            date_from = form.cleaned_data["date_from"] or today
            date_to = form.cleaned_data["date_to"] or date_from
        try:
            found = stats.call_stats(date_from, date_to, moment=moment)
            ivr = ivr_stats(date_from, date_to)
        except DomainError as exc:
            form.add_error("date_to", str(exc.message))
            status = exc.status
    if not form.is_bound:
        form = PeriodForm(initial={"date_from": today, "date_to": today})
    topics = []
    if found is not None:
        topics = [(CallTopic(code).label, n) for code, n in found.per_topic.items()]
    return render(
        request,
        "calls/supervisor.html",
        {"form": form, "stats": found, "topics": topics, "ivr": ivr},
        status=status,
    )
