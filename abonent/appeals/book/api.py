"""API: The complaint and suggestion book (B-1..B-8), mounted at ``/api/v1/book``.

Public: the kiosk's ``POST /{office}/entries`` and the results ``GET /{office}/results``
(no personal data, B-8). Staff: the entries, one entry, recording its result (B-6), its
scans (B-5) and the printable book."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from abonent.appeals.book import access, documents, files, services
from abonent.appeals.book.models import BookEntry, ComplaintBook, EntryFile
from abonent.appeals.book.views import (
    ENTRY_LIMIT,
    MAX_FORM_BYTES,
    PAGE_SIZE,
    RESULTS_LIMIT,
    page_language,
    scan_expected,
    too_large,
    with_answer_scan,
)
from abonent.core.auth import TokenAuth, staff_session
from abonent.core.errors import Forbidden, InvalidInput
from abonent.core.lib.ratelimit import limit_request

router = Router()
STAFF = [TokenAuth(), staff_session]


def _book(office: str) -> ComplaintBook:
    return get_object_or_404(
        ComplaintBook.objects.select_related("office", "responsible"),
        office__code=office[:32],
        office__is_active=True,
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden(_("Your role does not allow this action."))


# ---- public ----------------------------------------------------------------------------


class EntryIn(Schema):
    kind: str = Field(..., max_length=16, description="complaint or suggestion")
    text: str = Field(..., description="1 to 5,000 characters")
    last_name: str = Field("", max_length=150)
    first_name: str = Field("", max_length=150)
    phone: str = Field("", max_length=32)
    postal_address: str = Field("", max_length=500)
    email: str = Field("", max_length=254)
    idempotency_key: str = Field(
        ...,
        min_length=16,
        max_length=64,
        pattern=r"^[A-Za-z0-9_\-]+$",
        description="One per entry: sent again, it gives the same entry, never a second one.",
    )


class EntryCreated(Schema):
    id: int
    office: str
    year: int
    book_number: int
    incoming_number: str
    access_code: str
    registered_on: date
    results_url: str


def _created(entry: BookEntry) -> EntryCreated:
    code = entry.book.office.code
    return EntryCreated(
        id=entry.pk,
        office=code,
        year=entry.year,
        book_number=entry.number,
        incoming_number=entry.appeal.incoming_number,
        access_code=entry.appeal.access_code,
        registered_on=entry.appeal.registered_on,
        results_url=f"/book/{code}/results/",
    )


@router.post("/{office}/entries", response={201: EntryCreated}, auth=None)
def create_entry(
    request: HttpRequest, office: str, body: EntryIn, response: HttpResponse
) -> Status[EntryCreated]:
    """An entry at the kiosk (B-1, B-2): no document, no reason asked; name and contacts
    optional. 404 unknown office; 422 ``text_required`` / ``text_too_long``; 409
    ``idempotency_key_reused`` when the key comes again with another text; 413; 429."""
    book = _book(office)
    if too_large(request, MAX_FORM_BYTES):
        raise InvalidInput(_("The request is too large."), code="too_large", status=413)
    limit_request(request, "book-entry", limit=ENTRY_LIMIT, window_seconds=3600)
    data = services.EntryInput(
        kind=body.kind,
        text=body.text,
        last_name=body.last_name,
        first_name=body.first_name,
        phone=body.phone,
        postal_address=body.postal_address,
        email=body.email,
        idempotency_key=body.idempotency_key,
    )
    entry, created = services.submit_entry(book=book, data=data, actor=None)
    if not created:
        response["Idempotent-Replayed"] = "true"
    return Status(201, _created(entry))


class ResultRow(Schema):
    book_number: int
    written_on: date
    result: str
    result_date: date | None


class ResultsOut(Schema):
    office: str
    year: int
    location: str
    items: list[ResultRow]
    page: int
    pages: int
    count: int


@router.get("/{office}/results", response=ResultsOut, auth=None)
def public_results(
    request: HttpRequest,
    office: str,
    year: int | None = Query(None, ge=2000, le=2100),  # type: ignore[type-arg]
    page: int = Query(1, ge=1, le=100_000),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """B-8: number, date, result and result date of each entry — nothing about the writer
    and not the text."""
    book = _book(office)
    limit_request(request, "book-results", limit=RESULTS_LIMIT, window_seconds=600)
    year = year or timezone.localdate().year
    qs = (
        BookEntry.objects.filter(book=book, year=year)
        .order_by("-number")
        .only("number", "written_at", "result", "result_date")
    )
    found = Paginator(qs, PAGE_SIZE).get_page(page)
    return {
        "office": book.office.code,
        "year": year,
        "location": book.location,
        "items": [
            {
                "book_number": e.number,
                "written_on": timezone.localtime(e.written_at).date(),
                "result": e.result,
                "result_date": e.result_date,
            }
            for e in found.object_list
        ],
        "page": found.number,
        "pages": found.paginator.num_pages,
        "count": found.paginator.count,
    }


# ---- staff -----------------------------------------------------------------------------


class WriterOut(Schema):
    last_name: str
    first_name: str
    phone: str
    postal_address: str
    email: str


class EntryRow(Schema):
    id: int
    year: int
    book_number: int
    incoming_number: str
    written_at: datetime
    source: str
    kind: str
    writer: WriterOut
    result: str
    result_date: date | None
    answer_scan_expected: bool


class EntryPage(Schema):
    items: list[EntryRow]
    page: int
    pages: int
    count: int


class AnswerOut(Schema):
    outgoing_number: str
    method: str
    outcome: str
    reasons: str
    oral_by: str
    oral_at: datetime | None


class FileOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int
    uploaded_at: datetime


class EntryOut(EntryRow):
    office: str
    appeal_id: int
    appeal_status: str
    text: str
    typed_by: str | None
    measures: str
    recorder_surname: str
    recorder_position: str
    recorded_at: datetime | None
    answer: AnswerOut | None
    files: list[FileOut]


def _row(e: BookEntry) -> dict[str, Any]:
    a = e.appeal
    return {
        "id": e.pk,
        "year": e.year,
        "book_number": e.number,
        "incoming_number": a.incoming_number,
        "written_at": timezone.localtime(e.written_at),
        "source": e.source,
        "kind": a.kind,
        "writer": {
            "last_name": a.last_name,
            "first_name": a.first_name,
            "phone": a.phone,
            "postal_address": a.postal_address,
            "email": a.email,
        },
        "result": e.result,
        "result_date": e.result_date,
        "answer_scan_expected": scan_expected(e),
    }


def _entry(entry_id: int) -> BookEntry:
    qs = BookEntry.objects.select_related(
        "appeal", "book__office", "book__responsible", "answer", "typed_by"
    )
    return get_object_or_404(with_answer_scan(qs), pk=entry_id)


def _detail(e: BookEntry) -> dict[str, Any]:
    answer = e.answer
    return {
        **_row(e),
        "office": e.book.office.code,
        "appeal_id": e.appeal_id,
        "appeal_status": e.appeal.status,
        "text": e.appeal.text,
        "typed_by": e.typed_by.get_username() if e.typed_by else None,
        "measures": e.measures,
        "recorder_surname": e.recorder_surname,
        "recorder_position": e.recorder_position,
        "recorded_at": e.recorded_at,
        "answer": {
            "outgoing_number": answer.outgoing_number,
            "method": answer.method,
            "outcome": answer.outcome,
            "reasons": answer.reasons,
            "oral_by": answer.oral_by,
            "oral_at": answer.oral_at,
        }
        if answer
        else None,
        "files": [
            {
                "id": f.pk,
                "kind": f.kind,
                "name": f.original_name,
                "content_type": f.content_type,
                "size": f.size,
                "uploaded_at": f.uploaded_at,
            }
            for f in e.files.all()
        ],
    }


@router.get("/{office}/entries", response=EntryPage, auth=STAFF)
def list_entries(
    request: HttpRequest,
    office: str,
    state: str = Query("all", pattern="^(open|with_result|all)$"),  # type: ignore[type-arg]
    page: int = Query(1, ge=1, le=100_000),  # type: ignore[type-arg]
) -> dict[str, Any]:
    """The book's entries, newest first, 50 a page; ``state`` open, with_result or all."""
    book = _book(office)
    _require(access.can_view_book(request.user, book))
    chosen = BookEntry.objects.filter(book=book).in_state(state)
    qs = with_answer_scan(chosen.select_related("appeal")).order_by("-year", "-number")
    found = Paginator(qs, PAGE_SIZE).get_page(page)
    return {
        "items": [_row(e) for e in found.object_list],
        "page": found.number,
        "pages": found.paginator.num_pages,
        "count": found.paginator.count,
    }


