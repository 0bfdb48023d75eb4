"""Writes of the complaint book: one function per business action, atomic, with an audit
row. An entry is registered in the incoming journal through the registry's own service, and
a result's answer through ``register_answer``, so numbering, terms, language and mail stay
the registry's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from abonent.appeals import services as registry
from abonent.appeals.book import files, rules
from abonent.appeals.book.models import (
    BookCounter,
    BookEntry,
    ComplaintBook,
    EntryFile,
    FileKind,
    Result,
    Source,
)
from abonent.appeals.codes import ApplicantType, Channel, Kind
from abonent.appeals.rules import normalise_phone
from abonent.core import audit
from abonent.core.errors import DomainError, Forbidden, InvalidInput
from abonent.core.lib.counters import next_number
from abonent.core.models import StaffProfile
from abonent.workdays.calendar import TIMEZONE

MAX_TEXT = 5000
MAX_MEASURES = 5000
KINDS = (Kind.COMPLAINT, Kind.SUGGESTION)


@dataclass
class EntryInput:
    """What a writer puts in the book. Only the kind and the text are required: nobody may
    ask for a document or for the reasons of the entry (B-2)."""

    kind: str
    text: str
    last_name: str = ""
    first_name: str = ""
    phone: str = ""
    postal_address: str = ""
    email: str = ""
    source: str = Source.KIOSK
    written_at: datetime | None = None
    idempotency_key: str = ""
    page_scan: files.Scan | None = None
    # The personal-data consent the writer accepted at the kiosk (W-8), when they left
    # contact details; recorded on the appeal with its time.
    consent_version: str = ""


def writer_of(entry: BookEntry) -> rules.Writer:
    a = entry.appeal
    return rules.Writer(
        last_name=a.last_name, postal_address=a.postal_address, phone=a.phone, email=a.email
    )


def clean_entry(data: EntryInput) -> EntryInput:
    """Check and normalise what the page or the API received; 422 with the fields."""
    errors: dict[str, list[str]] = {}
    text = data.text.strip()
    if not text:
        errors["text"] = [_("Write your complaint or suggestion.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [_("The text is longer than %(n)s characters.") % {"n": MAX_TEXT}]
    if data.kind not in KINDS:
        errors["kind"] = [_("Choose a complaint or a suggestion.")]
    if data.source not in Source.values:
        errors["source"] = [_("Unknown source.")]
    phone = normalise_phone(data.phone)
    if phone is None:
        errors["phone"] = [_("Enter a valid phone number.")]
    email = data.email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    limits = {"last_name": 150, "first_name": 150, "postal_address": 500}
    for name, limit in limits.items():
        if len(getattr(data, name).strip()) > limit:
            errors[name] = [_("At most %(n)s characters.") % {"n": limit}]
    if len(data.idempotency_key) > 64:
        errors["idempotency_key"] = [_("At most %(n)s characters.") % {"n": 64}]
    if errors:
        code = None
        if "text" in errors:
            code = "text_too_long" if text else "text_required"
        raise InvalidInput(_("Some fields are invalid."), code=code, fields=errors)
    return EntryInput(
        kind=data.kind,
        text=text,
        last_name=data.last_name.strip(),
        first_name=data.first_name.strip(),
        phone=phone or "",
        postal_address=data.postal_address.strip(),
        email=email,
        source=data.source,
        written_at=data.written_at,
        idempotency_key=data.idempotency_key,
        page_scan=data.page_scan,
        consent_version=data.consent_version,
    )


def _replayed(book: ComplaintBook, data: EntryInput) -> BookEntry | None:
    """The entry an earlier submission with the same one-time key created, if any. The key
    may only repeat the same submission: another text under it is refused (409)."""
    if not data.idempotency_key:
        return None
    entry = (
        BookEntry.objects.select_related("appeal", "book__office")
        .filter(book=book, idempotency_key=data.idempotency_key)
        .first()
    )
    if entry is not None and (entry.appeal.text, entry.appeal.kind) != (data.text, data.kind):
        raise DomainError(
            _("This form was already sent with another text. Please start a new entry."),
            code="idempotency_key_reused",
        )
    return entry


def submit_entry(*, book: ComplaintBook, data: EntryInput, actor: Any) -> tuple[BookEntry, bool]:
    """An entry in the book (B-1, B-2), registered in the incoming journal (K-3). Returns
    the entry and whether it is new: the same one-time key twice gives the same entry."""
    data = clean_entry(data)
    try:
        return _create_entry(book=book, data=data, actor=actor)
    except IntegrityError:
        # Two submissions with the same key raced past the check (SQLite takes no row
        # lock); the loser's transaction rolled back whole, number included.
        entry = _replayed(book, data)
        if entry is None:
            raise
        return entry, False


@transaction.atomic
def _create_entry(*, book: ComplaintBook, data: EntryInput, actor: Any) -> tuple[BookEntry, bool]:
    # The book's row lock serialises its entries, so a repeated key is found, not raced.
    # of=self: locking the joined office row too would block (and could deadlock with)
    # every other registration that names the office.
    book = (
        ComplaintBook.objects.select_for_update(of=("self",))
        .select_related("office")
        .get(pk=book.pk)
    )
    existing = _replayed(book, data)
    if existing is not None:
        return existing, False
    staff = actor if getattr(actor, "is_authenticated", False) else None
    if data.source == Source.PAPER and staff is None:
        raise Forbidden(_("A paper entry is typed in by staff."))
    if data.page_scan is not None:
        files.check_scan(data.page_scan)
    named = bool(data.last_name or data.first_name)
    appeal = registry.register_appeal(
        data=registry.AppealInput(
            channel=Channel.COMPLAINT_BOOK,
            kind=data.kind,
            text=data.text,
            applicant_type=ApplicantType.INDIVIDUAL if named else ApplicantType.ANONYMOUS,
            last_name=data.last_name,
            first_name=data.first_name,
            postal_address=data.postal_address,
            phone=data.phone,
            email=data.email,
            office=book.office.code,
            received_at=data.written_at,
            consent_version=data.consent_version,
        ),
        actor=staff,
    )
    written_at = data.written_at or appeal.received_at
    year = written_at.astimezone(TIMEZONE).year
    entry = BookEntry.objects.create(
        book=book,
        appeal=appeal,
        year=year,
        number=next_number(BookCounter, book_id=book.pk, year=year),
        source=data.source,
        typed_by=staff if data.source == Source.PAPER else None,
        written_at=written_at,
        idempotency_key=data.idempotency_key,
    )
    audit.record(
        actor=staff,
        action="book.entry_created",
        obj=entry,
        after={
            "book": book.office.code,
            "year": entry.year,
            "number": entry.number,
            "incoming_number": appeal.incoming_number,
            "source": entry.source,
        },
    )
    if data.page_scan is not None:
        _store(entry=entry, kind=FileKind.PAGE, scan=data.page_scan, actor=staff)
    return entry, True


def _recorder(actor: Any) -> tuple[str, str]:
    """The surname and position of the recorder (B-6), as they are now."""
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden(_("The result is recorded by an authenticated staff member."))
    profile = StaffProfile.objects.filter(user_id=actor.pk).only("position").first()
    surname = (actor.last_name or "").strip()
    position = (profile.position if profile else "").strip()
    if not surname or not position:
        raise DomainError(
            _(
                "Your staff profile has no surname or position, which the book records with "
                "the result. Ask the administrator to fill them in."
            ),
            code="recorder_profile_incomplete",
        )
    return surname, position


def check_result(
    entry: BookEntry, *, result: str, measures: str, method: str, reasons: str
) -> None:
    """The book's rules for a result (B-3..B-8); 422 with a machine code."""
    if result not in Result.values:
        raise InvalidInput(
            _("Choose the result of consideration."),
            code="invalid_result",
            fields={"result": [", ".join(Result.values)]},
        )
    if not measures.strip() or len(measures) > MAX_MEASURES:
        raise InvalidInput(
            _("Describe the measures taken (up to %(n)s characters).") % {"n": MAX_MEASURES},
            code="measures_required",
            fields={"measures": [_("This field is required.")]},
        )
    if rules.reasons_required(result) and not reasons.strip():
        raise InvalidInput(
            _("A refusal must give its reasons."),
            code="reasons_required",
            fields={"reasons": [_("This field is required.")]},
        )
    allowed = rules.allowed_methods(result, writer_of(entry))
    if method not in allowed:
        raise InvalidInput(
            _("This way of answering does not fit the result and the writer's details."),
            code="method_not_allowed",
            fields={"method": [", ".join(allowed)]},
        )


