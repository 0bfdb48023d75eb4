"""Pages of the appeals registry (issue #3): the public feedback form and status check (W-1,
K-2, K-4), and the staff journal, control view, registration form and appeal page (C-4..C-6,
K-3, K-5, W-3..W-6, D-1..D-4).

Views are thin: a form parses, ``access`` decides, one service writes, a template renders.
A refusal of a service (``DomainError``) is shown on its form with the error's 4xx status."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from abonent.appeals import access, api, queries, services
from abonent.appeals.codes import Decision, Language, Reason, Status
from abonent.appeals.forms import (
    AnswerForm,
    AssignForm,
    DecisionForm,
    ExtendForm,
    FeedbackForm,
    JournalFilterForm,
    NoFieldsForm,
    NoticeSentForm,
    StaffAppealForm,
    StatusForm,
    add_domain_error,
)
from abonent.appeals.models import Appeal, Attachment
from abonent.core.auth import has_role
from abonent.core.errors import DomainError
from abonent.core.lib.ratelimit import limit_request
from abonent.core.models import AuditEntry

View = Callable[..., HttpResponseBase]
SESSION_FEEDBACK = "appeals.feedback_done"
FORM_INVALID = 422
ACTIONS: dict[str, Promise] = {
    "appeal.registered": gettext_lazy("Registered"),
    "appeal.decided": gettext_lazy("Decision recorded"),
    "appeal.assigned": gettext_lazy("Assigned"),
    "appeal.needs_external_info": gettext_lazy("Needs information from other bodies"),
    "appeal.extended": gettext_lazy("Term extended"),
    "appeal.extension_notice_sent": gettext_lazy("Extension notice sent"),
    "appeal.answered": gettext_lazy("Answer registered"),
    "reception.booked": gettext_lazy("Signed up for a personal reception"),
    "reception.cancelled": gettext_lazy("Personal reception cancelled"),
    "reception.outcome": gettext_lazy("Outcome of the personal reception recorded"),
}
CONTROL_SECTIONS: list[tuple[str, Promise]] = [
    ("forward_now", gettext_lazy("Forward now: anonymous reports of a crime or a threat")),
    ("overdue", gettext_lazy("Overdue")),
    ("due_today", gettext_lazy("Due today")),
    ("due_soon", gettext_lazy("Due in the next 3 working days")),
    ("extended", gettext_lazy("Extended")),
    ("notices_pending", gettext_lazy("Extension notices to send")),
    ("undecided", gettext_lazy("Awaiting decision")),
]


# ---- helpers ---------------------------------------------------------------------------


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    error: DomainError | None = None,
) -> HttpResponse:
    response = render(request, template, context, status=status)
    if error is not None and "retry_after" in error.extra:
        response["Retry-After"] = str(error.extra["retry_after"])
    return response


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "appeals/staff/forbidden.html", status=403)


def can_read(user: Any) -> bool:
    """The journal and appeal pages: the registry, the intake desks and the departments
    (each sees only the rows ``access.visible_appeals`` gives them)."""
    return access.can_register(user) or has_role(user, *access.DEPARTMENT_ROLES)


def staff_page(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    """Log-in required; a role the page is not for gets the 403 page."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not allowed(request.user):
                return _forbidden(request)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorate


def _reason_labels(codes: Iterable[str]) -> list[str]:
    return [str(Reason(c).label) if c in Reason.values else c for c in codes]


@dataclass(frozen=True)
class Row:
    """An appeal as a line of the journal or the control view."""

    appeal: Appeal
    decision: str
    reasons: list[str]
    recorded: bool


def _decision_label(code: str) -> str:
    return str(Decision(code).label) if code in Decision.values else code


REASON_FIELDS = ("suggested_reasons", "decision_reasons")


def _rows(appeals: list[Appeal]) -> list[Row]:
    """Journal lines with their reasons. When the list query left the reason codes out
    (``queries.ROW_FIELDS``), they are read for the whole page in one query, never per row."""
    missing = set(REASON_FIELDS) & appeals[0].get_deferred_fields() if appeals else set()
    if missing:
        found = {
            pk: (suggested, decided)
            for pk, suggested, decided in Appeal.objects.filter(
                pk__in=[a.pk for a in appeals]
            ).values_list("pk", *REASON_FIELDS)
        }
        for a in appeals:
            a.suggested_reasons, a.decision_reasons = found[a.pk]
    return [_row(a) for a in appeals]


