"""API: service-centre boxes and the Chancellery's daily collection (K-6), under
``/api/v1/boxes``. Staff only."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from abonent.appeals.api import ApplicantIn
from abonent.appeals.attachments import Upload
from abonent.appeals.boxes import access, checklist, documents, queries, services
from abonent.appeals.boxes.models import BoxItem, Collection, ItemStatus
from abonent.appeals.codes import Kind
from abonent.appeals.services import MAX_TEXT
from abonent.core.auth import TokenAuth, staff_session
from abonent.core.errors import InvalidInput

router = Router(auth=[TokenAuth(), staff_session])


class ItemIn(Schema):
    kind: Kind
    applicant: ApplicantIn
    text: str = Field(..., max_length=MAX_TEXT, description="A short summary of the appeal.")
    sheets: int = Field(1, ge=1, le=services.MAX_SHEETS)
    language: str = Field("", pattern="^(kk|ru|)$")
    accept_incomplete: bool = Field(
        False, description="Put it in the box although the K-2 checklist fails (marked)."
    )


class CheckOut(Schema):
    code: str
    label: str
    ok: bool


class ApplicantOut(Schema):
    type: str
    last_name: str
    first_name: str
    patronymic: str
    postal_address: str
    phone: str
    email: str
    org_name: str
    outgoing_number: str
    outgoing_date: date | None
    signed: bool


class ItemOut(Schema):
    id: int
    box_number: str
    office: str
    status: str
    taken_at: datetime
    taken_by: str
    kind: str
    applicant_type: str
    sheets: int
    language: str
    complete: bool
    accepted_incomplete: bool
    checks: list[CheckOut]
    has_scan: bool
    overdue: bool
    collect_by: date
    collection: str | None
    appeal: int | None
    incoming_number: str | None
    applicant: ApplicantOut | None = Field(
        None, description="Personal data: only for the Chancellery and the centre's own staff."
    )
    text: str | None = None


class ItemPage(Schema):
    items: list[ItemOut]
    count: int
    next_offset: int | None


class ItemFilter(Schema):
    status: ItemStatus | None = None
    office: str | None = Field(None, max_length=32)
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class CollectIn(Schema):
    items: list[int] | None = Field(
        None,
        max_length=services.MAX_COLLECT,
        description="Ids of box items; omitted: everything in the boxes.",
    )


class CollectedItem(Schema):
    item: int
    box_number: str
    office: str
    appeal: int
    incoming_number: str


class CollectionOut(Schema):
    id: int
    number: str
    collected_at: datetime
    collected_by: str
    items: list[CollectedItem]


def item_out(row: queries.Row) -> dict[str, Any]:
    item = row.item
    out: dict[str, Any] = {
        "id": item.pk,
        "box_number": item.box_number,
        "office": item.office.code,
        "status": item.status,
        "taken_at": timezone.localtime(item.taken_at),
        "taken_by": item.taken_by.get_username(),
        "kind": item.kind,
        "applicant_type": item.applicant_type,
        "sheets": item.sheets,
        "language": item.language,
        "complete": item.complete,
        "accepted_incomplete": item.accepted_incomplete,
        "checks": [
            {"code": code, "label": checklist.label(code), "ok": ok}
            for code, ok in item.check_results
        ],
        "has_scan": bool(item.scan),
        "overdue": row.overdue,
        "collect_by": row.collect_by,
        "collection": item.collection.number if item.collection else None,
        "appeal": item.appeal_id,
        "incoming_number": item.appeal.incoming_number if item.appeal else None,
        "applicant": None,
        "text": None,
    }
    if row.personal:
        out["text"] = item.text
        out["applicant"] = {
            "type": item.applicant_type,
            "last_name": item.last_name,
            "first_name": item.first_name,
            "patronymic": item.patronymic,
            "postal_address": item.postal_address,
            "phone": item.phone,
            "email": item.email,
            "org_name": item.org_name,
            "outgoing_number": item.outgoing_number,
            "outgoing_date": item.outgoing_date,
            "signed": item.signed,
        }
    return out


def _one(request: HttpRequest, item_id: int) -> dict[str, Any]:
    item = get_object_or_404(queries.items_qs(), pk=item_id)
    return item_out(queries.rows(request.user, [item])[0])


@router.post("/items", response={201: ItemOut})
def take_item(request: HttpRequest, body: ItemIn) -> Status[dict[str, Any]]:
    """An operator of a service centre puts a paper appeal into the centre's box (K-6).
    422 ``validation_error`` for wrongly filled fields; 422 ``incomplete`` (with ``checks``)
    when the K-2 checklist fails and ``accept_incomplete`` is not set; 403 ``no_centre``."""
    centre = access.require_centre(request.user)
    a = body.applicant
    data = services.BoxInput(
        kind=body.kind,
        applicant_type=a.type,
        text=body.text,
        sheets=body.sheets,
        last_name=a.last_name,
        first_name=a.first_name,
        patronymic=a.patronymic,
        postal_address=a.postal_address,
        phone=a.phone,
        email=a.email,
        org_name=a.org_name,
        outgoing_number=a.outgoing_number,
        outgoing_date=a.outgoing_date,
        signed=a.signed,
        language=body.language,
    )
    item = services.take_appeal(
        office=centre,
        data=data,
        actor=request.user,
        accept_incomplete=body.accept_incomplete,
    )
    return Status(201, _one(request, item.pk))


@router.post("/items/{item_id}/scan", response=ItemOut)
def upload_scan(request: HttpRequest, item_id: int, file: File[UploadedFile]) -> dict[str, Any]:
    """Add (or replace) the scan of an appeal still in the box: PDF, JPEG or PNG, checked by
    its content, at most 10 MB (413 ``file_too_large``)."""
    centre = access.require_centre(request.user)
    item = get_object_or_404(BoxItem, pk=item_id, office=centre)
    if (file.size or 0) > services.MAX_SCAN_SIZE:
        raise InvalidInput(_("The scan is larger than 10 MB."), code="file_too_large", status=413)
    upload = Upload(name=file.name or "scan", content=file.read())
    services.attach_scan(item=item, scan=upload, actor=request.user)
    return _one(request, item.pk)


@router.get("/items", response=ItemPage)
def list_items(request: HttpRequest, filters: Query[ItemFilter]) -> dict[str, Any]:
    """What is (or was) in the boxes, each with ``overdue`` (left for more than one working
    day). The applicant and the text only for the Chancellery and the centre's own staff."""
    access.require(access.can_read(request.user))
    qs = queries.items_qs()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.office:
        qs = qs.filter(office__code=filters.office)
    qs = qs.order_by("taken_at", "id")
    count = qs.count()
    items = list(qs[filters.offset : filters.offset + filters.limit])
    end = filters.offset + len(items)
    return {
        "items": [item_out(r) for r in queries.rows(request.user, items)],
        "count": count,
        "next_offset": end if end < count else None,
    }


