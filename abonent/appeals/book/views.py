"""Pages of the complaint book: the public kiosk form and results (B-1, B-2, B-8), and the
staff pages — the books, their entries, typing in a paper entry, the entry with its result
(B-3..B-7, B-6) and scans (B-5), and the printable book.

Views are thin: a form parses, ``access`` decides, one service writes, a template renders.
A refusal of a service (``DomainError``) is shown on its form with the error's 4xx status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from abonent.appeals.book import access, documents, rules, services
from abonent.appeals.book.forms import (
    EntryFilterForm,
    KioskForm,
    PaperEntryForm,
    ResultForm,
    ScanForm,
    YearForm,
    new_token,
    read_scan,
)
from abonent.appeals.book.models import BookEntry, ComplaintBook, EntryFile, FileKind, Result
from abonent.appeals.codes import AnswerMethod
from abonent.appeals.forms import add_domain_error
from abonent.core.errors import DomainError, InvalidInput
from abonent.core.lib.ratelimit import limit_request

View = Callable[..., HttpResponseBase]
FORM_INVALID = 422
SESSION_SENT = "book.sent"
# The kiosk form: 5,000 characters of Cyrillic are about 60 KB once URL-encoded.
MAX_FORM_BYTES = 128 * 1024
# A staff form with one scan.
MAX_UPLOAD_BYTES = 9 * 1024 * 1024
PAGE_SIZE = 50
ENTRY_LIMIT = 30  # kiosk entries per client and hour
RESULTS_LIMIT = 120  # public result pages per client and 10 minutes


# ---- helpers ---------------------------------------------------------------------------


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "appeals/staff/forbidden.html", status=403)


def too_large(request: HttpRequest, limit: int) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > limit


def _with_retry_after(response: HttpResponse, err: DomainError) -> HttpResponse:
    if "retry_after" in err.extra:
        response["Retry-After"] = str(err.extra["retry_after"])
    return response


def staff_only(view: View) -> View:
    """Log-in required; the view checks the object's permission itself."""
    return login_required(view)


def _book(office: str) -> ComplaintBook:
    return get_object_or_404(
        ComplaintBook.objects.select_related("office", "responsible"),
        office__code=office[:32],
        office__is_active=True,
    )


def _page(qs: QuerySet[Any], number: int | None) -> Page[Any]:
    paginator = Paginator(qs, PAGE_SIZE)
    return paginator.get_page(number or 1)


def page_language() -> str:
    lang = get_language() or "ru"
    return lang if lang in ("ru", "kk", "en") else "ru"


def with_answer_scan(qs: QuerySet[BookEntry]) -> QuerySet[BookEntry]:
    return qs.annotate(
        has_answer_scan=Exists(EntryFile.objects.filter(entry=OuterRef("pk"), kind=FileKind.ANSWER))
    )


def scan_expected(entry: BookEntry) -> bool:
    return rules.answer_scan_expected(
        result=entry.result,
        writer=services.writer_of(entry),
        has_answer_scan=bool(getattr(entry, "has_answer_scan", False)),
    )


# ---- public ----------------------------------------------------------------------------


def _kiosk_page(
    request: HttpRequest,
    book: ComplaintBook,
    form: KioskForm,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    context = {"book": book, "form": form, "error": error}
    return render(request, "book/public/kiosk.html", context, status=status)


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, office: str) -> HttpResponse:
    """The book at the kiosk (B-1): kind and text; name and contacts optional, and no
    question about documents or reasons (B-2). One token per form: sent twice, one entry."""
    book = _book(office)
    if request.method != "POST":
        return _kiosk_page(request, book, KioskForm())
    if too_large(request, MAX_FORM_BYTES):
        error = _("The entry is too large.")
        return _kiosk_page(request, book, KioskForm(), status=413, error=error)
    form = KioskForm(request.POST)
    try:
        limit_request(request, "book-entry", limit=ENTRY_LIMIT, window_seconds=3600)
        if not form.is_valid():
            return _kiosk_page(request, book, form, status=FORM_INVALID)
        entry, _created = services.submit_entry(book=book, data=form.entry_input(), actor=None)
    except DomainError as err:
        if err.code == "idempotency_key_reused":
            data = request.POST.copy()
            data["token"] = new_token()
            form = KioskForm(data)
            form.is_valid()
        add_domain_error(form, err)
        return _with_retry_after(_kiosk_page(request, book, form, status=err.status), err)
    request.session[SESSION_SENT] = entry.pk
    return redirect("book:sent", office=book.office.code)


