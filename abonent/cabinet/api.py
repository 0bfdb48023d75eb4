"""Personal cabinet and readings API (PC-1, PC-2; api.md "Personal cabinet and readings").

``POST /api/v1/readings`` takes a reading from any channel and runs it through the one
validation service (services.submit_reading): 201 with the stored reading, or 422 with a
code: api.md's ``unknown_meter``, ``decreasing``, ``implausible``, ``too_many_digits``,
``verification_expired``, ``outside_window``, and ours ``not_a_number``, ``negative``,
``too_many_decimals``, ``needs_confirmation`` (a very high consumption: send it again with
``confirm: true`` and it is stored and flagged for review). 403 ``forbidden`` when the
caller may not submit for that account or with that source (see permissions.py).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictFloat, StrictInt, StringConstraints

from abonent.cabinet import services
from abonent.cabinet.auth import CabinetSessionAuth, Principal
from abonent.cabinet.invoice import LANGUAGES, invoice_pdf
from abonent.cabinet.models import Bill, ConsumerKind, Reading
from abonent.cabinet.permissions import may_review, reading_submitter
from abonent.cabinet.staff import review_queryset
from abonent.core.auth import TokenAuth, staff_session
from abonent.core.errors import Forbidden, InvalidInput, NotFound
from abonent.core.lib.ratelimit import hit

router = Router()
# Staff and integrations by token or staff session; consumers by their cabinet session.
READINGS_AUTH = [TokenAuth(), staff_session, CabinetSessionAuth()]

SourceIn = Literal["cabinet", "ivr", "contact_center", "api", "billing"]


class ReadingIn(Schema):
    account: str = Field(..., min_length=1, max_length=20, description="Account number.")
    meter: str = Field(..., min_length=1, max_length=40, description="Meter serial number.")
    value: Annotated[str, StringConstraints(max_length=1000)] | StrictInt | StrictFloat = Field(
        ...,
        description="The reading as shown on the register: digits, optionally a point or "
        "comma and as many decimals as the meter shows. A string keeps it exact.",
    )
    source: SourceIn
    confirm: bool = Field(
        False, description="Confirm a reading refused with needs_confirmation (very high)."
    )


class ReadingOut(Schema):
    id: int
    account: str
    meter: str
    period: str = Field(..., description="YYYY-MM")
    value: str
    consumption: str | None
    rollover: bool
    status: str = Field(..., description="accepted, needs_review or next_period")
    flag_reason: str
    source: str
    submitted_at: datetime
    replaced: bool = Field(..., description="An earlier reading of this period was replaced.")


class ErrorOut(Schema):
    code: str
    message: str


@router.post(
    "/readings",
    auth=READINGS_AUTH,
    response={201: ReadingOut, 403: ErrorOut, 422: ErrorOut},
    summary="Submit a meter reading (PC-1)",
)
def submit_reading(request: HttpRequest, payload: ReadingIn) -> Status[ReadingOut]:
    submitter = reading_submitter(request)
    if submitter is None or not submitter.may_submit(
        account=payload.account, source=payload.source
    ):
        raise PermissionDenied
    done = services.submit_reading(
        account=payload.account,
        meter=payload.meter,
        value=payload.value,
        source=payload.source,
        confirm=payload.confirm,
        actor=submitter.actor,
    )
    out = reading_out(payload, done.reading, done.decimals, replaced=done.replaced is not None)
    return Status(201, out)


def reading_out(
    payload: ReadingIn, reading: Reading, decimals: int, *, replaced: bool
) -> ReadingOut:
    return ReadingOut(
        id=reading.pk,
        account=payload.account,
        meter=payload.meter,
        period=services.period_label(reading.period),
        value=services.shown(reading.value, decimals) or "",
        consumption=services.shown(reading.consumption, decimals),
        rollover=reading.rollover,
        status=reading.status,
        flag_reason=reading.flag_reason,
        source=reading.source,
        submitted_at=reading.submitted_at,
        replaced=replaced,
    )


class InvoiceOut(Schema):
    account: str
    period: str = Field(..., description="YYYY-MM")
    number: str
    issued_on: date | None
    total: str
    url: str = Field(..., description="The PDF copy (add lang=ru or lang=kk).")


def _legal_entity(request: HttpRequest) -> Principal:
    principal = request.auth  # type: ignore[attr-defined]
    if not isinstance(principal, Principal) or principal.consumer_kind != ConsumerKind.LEGAL_ENTITY:
        raise Forbidden(_("Invoice copies are available to legal entities."))
    return principal


def invoice_url(period: date, account: str) -> str:
    path = reverse("api-v1:cabinet-invoice", kwargs={"period": f"{period:%Y-%m}"})
    return f"{path}?account={account}"


@router.get(
    "/cabinet/invoices",
    auth=[CabinetSessionAuth()],
    response={200: list[InvoiceOut], 403: ErrorOut},
    summary="The signed-in legal entity's invoices, newest first (PC-2)",
)
def list_invoices(request: HttpRequest) -> list[InvoiceOut]:
    principal = _legal_entity(request)
    bills = (
        Bill.objects.filter(account__number__in=principal.account_numbers)
        .select_related("account")
        .order_by("-period", "account__number")[:240]
    )
    return [
        InvoiceOut(
            account=b.account.number,
            period=f"{b.period:%Y-%m}",
            number=b.number,
            issued_on=b.issued_on,
            total=str(b.amount_total),
            url=invoice_url(b.period, b.account.number),
        )
        for b in bills
    ]


_PERIOD = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


@router.get(
    "/cabinet/invoices/{period}.pdf",
    auth=[CabinetSessionAuth()],
    url_name="cabinet-invoice",
    response={200: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The invoice copy (счёт-фактура) of a month as PDF, ru or kk (PC-2)",
)
def invoice(
    request: HttpRequest, period: str, account: str | None = None, lang: str | None = None
) -> HttpResponse:
    """Without ``account``: every account of the entity with a bill that month, a page each.
    ``lang``: ``ru`` or ``kk`` (default: the request's language, else Russian)."""
    principal = _legal_entity(request)
    match = _PERIOD.fullmatch(period)
    # Year 0 is no date at all; the import takes bills from 1900 on (importing._period).
    if match is None or not 1900 <= int(match.group(1)) <= 2100:
        raise InvalidInput(
            _("The period must be a month, YYYY-MM."), fields={"period": ["YYYY-MM"]}
        )
    if account is not None and account not in principal.account_numbers:
        raise Forbidden(_("This account is not among your accounts."))
    hit("cabinet-invoice", str(principal.login_id), limit=120, window_seconds=3600)
    numbers = [account] if account is not None else sorted(principal.account_numbers)
    month = date(int(match.group(1)), int(match.group(2)), 1)
    bills = list(
        Bill.objects.filter(account__number__in=numbers, period=month)
        .select_related("account__consumer")
        .order_by("account__number")
    )
    if not bills:
        raise NotFound(_("There is no invoice for this month."))
    language = lang if lang in LANGUAGES else translation.get_language()
    pdf = invoice_pdf(bills, language if language in LANGUAGES else "ru", timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"invoice-{period}" + (f"-{account}" if account else "") + ".pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ReviewItemOut(Schema):
    id: int
    account: str
    meter: str
    period: str = Field(..., description="YYYY-MM")
    value: str
    previous_value: str | None
    consumption: str | None
    source: str
    status: str
    flag_reason: str
    submitted_at: datetime
    reviewed_at: datetime | None
    review_note: str


class ReviewIn(Schema):
    decision: Literal["accept", "reject"]
    note: str = Field("", max_length=500, description="Required to reject: why.")


STAFF_AUTH = [TokenAuth(), staff_session]


def _reviewer(request: HttpRequest) -> None:
    if not may_review(request.user):
        raise Forbidden(_("Your role does not allow reviewing readings."))


def _review_item(r: Reading) -> ReviewItemOut:
    decimals = r.meter.decimals
    return ReviewItemOut(
        id=r.pk,
        account=r.meter.account.number,
        meter=r.meter.serial,
        period=services.period_label(r.period),
        value=services.shown(r.value, decimals) or "",
        previous_value=services.shown(r.previous_value, decimals),  # type: ignore[attr-defined]
        consumption=services.shown(r.consumption, decimals),
        source=r.source,
        status=r.status,
        flag_reason=r.flag_reason,
        submitted_at=r.submitted_at,
        reviewed_at=r.reviewed_at,
        review_note=r.review_note,
    )


@router.get(
    "/readings/review",
    auth=STAFF_AUTH,
    response={200: list[ReviewItemOut], 403: ErrorOut, 422: ErrorOut},
    summary="Readings flagged for review, oldest first, or those already reviewed",
)
def review_list(
    request: HttpRequest,
    show: Literal["waiting", "accepted", "rejected"] = "waiting",
    source: SourceIn | None = None,
    month: Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] | None = None,
    account: Annotated[str, StringConstraints(max_length=20)] | None = None,
    offset: Annotated[int, Field(ge=0)] = 0,
    limit: Annotated[int, Field(ge=1, le=200)] = 50,
) -> list[ReviewItemOut]:
    """Controllers, senior operators, the head, system administrators (as the page)."""
    _reviewer(request)
    qs = review_queryset({"show": show, "source": source, "month": month, "account": account})
    return [_review_item(r) for r in qs[offset : offset + limit]]


@router.post(
    "/readings/{reading_id}/review",
    auth=STAFF_AUTH,
    response={200: ReviewItemOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Accept or reject a flagged reading (a rejection needs a note)",
)
def review(request: HttpRequest, reading_id: int, payload: ReviewIn) -> ReviewItemOut:
    _reviewer(request)
    services.review_reading(
        reading_id=reading_id, decision=payload.decision, note=payload.note, actor=request.user
    )
    found = review_queryset({"show": "all"}).get(pk=reading_id)
    return _review_item(found)