def _row(a: Appeal) -> Row:
    """The recorded decision when there is one, else the rules' suggestion (C-5, C-6)."""
    if a.decision:
        return Row(a, _decision_label(a.decision), _reason_labels(a.decision_reasons), True)
    return Row(a, _decision_label(a.suggested_decision), _reason_labels(a.suggested_reasons), False)


def _page_language() -> str | None:
    """The appeal's language is the page's, when it is one the registry answers in (W-6)."""
    lang = get_language()
    return lang if lang in Language.values else None


# ---- public ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    """The website's "Обратная связь" form (W-1, K-2); the consumer gets the incoming
    number and an access code (K-4)."""
    if request.method != "POST":
        form = FeedbackForm(language=_page_language())
        return _render(request, "appeals/public/feedback.html", {"form": form})
    form = FeedbackForm(request.POST, language=_page_language())
    try:
        limit_request(request, "appeal-form", limit=20, window_seconds=3600)
        if not form.is_valid():
            return _render(
                request, "appeals/public/feedback.html", {"form": form}, status=FORM_INVALID
            )
        appeal = services.register_appeal(data=form.appeal_input(), actor=None)
    except DomainError as err:
        add_domain_error(form, err)
        return _render(
            request, "appeals/public/feedback.html", {"form": form}, status=err.status, error=err
        )
    request.session[SESSION_FEEDBACK] = appeal.pk
    return redirect("appeals:feedback-done")


@require_GET
def feedback_done(request: HttpRequest) -> HttpResponse:
    """The receipt on screen: only the browser session that sent the appeal sees it."""
    pk = request.session.get(SESSION_FEEDBACK)
    appeal = Appeal.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if appeal is None:
        return redirect("appeals:feedback")
    return _render(request, "appeals/public/feedback_done.html", {"appeal": appeal})


@require_http_methods(["GET", "POST"])
def appeal_status(request: HttpRequest) -> HttpResponse:
    """Status by incoming number and access code: no personal data; a wrong number and a
    wrong code give the same answer. The code travels in a POST body, not in the URL."""
    if request.method != "POST":
        form = StatusForm(initial={"number": request.GET.get("number", "")[:20]})
        return _render(request, "appeals/public/status.html", {"form": form})
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _render(request, "appeals/public/status.html", {"form": form}, status=FORM_INVALID)
    try:
        # The API's endpoint function: the same rate limit, lookup and refusal.
        result = api.appeal_status(
            request, form.cleaned_data["number"].strip(), form.cleaned_data["code"]
        )
    except DomainError as err:
        add_domain_error(form, err)
        return _render(
            request, "appeals/public/status.html", {"form": form}, status=err.status, error=err
        )
    context = {"form": form, "result": result, "status_label": Status(result.status).label}
    return _render(request, "appeals/public/status.html", context)


# ---- staff: lists ----------------------------------------------------------------------


@require_GET
@staff_page(can_read)
def journal(request: HttpRequest) -> HttpResponse:
    """The incoming journal (K-3) with filters and keyset pagination."""
    form = JournalFilterForm(request.GET)
    context: dict[str, Any] = {
        "form": form,
        "rows": [],
        "next_url": None,
        "can_manage": access.can_manage(request.user),
        "can_register": access.can_register(request.user),
    }
    if not form.is_valid():
        return _render(request, "appeals/staff/journal.html", context, status=FORM_INVALID)
    cd = form.cleaned_data
    filters = queries.AppealFilter(
        status=cd["status"] or None,
        department=cd["department"].code if cd["department"] else None,
        channel=cd["channel"] or None,
        overdue=cd["overdue"] or None,
        q=cd["q"] or None,
        cursor=cd["cursor"] or None,
        year=None,
        limit=50,
    )
    try:
        page = queries.journal_page(request.user, filters)
    except DomainError as err:
        add_domain_error(form, err)
        return _render(request, "appeals/staff/journal.html", context, status=err.status)
    params = request.GET.copy()
    params.pop("cursor", None)
    if cd["cursor"]:
        context["first_url"] = "?" + params.urlencode()
    if page.next_cursor:
        params["cursor"] = page.next_cursor
        context["next_url"] = "?" + params.urlencode()
    context["rows"] = _rows(page.items)
    return _render(request, "appeals/staff/journal.html", context)


@require_GET
@staff_page(access.can_manage)
def control(request: HttpRequest) -> HttpResponse:
    """The Chancellery's control of terms (D-4)."""
    view = queries.control_view(request.user)
    sections = [(key, title, _rows(getattr(view, key))) for key, title in CONTROL_SECTIONS]
    return _render(request, "appeals/staff/control.html", {"sections": sections})


