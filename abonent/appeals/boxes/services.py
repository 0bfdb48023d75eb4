"""Writes of the boxes (K-6): an operator takes a paper appeal into the centre's box; the
Chancellery collects the boxes and registers every appeal found (K-3). Each is one atomic
action with its audit rows."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from abonent.appeals.attachments import Upload, sniff
from abonent.appeals.boxes import checklist
from abonent.appeals.boxes.models import (
    BoxCounter,
    BoxItem,
    Collection,
    CollectionCounter,
    ItemStatus,
)
from abonent.appeals.codes import ApplicantType, Channel, Kind, Language
from abonent.appeals.rules import normalise_phone
from abonent.appeals.services import MAX_TEXT, AppealInput, register_appeal
from abonent.core import audit
from abonent.core.errors import DomainError, InvalidInput
from abonent.core.lib.counters import next_number
from abonent.core.models import Office
from abonent.workdays.calendar import TIMEZONE

MAX_SHEETS = 500
MAX_SCAN_SIZE = 10 * 1024 * 1024
SCAN_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
MAX_COLLECT = 1000
APPLICANT_LIMITS = {
    "last_name": 150,
    "first_name": 150,
    "patronymic": 150,
    "postal_address": 500,
    "phone": 32,
    "email": 254,
    "org_name": 300,
    "outgoing_number": 64,
}


@dataclass(frozen=True)
class BoxInput:
    """A paper appeal as the operator enters it."""

    kind: str
    applicant_type: str
    text: str
    sheets: int
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    postal_address: str = ""
    phone: str = ""
    email: str = ""
    org_name: str = ""
    outgoing_number: str = ""
    outgoing_date: date | None = None
    signed: bool = False
    language: str = ""

    def paper(self) -> checklist.Paper:
        return checklist.Paper(
            applicant_type=self.applicant_type,
            text=self.text,
            last_name=self.last_name,
            first_name=self.first_name,
            postal_address=self.postal_address,
            phone=self.phone,
            email=self.email,
            org_name=self.org_name,
            outgoing_number=self.outgoing_number,
            outgoing_date=self.outgoing_date,
            signed=self.signed,
        )


# ---- input checks ----------------------------------------------------------------------


def clean_input(data: BoxInput, *, today: date | None = None) -> BoxInput:
    """What is wrongly filled in is refused (422 with the fields); what is merely missing is
    the checklist's business. Returns the input trimmed, with the phone normalised and the
    e-mail lower-cased."""
    today = today or timezone.localdate(timezone=TIMEZONE)
    errors: dict[str, list[str]] = {}
    strip = {f: getattr(data, f).strip() for f in APPLICANT_LIMITS}
    text = data.text.strip()
    if data.kind not in Kind.values:
        errors["kind"] = [_("Choose the kind of appeal.")]
    if data.applicant_type not in ApplicantType.values:
        errors["applicant.type"] = [_("Choose individual, legal entity or anonymous.")]
    if not text:
        errors["text"] = [_("Write a short summary of the appeal.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [_("The text is longer than %(n)s characters.") % {"n": MAX_TEXT}]
    for name, limit in APPLICANT_LIMITS.items():
        if len(strip[name]) > limit:
            errors[f"applicant.{name}"] = [_("At most %(n)s characters.") % {"n": limit}]
    if strip["email"]:
        try:
            validate_email(strip["email"])
        except ValidationError:
            errors["applicant.email"] = [_("Enter a valid e-mail address.")]
    phone = normalise_phone(strip["phone"])
    if phone is None:
        errors["applicant.phone"] = [_("Enter a valid phone number.")]
    if data.outgoing_date is not None and data.outgoing_date > today:
        errors["applicant.outgoing_date"] = [_("Cannot be in the future.")]
    if not 1 <= data.sheets <= MAX_SHEETS:
        errors["sheets"] = [_("From 1 to %(n)s sheets.") % {"n": MAX_SHEETS}]
    if data.language not in ("", *Language.values):
        errors["language"] = [_("Use kk or ru.")]
    if errors:
        raise InvalidInput(_("Some fields are invalid."), fields=errors)
    return replace(
        data,
        text=text,
        phone=phone or "",
        email=strip["email"].lower(),
        **{f: strip[f] for f in APPLICANT_LIMITS if f not in ("phone", "email")},
    )


def check_scan(scan: Upload) -> str:
    """The scan's content type, checked by its bytes: PDF, JPEG or PNG up to 10 MB."""
    if len(scan.content) > MAX_SCAN_SIZE:
        raise InvalidInput(
            _("The scan is larger than 10 MB."),
            code="file_too_large",
            status=413,
            fields={"scan": [_("At most 10 MB.")]},
        )
    ctype = sniff(scan.name, scan.content)
    if ctype not in SCAN_TYPES:
        raise InvalidInput(
            _("The scan must be a PDF, JPEG or PNG file."),
            code="file_type_not_allowed",
            fields={"scan": [_("Only PDF, JPEG and PNG files are accepted.")]},
        )
    return ctype