@transaction.atomic
def record_result(
    *,
    entry: BookEntry,
    result: str,
    measures: str,
    method: str,
    reasons: str = "",
    oral_by: str = "",
    actor: Any,
) -> BookEntry:
    """Record the result of consideration in the book (B-6) with the measures taken (B-3),
    and register the answer in the registry (outgoing number, the appeal's language; a
    refusal with its reasons, B-7; an oral answer with who and when, B-3)."""
    surname, position = _recorder(actor)
    entry = (
        BookEntry.objects.select_for_update(of=("self",))
        .select_related("appeal", "book__office")
        .get(pk=entry.pk)
    )
    if entry.result:
        raise DomainError(
            _("The result of this entry is already recorded."), code="result_already_recorded"
        )
    check_result(entry, result=result, measures=measures, method=method, reasons=reasons)
    answer = registry.register_answer(
        appeal=entry.appeal,
        text=measures.strip(),
        language=entry.appeal.language,
        outcome=rules.OUTCOME_OF[result],
        method=method,
        reasons=reasons.strip() if result == Result.REFUSED else "",
        oral_by=oral_by,
        actor=actor,
    )
    entry.result = result
    entry.measures = measures.strip()
    entry.result_date = answer.answered_on
    entry.answer = answer
    entry.recorded_by = actor
    entry.recorder_surname = surname
    entry.recorder_position = position
    entry.recorded_at = timezone.now()
    entry.save()
    audit.record(
        actor=actor,
        action="book.result_recorded",
        obj=entry,
        before={"result": ""},
        after={
            "result": result,
            "result_date": entry.result_date,
            "method": method,
            "outgoing_number": answer.outgoing_number,
            "recorder_surname": surname,
            "recorder_position": position,
        },
    )
    return entry