@router.get("/entries/{entry_id}", response=EntryOut, auth=STAFF)
def get_entry(request: HttpRequest, entry_id: int) -> dict[str, Any]:
    entry = _entry(entry_id)
    _require(access.can_view_entry(request.user, entry))
    return _detail(entry)


class ResultIn(Schema):
    result: str = Field(
        ...,
        max_length=24,
        description="satisfied, partially_satisfied, refused, explained or not_subject (B-4)",
    )
    measures: str = Field(..., max_length=services.MAX_MEASURES)
    method: str = Field(
        ..., max_length=16, description="post, email, oral_phone or book_record (B-3..B-8)"
    )
    reasons: str = Field("", max_length=5000, description="required for a refusal (B-7)")
    oral_by: str = Field("", max_length=200)


@router.post("/entries/{entry_id}/result", response=EntryOut, auth=STAFF)
def record_result(request: HttpRequest, entry_id: int, body: ResultIn) -> dict[str, Any]:
    """Record the result (B-6). 403 for a user who may not; 409 ``result_already_recorded``;
    422 ``reasons_required``, ``method_not_allowed``, ``measures_required``,
    ``invalid_result``, ``language_mismatch``."""
    entry = _entry(entry_id)
    _require(access.can_record(request.user, entry.book))
    services.record_result(
        entry=entry,
        result=body.result,
        measures=body.measures,
        method=body.method,
        reasons=body.reasons,
        oral_by=body.oral_by,
        actor=request.user,
    )
    return _detail(_entry(entry_id))