def incomplete_error(checks: dict[str, bool]) -> InvalidInput:
    failed = [code for code, ok in checks.items() if not ok]
    fields: dict[str, list[str]] = {}
    for code in failed:
        name = checklist.field_of(code)
        key = name if name in ("text", "__all__") else f"applicant.{name}"
        key = "applicant.type" if name == "applicant_type" else key
        fields.setdefault(key, []).append(checklist.label(code))
    return InvalidInput(
        _(
            "The appeal is incomplete. Put it in the box only if the consumer leaves it as it "
            "is: confirm that it is put in although incomplete."
        ),
        code="incomplete",
        fields=fields,
        extra={"checks": checks},
    )


# ---- numbers ---------------------------------------------------------------------------


def box_number(office: Office, year: int, seq: int) -> str:
    return f"{office.code.upper()}-{year}-{seq:04d}"


def collection_number(year: int, seq: int) -> str:
    return f"{year}-{seq:04d}"


# ---- take ------------------------------------------------------------------------------


@transaction.atomic
def take_appeal(
    *,
    office: Office,
    data: BoxInput,
    actor: Any,
    accept_incomplete: bool = False,
    scan: Upload | None = None,
    taken_at: datetime | None = None,
) -> BoxItem:
    """The operator takes a paper appeal and puts it into the centre's box (K-6). What is
    wrongly filled in is refused; an incomplete appeal goes in only when the operator
    confirms it (staff registration never loses what arrived), and is marked."""
    now = timezone.now()
    if taken_at is not None and taken_at > now:
        raise InvalidInput(
            _("The time of receipt cannot be in the future."),
            fields={"taken_at": [_("Cannot be in the future.")]},
        )
    taken_at = taken_at or now
    data = clean_input(data)
    scan_type = check_scan(scan) if scan is not None else ""
    checks = checklist.run_checks(data.paper())
    complete = all(checks.values())
    if not complete and not accept_incomplete:
        raise incomplete_error(checks)
    year = taken_at.astimezone(TIMEZONE).year
    seq = next_number(BoxCounter, office_id=office.pk, year=year)
    item = BoxItem(
        office=office,
        year=year,
        seq=seq,
        box_number=box_number(office, year, seq),
        taken_by=actor,
        taken_at=taken_at,
        kind=data.kind,
        applicant_type=data.applicant_type,
        last_name=data.last_name,
        first_name=data.first_name,
        patronymic=data.patronymic,
        postal_address=data.postal_address,
        phone=data.phone,
        email=data.email,
        org_name=data.org_name,
        outgoing_number=data.outgoing_number,
        outgoing_date=data.outgoing_date,
        signed=data.signed,
        language=data.language,
        text=data.text,
        sheets=data.sheets,
        checks=checks,
        complete=complete,
        accepted_incomplete=not complete,
    )
    if scan is not None:
        _store_scan(item, scan, scan_type)
    item.save(force_insert=True)
    audit.record(
        actor=actor,
        action="box.item_taken",
        obj=item,
        after={
            "box_number": item.box_number,
            "office": office.code,
            "taken_at": item.taken_at,
            "complete": complete,
            "failed_checks": item.failed_checks,
            "scan": item.scan_sha256,
        },
    )
    return item


def _store_scan(item: BoxItem, scan: Upload, ctype: str) -> None:
    digest = hashlib.sha256(scan.content).hexdigest()
    item.scan_name = scan.name[:255]
    item.scan_type = ctype
    item.scan_size = len(scan.content)
    item.scan_sha256 = digest
    item.scan.save(digest[:16], ContentFile(scan.content), save=False)


@transaction.atomic
def attach_scan(*, item: BoxItem, scan: Upload, actor: Any) -> BoxItem:
    """Add or replace the scan of an appeal that is still in the box."""
    ctype = check_scan(scan)
    locked = BoxItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != ItemStatus.IN_BOX:
        raise DomainError(
            _("The appeal has already been collected."),
            code="already_collected",
            extra={"items": [locked.pk]},
        )
    before = {"scan": locked.scan_sha256}
    _store_scan(locked, scan, ctype)
    locked.save(update_fields=["scan", "scan_name", "scan_type", "scan_size", "scan_sha256"])
    audit.record(
        actor=actor,
        action="box.scan_attached",
        obj=locked,
        before=before,
        after={"scan": locked.scan_sha256},
    )
    return locked


