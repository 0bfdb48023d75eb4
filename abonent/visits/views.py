"""Staff pages of home visits: the employee's day (V-3, V-4, outcomes), the planner's board
(visits per day and employee, notices due / overdue / failed, late changes), planning,
rescheduling and cancelling, printing letters. Thin: forms parse, ``access`` decides, one
service call writes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from abonent.core.errors import DomainError
from abonent.core.models import Office
from abonent.visits import access, queries, rules, services
from abonent.visits.forms import CancelForm, OutcomeForm, RescheduleForm, VisitForm
from abonent.visits.models import Channel, Visit, VisitNotice
from abonent.visits.notices import company_name, notice_context


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "visits/forbidden.html", status=403)


def _day(request: HttpRequest) -> date:
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return queries.today()
    return day if queries.valid_day(day) else queries.today()


def _language(request: HttpRequest) -> str:
    return "kk" if (getattr(request, "LANGUAGE_CODE", "ru") or "ru").startswith("kk") else "ru"


def _apply_error(form: Any, exc: DomainError) -> None:
    placed = False
    for name, messages in exc.fields.items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


@login_required
@require_GET
def my_day(request: HttpRequest) -> HttpResponse:
    """Today's visits of the signed-in employee in order (a planner may pick anyone)."""
    if not access.can_see_day(request.user):
        return _forbidden(request)
    day = _day(request)
    employee = request.user.get_username()
    if access.is_planner(request.user) and request.GET.get("employee"):
        employee = request.GET["employee"]
    visits = list(queries.visits_of_day(day, employee))
    offices = list(Office.objects.filter(is_active=True).order_by("ordering", "code"))
    return render(
        request,
        "visits/my_day.html",
        {
            "day": day,
            "employee": employee,
            "visits": visits,
            "outcome_form": OutcomeForm(),
            "organisation": company_name(_language(request)),
            "offices": offices,
            "prev_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
        },
    )


def _back_to_day(request: HttpRequest, visit: Visit) -> HttpResponseRedirect:
    day = rules.local(visit.starts_at).date()
    return HttpResponseRedirect(f"{reverse('visits:my-day')}?day={day.isoformat()}")


@login_required
@require_POST
def depart(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(Visit, pk=pk)
    try:
        services.depart_visit(visit=visit, actor=request.user)
    except DomainError as exc:
        return render(
            request, "visits/refused.html", {"error": exc, "visit": visit}, status=exc.status
        )
    return _back_to_day(request, visit)


@login_required
@require_POST
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(Visit, pk=pk)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return render(request, "visits/refused.html", {"form": form, "visit": visit}, status=422)
    try:
        services.record_outcome(
            visit=visit,
            outcome=form.cleaned_data["outcome"],
            notes=form.cleaned_data["notes"],
            actor=request.user,
        )
    except DomainError as exc:
        return render(
            request, "visits/refused.html", {"error": exc, "visit": visit}, status=exc.status
        )
    return _back_to_day(request, visit)


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The planner's view: a day's visits per employee, notices due / overdue / failed,
    letters to print and late changes of the last 30 days."""
    if not access.is_planner(request.user):
        return _forbidden(request)
    day = _day(request)
    visits = list(queries.visits_of_day(day))
    return render(
        request,
        "visits/board.html",
        {
            "day": day,
            "prev_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
            "groups": queries.by_employee(visits),
            "visit_count": len(visits),
            "due": list(queries.notices("due")[:100]),
            "overdue": list(queries.notices("overdue")[:100]),
            "failed": list(queries.notices("failed")[:100]),
            "letters": list(queries.letters_to_print()[:100]),
            "late": list(queries.late_changes(queries.today() - timedelta(days=30))[:100]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_visit(request: HttpRequest) -> HttpResponse:
    if not access.is_planner(request.user):
        return _forbidden(request)
    form = VisitForm(request.POST or None, initial={"language": "ru", "print_letter": True})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            d = form.cleaned_data
            starts_at, ends_at = form.window()
            data = services.VisitInput(
                address=d["address"],
                purpose=d["purpose"],
                reason=d["reason"],
                employees=d["employees"],
                starts_at=starts_at,
                ends_at=ends_at,
                urgent=d["urgent"],
                urgency_reason=d["urgency_reason"],
                contact_name=d["contact_name"],
                phone=d["phone"],
                email=d["email"],
                language=d["language"],
                account=d["account"],
                appeal=d["appeal"],
                print_letter=d["print_letter"],
            )
            try:
                visit = services.plan_visit(data=data, actor=request.user)
            except DomainError as exc:
                _apply_error(form, exc)
                status = exc.status
            else:
                return HttpResponseRedirect(reverse("visits:detail", args=[visit.pk]))
    return render(request, "visits/new.html", {"form": form}, status=status)


def _detail(request: HttpRequest, visit: Visit, status: int = 200, **forms: Any) -> HttpResponse:
    start = rules.local(visit.starts_at)
    end = rules.local(visit.ends_at)
    context = {
        "visit": visit,
        "notices": list(visit.notices.all()),
        "changes": list(visit.changes.select_related("changed_by")),
        "reschedule_form": forms.get("reschedule_form")
        or RescheduleForm(
            initial={"day": start.date(), "time_from": start.time(), "time_to": end.time()}
        ),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "can_override": access.can_override_late_change(request.user),
    }
    return render(request, "visits/detail.html", context, status=status)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.is_planner(request.user):
        return _forbidden(request)
    return _detail(request, get_object_or_404(queries.visits_with_details(), pk=pk))


@login_required
@require_POST
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.is_planner(request.user):
        return _forbidden(request)
    visit = get_object_or_404(queries.visits_with_details(), pk=pk)
    form = RescheduleForm(request.POST)
    if form.is_valid():
        starts_at, ends_at = form.window()
        try:
            services.reschedule_visit(
                visit=visit,
                starts_at=starts_at,
                ends_at=ends_at,
                override_reason=form.cleaned_data["override_reason"],
                actor=request.user,
            )
        except DomainError as exc:
            _apply_error(form, exc)
            return _detail(request, visit, status=exc.status, reschedule_form=form)
        return HttpResponseRedirect(reverse("visits:detail", args=[pk]))
    return _detail(request, visit, status=422, reschedule_form=form)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.is_planner(request.user):
        return _forbidden(request)
    visit = get_object_or_404(queries.visits_with_details(), pk=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_visit(
                visit=visit, reason=form.cleaned_data["reason"], actor=request.user
            )
        except DomainError as exc:
            _apply_error(form, exc)
            return _detail(request, visit, status=exc.status, cancel_form=form)
        return HttpResponseRedirect(reverse("visits:detail", args=[pk]))
    return _detail(request, visit, status=422, cancel_form=form)


@login_required
@require_GET
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable letter with the visit code, in the visit's language."""
    if not access.can_print_letters(request.user):
        return _forbidden(request)
    notice = get_object_or_404(
        VisitNotice.objects.select_related("visit"), pk=pk, channel=Channel.LETTER
    )
    from django.utils import translation

    with translation.override(notice.visit.language):
        context = notice_context(notice.visit, notice)
        return render(request, "visits/letter.html", context)


@login_required
@require_POST
def letter_printed(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.can_print_letters(request.user):
        return _forbidden(request)
    notice = get_object_or_404(VisitNotice, pk=pk, channel=Channel.LETTER)
    try:
        services.mark_letter_printed(notice=notice, actor=request.user)
    except DomainError as exc:
        return render(request, "visits/refused.html", {"error": exc}, status=exc.status)
    return HttpResponseRedirect(reverse("visits:board"))