# ---- staff: registration ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page(access.can_register)
def new(request: HttpRequest) -> HttpResponse:
    """Registration of what arrived by post, e-mail, phone, in person, at a reception, in a
    box or in the complaint book (C-3, C-4, K-3, K-6, CC-8)."""
    if request.method != "POST":
        return _render(request, "appeals/staff/new.html", {"form": StaffAppealForm()})
    form = StaffAppealForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, "appeals/staff/new.html", {"form": form}, status=FORM_INVALID)
    try:
        appeal = services.register_appeal(data=form.appeal_input(), actor=request.user)
    except DomainError as err:
        add_domain_error(form, err)
        return _render(request, "appeals/staff/new.html", {"form": form}, status=err.status)
    messages.success(
        request,
        _("Appeal No. %(number)s is registered on %(date)s; due %(due)s.")
        % {
            "number": appeal.incoming_number,
            "date": appeal.registered_on.strftime("%d.%m.%Y"),
            "due": appeal.due_date.strftime("%d.%m.%Y"),
        },
    )
    return redirect("appeals:detail", pk=appeal.pk)


# ---- staff: one appeal -----------------------------------------------------------------


def _visible(request: HttpRequest, pk: int) -> Appeal:
    qs = access.visible_appeals(request.user).select_related(
        "department",
        "executor",
        "topic",
        "suggested_topic",
        "office",
        "registered_by",
        "decided_by",
        "answer",
        "book_entry",
        "box_item__collection",
    )
    return get_object_or_404(qs, pk=pk)


def _history(appeal: Appeal) -> list[dict[str, Any]]:
    out = []
    for e in AuditEntry.objects.for_object(appeal).order_by("at", "id"):
        before, after = e.before or {}, e.after or {}
        changes = [
            (key, before.get(key), after[key])
            for key in after
            if e.before is not None and before.get(key) != after[key]
        ]
        out.append(
            {
                "entry": e,
                "action": ACTIONS.get(e.action, e.action),
                "changes": changes,
                "after": after if e.before is None else {},
            }
        )
    return out


def _forms(appeal: Appeal, bound: dict[str, forms.Form]) -> dict[str, forms.Form]:
    """The action forms the appeal's state allows; a form just posted is shown as posted,
    with its errors."""
    shown: dict[str, forms.Form] = {}
    answered = hasattr(appeal, "answer")
    if appeal.is_open:
        shown["decision"] = DecisionForm(
            initial={"decision": appeal.suggested_decision, "reasons": appeal.suggested_reasons}
        )
        shown["assign"] = AssignForm(
            initial={
                "department": appeal.department.code if appeal.department else None,
                "executor": appeal.executor.get_username() if appeal.executor else None,
                "to_management": appeal.to_management,
            }
        )
        if not appeal.needs_external_info and appeal.extension_days is None:
            shown["external"] = NoFieldsForm()
        if appeal.extension_days is None:
            shown["extend"] = ExtendForm()
        if not answered:
            shown["answer"] = AnswerForm(initial={"language": appeal.language})
    if appeal.extension_days is not None and appeal.extension_notice_sent_at is None:
        shown["notice"] = NoticeSentForm()
    shown.update(bound)
    return shown