# ---- collect ---------------------------------------------------------------------------


def _locked_items(item_ids: Sequence[int] | None) -> list[BoxItem]:
    """The items to collect, their rows locked (in id order, so two clerks never deadlock).

    On PostgreSQL a second clerk waits here for the first one's commit; the rows it then
    gets are re-read, so an item just collected is no longer "in the box"."""
    qs = BoxItem.objects.select_for_update().order_by("pk")
    if item_ids is None:
        items = list(qs.filter(status=ItemStatus.IN_BOX))
        if not items:
            raise InvalidInput(_("The boxes are empty."), code="nothing_to_collect")
        return items
    wanted = sorted(set(item_ids))
    if not wanted:
        raise InvalidInput(_("No appeals are selected."), code="nothing_to_collect")
    if len(wanted) > MAX_COLLECT:
        raise InvalidInput(
            _("At most %(n)s appeals at once.") % {"n": MAX_COLLECT},
            fields={"items": [_("Too many.")]},
        )
    items = list(qs.filter(pk__in=wanted))
    unknown = sorted(set(wanted) - {i.pk for i in items})
    if unknown:
        raise InvalidInput(
            _("Some of the selected appeals do not exist."),
            code="unknown_items",
            fields={"items": [", ".join(str(pk) for pk in unknown)]},
        )
    gone = [i.pk for i in items if i.status != ItemStatus.IN_BOX]
    if gone:
        raise _already_collected(gone)
    return items


def _already_collected(ids: list[int]) -> DomainError:
    return DomainError(
        _("Some of the selected appeals are no longer in a box: they have been collected."),
        code="already_collected",
        extra={"items": ids},
    )


def _appeal_input(item: BoxItem, office_code: str) -> AppealInput:
    attachments: list[Any] = []
    if item.scan:
        with item.scan.open("rb") as fh:
            attachments.append(Upload(name=item.scan_name, content=fh.read()))
    return AppealInput(
        channel=Channel.SERVICE_CENTER_BOX,
        kind=item.kind,
        text=item.text,
        applicant_type=item.applicant_type,
        last_name=item.last_name,
        first_name=item.first_name,
        patronymic=item.patronymic,
        org_name=item.org_name,
        outgoing_number=item.outgoing_number,
        outgoing_date=item.outgoing_date,
        signed=item.signed,
        postal_address=item.postal_address,
        phone=item.phone,
        email=item.email,
        language=item.language or None,
        office=office_code,
        received_at=item.taken_at,
        attachments=attachments,
    )


@transaction.atomic
def collect_boxes(*, actor: Any, item_ids: Sequence[int] | None = None) -> Collection:
    """One sitting of the Chancellery (K-6): every selected item (default: everything in the
    boxes) is registered in the incoming journal (K-3) with the moment the operator took it
    as its moment of receipt, so the registration date follows АППК art. 64 p. 3 from
    then. All or nothing: one refusal registers none."""
    items = _locked_items(item_ids)
    now = timezone.now()
    year = now.astimezone(TIMEZONE).year
    seq = next_number(CollectionCounter, year=year)
    collection = Collection.objects.create(
        year=year,
        seq=seq,
        number=collection_number(year, seq),
        collected_by=actor,
        collected_at=now,
    )
    # The claim: a conditional update that must change every row. With the rows locked it
    # always does on PostgreSQL; elsewhere it is what keeps an item from going out twice.
    claimed = BoxItem.objects.filter(pk__in=[i.pk for i in items], status=ItemStatus.IN_BOX).update(
        status=ItemStatus.COLLECTED, collection=collection
    )
    if claimed != len(items):
        fresh = BoxItem.objects.filter(pk__in=[i.pk for i in items]).exclude(collection=collection)
        raise _already_collected(sorted(fresh.values_list("pk", flat=True)))
    office_ids = {i.office_id for i in items}
    codes = dict(Office.objects.filter(pk__in=office_ids).values_list("pk", "code"))
    registered: list[dict[str, Any]] = []
    for item in items:
        appeal = register_appeal(data=_appeal_input(item, codes[item.office_id]), actor=actor)
        BoxItem.objects.filter(pk=item.pk).update(appeal=appeal)
        audit.record(
            actor=actor,
            action="box.item_collected",
            obj=item,
            before={"status": ItemStatus.IN_BOX},
            after={
                "status": ItemStatus.COLLECTED,
                "collection": collection.number,
                "appeal": appeal.pk,
                "incoming_number": appeal.incoming_number,
            },
        )
        registered.append({"item": item.box_number, "incoming_number": appeal.incoming_number})
    audit.record(
        actor=actor,
        action="box.collected",
        obj=collection,
        after={"number": collection.number, "items": registered},
    )
    return collection