@require_GET
def sent(request: HttpRequest, office: str) -> HttpResponse:
    """The receipt on screen, once: the next person at the kiosk cannot page back to it."""
    book = _book(office)
    pk = request.session.pop(SESSION_SENT, None)
    entry = (
        BookEntry.objects.select_related("appeal").filter(pk=pk, book=book).first()
        if isinstance(pk, int)
        else None
    )
    if entry is None:
        return redirect("book:kiosk", office=book.office.code)
    response = render(request, "book/public/sent.html", {"book": book, "entry": entry})
    add_never_cache_headers(response)
    return response


@require_GET
def results(request: HttpRequest, office: str) -> HttpResponse:
    """Where the writer reads the result (B-8): number, date, result and its date — never
    the writer's name, contacts or text."""
    book = _book(office)
    try:
        limit_request(request, "book-results", limit=RESULTS_LIMIT, window_seconds=600)
    except DomainError as err:
        response = render(request, "book/public/results.html", {"book": book, "error": err})
        response.status_code = err.status
        return _with_retry_after(response, err)
    form = YearForm(request.GET)
    if not form.is_valid():
        raise Http404
    year = form.cleaned_data["year"] or timezone.localdate().year
    qs = (
        BookEntry.objects.filter(book=book, year=year)
        .order_by("-number")
        .only("pk", "number", "year", "written_at", "result", "result_date")
    )
    context = {
        "book": book,
        "year": year,
        "page": _page(qs, form.cleaned_data["page"]),
        "years": _years(book),
    }
    return render(request, "book/public/results.html", context)


def _years(book: ComplaintBook) -> list[int]:
    return sorted(
        set(BookEntry.objects.filter(book=book).values_list("year", flat=True).distinct())
        | {timezone.localdate().year},
        reverse=True,
    )


# ---- staff: books and entries ----------------------------------------------------------


@require_GET
@staff_only
def books(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    qs = (
        access.visible_books(request.user)
        .annotate(
            open_count=Count("entries", filter=Q(entries__result="")),
            year_count=Count("entries", filter=Q(entries__year=year)),
        )
        .order_by("office__ordering", "office__code")
    )
    rows = list(qs)
    if not rows and not access.sees_all_books(request.user):
        return _forbidden(request)
    return render(request, "book/staff/books.html", {"books": rows, "year": year})


@require_GET
@staff_only
def entries(request: HttpRequest, office: str) -> HttpResponse:
    book = _book(office)
    if not access.can_view_book(request.user, book):
        return _forbidden(request)
    form = EntryFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "book/staff/entries.html",
            {"book": book, "form": form, "rows": []},
            status=FORM_INVALID,
        )
    state = form.cleaned_data["state"] or "open"
    chosen = BookEntry.objects.filter(book=book).in_state(state)
    qs = with_answer_scan(
        chosen.select_related("appeal").only(
            "pk",
            "year",
            "number",
            "source",
            "written_at",
            "result",
            "result_date",
            "book_id",
            "appeal__incoming_number",
            "appeal__kind",
            "appeal__text",
            "appeal__last_name",
            "appeal__first_name",
            "appeal__postal_address",
            "appeal__phone",
            "appeal__email",
            "appeal__status",
        )
    ).order_by("-year", "-number")
    page = _page(qs, form.cleaned_data["page"])
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "book": book,
        "form": form,
        "state": state,
        "page": page,
        "rows": [(e, scan_expected(e)) for e in page.object_list],
        "query": params.urlencode(),
        "can_type_in": access.can_type_in(request.user, book),
        "year": timezone.localdate().year,
    }
    return render(request, "book/staff/entries.html", context)


@require_http_methods(["GET", "POST"])
@staff_only
def new_entry(request: HttpRequest, office: str) -> HttpResponse:
    """Type in an entry of the paper book, with an optional scan of its page."""
    book = _book(office)
    if not access.can_type_in(request.user, book):
        return _forbidden(request)
    template = "book/staff/new.html"
    if request.method != "POST":
        return render(request, template, {"book": book, "form": PaperEntryForm()})
    if too_large(request, MAX_UPLOAD_BYTES):
        context = {"book": book, "form": PaperEntryForm(), "error": _("The request is too large.")}
        return render(request, template, context, status=413)
    form = PaperEntryForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, template, {"book": book, "form": form}, status=FORM_INVALID)
    try:
        entry, created = services.submit_entry(
            book=book, data=form.entry_input(), actor=request.user
        )
    except DomainError as err:
        add_domain_error(form, err)
        return render(request, template, {"book": book, "form": form}, status=err.status)
    if created:
        messages.success(
            request,
            _("Entry No. %(number)s is in the book; incoming No. %(incoming)s.")
            % {"number": entry.number, "incoming": entry.appeal.incoming_number},
        )
    return redirect("book:entry", pk=entry.pk)