def _detail(
    request: HttpRequest,
    appeal: Appeal,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    manage = access.can_manage(request.user)
    context = {
        "appeal": appeal,
        "answer": getattr(appeal, "answer", None),
        "suggested": {
            "decision": _decision_label(appeal.suggested_decision),
            "reasons": _reason_labels(appeal.suggested_reasons),
        },
        "recorded": {
            "decision": _decision_label(appeal.decision),
            "reasons": _reason_labels(appeal.decision_reasons),
        }
        if appeal.decision
        else None,
        "related": list(appeal.related.all()),
        "attachments": list(appeal.attachments.all()),
        "history": _history(appeal),
        "can_manage": manage,
        "forms": _forms(appeal, bound or {}) if manage else {},
    }
    return _render(request, "appeals/staff/detail.html", context, status=status)


@require_GET
@staff_page(can_read)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request, pk))


@require_GET
@staff_page(can_read)
def attachment(request: HttpRequest, pk: int, att_id: int) -> FileResponse:
    """A received file, only for staff who may see its appeal; always a download."""
    appeal = _visible(request, pk)
    att = get_object_or_404(Attachment, pk=att_id, appeal=appeal)
    return FileResponse(
        att.file.open("rb"),
        as_attachment=True,
        filename=att.original_name,
        content_type=att.content_type,
    )


Perform = Callable[[Appeal, dict[str, Any]], object]


def _act(
    request: HttpRequest, pk: int, name: str, form: forms.Form, perform: Perform, done: str
) -> HttpResponse:
    """One action of the appeal page: visible (404), allowed (403), valid (422), then the
    service; its refusal re-renders the page with the form and the error's status."""
    appeal = _visible(request, pk)
    if not access.can_manage(request.user):
        return _forbidden(request)
    if not form.is_valid():
        return _detail(request, appeal, {name: form}, status=FORM_INVALID)
    try:
        perform(appeal, form.cleaned_data)
    except DomainError as err:
        add_domain_error(form, err)
        return _detail(request, appeal, {name: form}, status=err.status)
    messages.success(request, done)
    return redirect("appeals:detail", pk=pk)


@require_POST
@staff_page(can_read)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(appeal: Appeal, cd: dict[str, Any]) -> object:
        return services.decide_admissibility(
            appeal=appeal,
            decision=cd["decision"],
            reasons=cd["reasons"],
            state_body=cd["state_body"],
            actor=request.user,
        )

    form = DecisionForm(request.POST)
    return _act(request, pk, "decision", form, perform, _("The decision is recorded."))


@require_POST
@staff_page(can_read)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(appeal: Appeal, cd: dict[str, Any]) -> object:
        return services.assign_appeal(
            appeal=appeal,
            department=cd["department"].code if cd["department"] else None,
            executor=cd["executor"].get_username() if cd["executor"] else None,
            to_management=cd["to_management"],
            actor=request.user,
        )

    form = AssignForm(request.POST)
    return _act(request, pk, "assign", form, perform, _("The appeal is assigned."))


@require_POST
@staff_page(can_read)
def needs_external_info(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(appeal: Appeal, cd: dict[str, Any]) -> object:
        return services.mark_needs_external_info(appeal=appeal, actor=request.user)

    form = NoFieldsForm(request.POST)
    done = _("The term is now 30 calendar days from receipt.")
    return _act(request, pk, "external", form, perform, done)


@require_POST
@staff_page(can_read)
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(appeal: Appeal, cd: dict[str, Any]) -> object:
        return services.extend_term(
            appeal=appeal, days=cd["days"], reason=cd["reason"], actor=request.user
        )

    form = ExtendForm(request.POST)
    return _act(request, pk, "extend", form, perform, _("The term is extended."))


@require_POST
@staff_page(can_read)
def extension_notice_sent(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(appeal: Appeal, cd: dict[str, Any]) -> object:
        return services.mark_extension_notice_sent(
            appeal=appeal, note=cd["note"], actor=request.user
        )

    form = NoticeSentForm(request.POST)
    done = _("The extension notice is marked as sent.")
    return _act(request, pk, "notice", form, perform, done)


@require_POST
@staff_page(can_read)
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(appeal: Appeal, cd: dict[str, Any]) -> object:
        return services.register_answer(
            appeal=appeal,
            text=cd["text"],
            language=cd["language"],
            outcome=cd["outcome"],
            method=cd["method"],
            reasons=cd["reasons"],
            oral_by=cd["oral_by"],
            actor=request.user,
        )

    form = AnswerForm(request.POST)
    return _act(request, pk, "answer", form, perform, _("The answer is registered."))