@router.post("/entries/{entry_id}/scans", response={201: FileOut}, auth=STAFF)
def attach_scan(
    request: HttpRequest,
    entry_id: int,
    file: File[UploadedFile],  # type: ignore[type-arg]
    kind: Form[str] = "answer",  # type: ignore[type-arg, assignment]
) -> Status[FileOut]:
    """Keep a scan with the entry (multipart: ``file``, ``kind`` answer or page): PDF, JPEG or
    PNG by content, at most 8 MB (413 ``file_too_large``, 422 ``file_type_not_allowed``)."""
    entry = _entry(entry_id)
    _require(access.can_attach(request.user, entry))
    name = file.name or "scan"
    files.check_size(name, file.size or 0)
    stored: EntryFile = services.attach_scan(
        entry=entry, kind=kind, scan=files.Scan(name=name, content=file.read()), actor=request.user
    )
    return Status(
        201,
        FileOut(
            id=stored.pk,
            kind=stored.kind,
            name=stored.original_name,
            content_type=stored.content_type,
            size=stored.size,
            uploaded_at=stored.uploaded_at,
        ),
    )


@router.get("/{office}/book.pdf", auth=STAFF)
def book_pdf(
    request: HttpRequest,
    office: str,
    year: int | None = Query(None, ge=2000, le=2100),  # type: ignore[type-arg]
) -> HttpResponse:
    """The printable book of a year (B-6), in the request's language."""
    book = _book(office)
    _require(access.can_view_book(request.user, book))
    year = year or timezone.localdate().year
    response = HttpResponse(
        documents.book_pdf(book, year, page_language()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="book-{book.office.code}-{year}.pdf"'
    return response