# ---- staff: one entry ------------------------------------------------------------------


def _entry(pk: int) -> BookEntry:
    qs = BookEntry.objects.select_related(
        "appeal", "book__office", "book__responsible", "answer", "typed_by", "recorded_by"
    )
    return get_object_or_404(with_answer_scan(qs), pk=pk)


def _methods_hint(entry: BookEntry) -> list[tuple[str, list[str]]]:
    writer = services.writer_of(entry)
    return [
        (
            str(Result(r).label),
            [str(AnswerMethod(m).label) for m in rules.allowed_methods(r, writer)],
        )
        for r in Result.values
    ]


def _entry_page(
    request: HttpRequest,
    entry: BookEntry,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    bound = bound or {}
    can_record = access.can_record(request.user, entry.book) and not entry.result
    context = {
        "entry": entry,
        "appeal": entry.appeal,
        "book": entry.book,
        "files": list(entry.files.select_related("uploaded_by")),
        "scan_expected": scan_expected(entry),
        "writer_incomplete": services.writer_of(entry).is_incomplete,
        "result_form": (bound.get("result") or ResultForm()) if can_record else None,
        "scan_form": bound.get("scan") or ScanForm(),
        "methods": _methods_hint(entry) if can_record else [],
        "can_open_appeal": access.sees_all_books(request.user),
        "error": error,
    }
    return render(request, "book/staff/entry.html", context, status=status)


@require_GET
@staff_only
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    found = _entry(pk)
    if not access.can_view_entry(request.user, found):
        return _forbidden(request)
    return _entry_page(request, found)


@require_POST
@staff_only
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the result (B-6) by the logged-in staff member who may."""
    found = _entry(pk)
    if not access.can_record(request.user, found.book):
        return _forbidden(request)
    form = ResultForm(request.POST)
    if not form.is_valid():
        return _entry_page(request, found, {"result": form}, status=FORM_INVALID)
    cd = form.cleaned_data
    try:
        services.record_result(
            entry=found,
            result=cd["result"],
            measures=cd["measures"],
            method=cd["method"],
            reasons=cd["reasons"],
            oral_by=cd["oral_by"],
            actor=request.user,
        )
    except DomainError as err:
        add_domain_error(form, err)
        return _entry_page(
            request, _entry(pk), {"result": form}, status=err.status, error=str(err.message)
        )
    messages.success(request, _("The result is recorded in the book."))
    return redirect("book:entry", pk=pk)


@require_POST
@staff_only
def scan(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a scan: the paper page, or the copy of the answer (B-5)."""
    found = _entry(pk)
    if not access.can_attach(request.user, found):
        return _forbidden(request)
    if too_large(request, MAX_UPLOAD_BYTES):
        return _entry_page(request, found, status=413, error=_("The file is too large."))
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        return _entry_page(request, found, {"scan": form}, status=FORM_INVALID)
    try:
        upload = read_scan(form.cleaned_data["file"])
        if upload is None:
            raise InvalidInput(_("Choose a file."), code="file_required")
        services.attach_scan(
            entry=found, kind=form.cleaned_data["kind"], scan=upload, actor=request.user
        )
    except DomainError as err:
        add_domain_error(form, err)
        return _entry_page(request, found, {"scan": form}, status=err.status)
    messages.success(request, _("The scan is kept with the entry."))
    return redirect("book:entry", pk=pk)


@require_GET
@staff_only
def entry_file(request: HttpRequest, pk: int, file_id: int) -> FileResponse | HttpResponse:
    found = _entry(pk)
    if not access.can_view_entry(request.user, found):
        return _forbidden(request)
    stored = get_object_or_404(EntryFile, pk=file_id, entry=found)
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )


@require_GET
@staff_only
def book_pdf(request: HttpRequest, office: str) -> HttpResponse:
    """The printable book of a year (B-6)."""
    book = _book(office)
    if not access.can_view_book(request.user, book):
        return _forbidden(request)
    form = YearForm(request.GET)
    if not form.is_valid():
        return HttpResponse(_("Unknown year."), status=FORM_INVALID, content_type="text/plain")
    year = form.cleaned_data["year"] or timezone.localdate().year
    response = HttpResponse(
        documents.book_pdf(book, year, page_language()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="book-{book.office.code}-{year}.pdf"'
    return response