@router.get("/items/{item_id}", response=ItemOut)
def get_item(request: HttpRequest, item_id: int) -> dict[str, Any]:
    access.require(access.can_read(request.user))
    return _one(request, item_id)


def collection_out(collection: Collection) -> dict[str, Any]:
    items = queries.collection_items(collection)
    return {
        "id": collection.pk,
        "number": collection.number,
        "collected_at": timezone.localtime(collection.collected_at),
        "collected_by": collection.collected_by.get_username(),
        "items": [
            {
                "item": i.pk,
                "box_number": i.box_number,
                "office": i.office.code,
                "appeal": i.appeal_id,
                "incoming_number": i.appeal.incoming_number if i.appeal else "",
            }
            for i in items
        ],
    }


def _collection(collection_id: int) -> Collection:
    return get_object_or_404(Collection.objects.select_related("collected_by"), pk=collection_id)


@router.post("/collections", response={201: CollectionOut})
def collect(request: HttpRequest, body: CollectIn) -> Status[dict[str, Any]]:
    """The Chancellery empties the boxes (K-6): every listed item (omitted: everything in
    the boxes) is registered in the journal (K-3), all or nothing. 409
    ``already_collected`` (with ``items``) when an item is no longer in a box; 422
    ``nothing_to_collect``; 422 ``unknown_items``."""
    access.require(access.can_collect(request.user))
    collection = services.collect_boxes(actor=request.user, item_ids=body.items)
    return Status(201, collection_out(_collection(collection.pk)))


@router.get("/collections/{collection_id}", response=CollectionOut)
def get_collection(request: HttpRequest, collection_id: int) -> dict[str, Any]:
    access.require(access.can_collect(request.user))
    return collection_out(_collection(collection_id))


@router.get("/collections/{collection_id}/act.pdf")
def collection_act(request: HttpRequest, collection_id: int) -> HttpResponse:
    """The collection act in the request's language (ru or kk)."""
    access.require(access.can_collect(request.user))
    collection = _collection(collection_id)
    language = documents.act_language(translation.get_language())
    response = HttpResponse(documents.act_pdf(collection, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="box-act-{collection.number}.pdf"'
    return response