def _store(*, entry: BookEntry, kind: str, scan: files.Scan, actor: Any) -> EntryFile:
    ctype = files.check_scan(scan)
    digest = scan.sha256
    stored = EntryFile(
        entry=entry,
        kind=kind,
        original_name=scan.name[:255],
        content_type=ctype,
        size=len(scan.content),
        sha256=digest,
        uploaded_by=actor,
    )
    stored.file.save(digest[:16], ContentFile(scan.content), save=False)
    stored.save()
    audit.record(
        actor=actor,
        action="book.file_attached",
        obj=entry,
        after={"kind": kind, "file": stored.pk, "sha256": digest, "size": stored.size},
    )
    return stored


@transaction.atomic
def attach_scan(*, entry: BookEntry, kind: str, scan: files.Scan, actor: Any) -> EntryFile:
    """Keep a scan with the entry: the paper page, or the copy of the answer (B-5)."""
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden(_("Scans are attached by staff."))
    if kind not in FileKind.values:
        raise InvalidInput(_("Unknown kind of scan."), code="invalid_kind", fields={"kind": [kind]})
    entry = BookEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.files.count() >= files.MAX_FILES_PER_ENTRY:
        raise InvalidInput(
            _("At most %(n)s files per entry.") % {"n": files.MAX_FILES_PER_ENTRY},
            code="too_many_files",
            status=413,
        )
    return _store(entry=entry, kind=kind, scan=scan, actor=actor)
