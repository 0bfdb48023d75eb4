"""Writes of the contact centre other than the event ingest (see ``ingest``): the nightly
statistics import, operator lines, links between calls and appeals, the outcome of a call
(CC-1, CC-5..CC-8) and the work on callbacks and requests passed to units."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from abonent.appeals.codes import ApplicantType, Channel, Kind
from abonent.appeals.models import Appeal
from abonent.appeals.rules import normalise_phone as registry_phone
from abonent.appeals.services import AppealInput, register_appeal
from abonent.calls import oktell
from abonent.calls.ingest import record_event
from abonent.calls.models import (
    TOPIC_NUMBER,
    Call,
    Callback,
    CallOutcome,
    CallTopic,
    OperatorLine,
    OutcomeKind,
    Source,
    TaskStatus,
    UnitRequest,
)
from abonent.calls.rules import check_callback_time, normalise_call_id
from abonent.core import schedules
from abonent.core.audit import record
from abonent.core.auth import has_role
from abonent.core.errors import DomainError, InvalidInput, NotFound
from abonent.core.models import Department
from abonent.core.roles import Role
from abonent.workdays.services import get_calendar

# The contact centre's department: its schedule gives the hours callbacks may be set in.
CONTACT_CENTRE = "contact_center"
# The units a request may be passed to (CC-1, C-2): core Department codes.
PASS_TO = ("sales", "contracts", "accounting")
MAX_ANSWER = 5000
MAX_COMPLAINT = 20_000
# A callback is a promise to call back soon (CC-6): weeks, not years.
MAX_CALLBACK_AHEAD = timedelta(days=60)


def now() -> datetime:
    """The clock of outcomes and callbacks; tests patch it."""
    return timezone.now()


@dataclass
class ImportResult:
    rows: int = 0
    chains: int = 0
    internal: int = 0
    events_new: int = 0
    events_existing: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    skipped_chains: list[str] = field(default_factory=list)


def import_oktell_export(text: str, *, actor: Any = None) -> ImportResult:
    """Fold a CSV export of Oktell's statistics into the call log (see ``oktell``). Each
    event is its own transaction, like a web request; a replayed file stores nothing new."""
    parsed = oktell.parse_export(text, ZoneInfo(settings.ABONENT_OKTELL_TIME_ZONE))
    result = ImportResult(rows=parsed.rows, errors=list(parsed.errors))
    result.skipped_chains = sorted(parsed.broken_chains)
    for chain, events in oktell.all_events(parsed):
        if isinstance(events, oktell.BadChain):
            result.errors.append((events.line, f"chain {chain}: {events}"))
            result.skipped_chains.append(chain)
            continue
        if not events:
            result.internal += 1
            continue
        result.chains += 1
        for data in events:
            new, _state = record_event(data, actor=actor, source=Source.IMPORT)
            if new:
                result.events_new += 1
            else:
                result.events_existing += 1
    result.errors.sort()
    return result


@transaction.atomic
def add_operator_line(*, login: str, user: Any, actor: Any) -> OperatorLine:
    """Name a staff member's PBX login or extension; calls already logged under it are
    matched to them."""
    line = OperatorLine.objects.create(login=login, user=user)
    matched = Call.objects.filter(operator_login=login, operator__isnull=True).update(operator=user)
    record(
        actor=actor,
        action="call.operator_line_added",
        obj=line,
        after={"login": login, "user": user.get_username(), "calls_matched": matched},
    )
    return line


@transaction.atomic
def link_call_to_appeal(*, call: Call, appeal: Appeal, actor: Any) -> bool:
    """The appeal was taken on (or is about) this call (CC-8): its recording is kept while
    the appeal is open. Returns False when they were linked already."""
    if call.appeals.filter(pk=appeal.pk).exists():
        return False
    call.appeals.add(appeal)
    record(
        actor=actor,
        action="call.appeal_linked",
        obj=call,
        after={"appeal": appeal.incoming_number},
    )
    return True


# ---- the outcome of a call (issue #6, point 5) ------------------------------------------


@dataclass(frozen=True)
class ComplaintInput:
    """CC-8: what the operator writes down for a complaint or claim taken by phone."""

    kind: str = Kind.COMPLAINT
    applicant_type: str = ApplicantType.INDIVIDUAL
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    org_name: str = ""
    postal_address: str = ""
    phone: str = ""  # the caller's number when empty
    email: str = ""
    text: str = ""


@dataclass(frozen=True)
class OutcomeInput:
    kind: str
    topic: str = ""
    answer: str = ""
    callback_at: datetime | None = None
    callback_to_pool: bool = False
    warning_given: bool = False
    department: str = ""
    complaint: ComplaintInput | None = None

    def normalised(self) -> dict[str, Any]:
        """The request as stored: only what this kind of outcome uses, stripped, times in
        UTC — so a replay compares equal whatever the client's spelling of the offset."""
        data: dict[str, Any] = {"kind": self.kind, "topic": self.topic, "answer": self.answer}
        if self.kind == OutcomeKind.CALLBACK:
            at = self.callback_at.astimezone(UTC).isoformat() if self.callback_at else None
            data.update(callback_at=at, callback_to_pool=self.callback_to_pool)
        elif self.kind == OutcomeKind.ABUSE:
            data["warning_given"] = self.warning_given
        elif self.kind == OutcomeKind.PASSED:
            data["department"] = self.department
        elif self.kind == OutcomeKind.COMPLAINT:
            data["complaint"] = asdict(self.complaint) if self.complaint else None
        return data


def _strip(data: OutcomeInput) -> OutcomeInput:
    c = data.complaint
    if c is not None:
        c = ComplaintInput(**{k: v.strip() for k, v in asdict(c).items()})
    return OutcomeInput(
        kind=data.kind.strip(),
        topic=data.topic.strip(),
        answer=data.answer.strip(),
        callback_at=data.callback_at,
        callback_to_pool=data.callback_to_pool,
        warning_given=data.warning_given,
        department=data.department.strip(),
        complaint=c,
    )


def _validate(data: OutcomeInput) -> None:
    """The fields each outcome needs; every problem is named in ``fields``."""
    required = _("This field is required.")
    errors: dict[str, list[str]] = {}
    if data.kind not in OutcomeKind.values:
        raise InvalidInput(
            _("Unknown outcome."),
            code="unknown_outcome",
            fields={"outcome": [_("Unknown outcome.")]},
        )
    if data.topic and data.topic not in CallTopic.values:
        errors["topic"] = [_("Unknown topic.")]
    elif not data.topic and data.kind != OutcomeKind.ABUSE:
        errors["topic"] = [required]
    if len(data.answer) > MAX_ANSWER:
        errors["answer"] = [_("At most %(n)s characters.") % {"n": MAX_ANSWER}]
    elif not data.answer and data.kind in (OutcomeKind.ANSWERED, OutcomeKind.PASSED):
        errors["answer"] = [required]
    if data.kind == OutcomeKind.CALLBACK and data.callback_at is None:
        errors["callback_at"] = [required]
    if data.kind == OutcomeKind.PASSED and data.department not in PASS_TO:
        errors["department"] = [_("Choose sales, contracts or accounting.")]
    if data.kind == OutcomeKind.COMPLAINT:
        errors.update(_complaint_errors(data.complaint))
    if errors:
        raise InvalidInput(_("Some fields are invalid."), fields=errors)
    if data.kind == OutcomeKind.ABUSE and not data.warning_given:
        raise InvalidInput(
            _("Warn the caller that the call will be ended before ending it (CC-7)."),
            code="warning_required",
            fields={"warning_given": [_("Confirm that the warning was given.")]},
        )


def _complaint_errors(c: ComplaintInput | None) -> dict[str, list[str]]:
    required = _("This field is required.")
    if c is None:
        return {"complaint": [required]}
    errors: dict[str, list[str]] = {}
    if c.kind not in (Kind.COMPLAINT, Kind.CLAIM):
        errors["complaint.kind"] = [_("A complaint or a claim.")]
    if c.applicant_type not in ApplicantType.values:
        errors["complaint.applicant_type"] = [_("Unknown applicant type.")]
    elif c.applicant_type == ApplicantType.INDIVIDUAL:
        for name in ("last_name", "first_name"):
            if not getattr(c, name):
                errors[f"complaint.{name}"] = [required]
    elif c.applicant_type == ApplicantType.LEGAL_ENTITY and not c.org_name:
        errors["complaint.org_name"] = [required]
    if len(c.text) < 10:
        errors["complaint.text"] = [_("Write down the substance of the complaint.")]
    elif len(c.text) > MAX_COMPLAINT:
        errors["complaint.text"] = [_("At most %(n)s characters.") % {"n": MAX_COMPLAINT}]
    if c.phone and registry_phone(c.phone) is None:
        errors["complaint.phone"] = [_("Enter a valid phone number.")]
    if c.email:
        try:
            validate_email(c.email)
        except ValidationError:
            errors["complaint.email"] = [_("Enter a valid e-mail address.")]
    for name in ("last_name", "first_name", "patronymic"):
        if len(getattr(c, name)) > 150:
            errors[f"complaint.{name}"] = [_("At most %(n)s characters.") % {"n": 150}]
    if len(c.org_name) > 300 or len(c.postal_address) > 500:
        errors["complaint.postal_address"] = [_("Too long.")]
    return errors


def check_callback(at: datetime, *, moment: datetime | None = None) -> None:
    """CC-2, CC-6: in the future and inside the contact centre's hours (its department's
    schedule and the working-day calendar), else 422 with the next possible time."""
    current = moment or now()
    if at > current + MAX_CALLBACK_AHEAD:
        message = _("A callback at most %(days)s days ahead.") % {"days": MAX_CALLBACK_AHEAD.days}
        raise InvalidInput(message, code="callback_too_far", fields={"callback_at": [message]})
    dept = Department.objects.filter(code=CONTACT_CENTRE).first()
    hours = schedules.effective_hours(dept) if dept is not None else None
    # A past time is refused with the next opening from now: the calendar around now (a
    # time in year 1 has no calendar).
    cal = get_calendar(around=timezone.localdate(max(at, current)))

    def is_open(t: datetime) -> bool:
        return schedules.status_of(hours, t, cal).open_now

    def next_open(t: datetime) -> datetime | None:
        return schedules.status_of(hours, t, cal).next_open

    refusal = check_callback_time(at, now=current, is_open=is_open, next_open=next_open)
    if refusal is None:
        return
    when = timezone.localtime(refusal.next_possible) if refusal.next_possible else None
    message = (
        _("The callback time has passed.")
        if refusal.code == "callback_in_past"
        else _("The contact centre does not work at that time (Mon-Fri 09:00-18:00).")
    )
    raise InvalidInput(
        message,
        code=refusal.code,
        fields={"callback_at": [message]},
        extra={"next_possible": when.isoformat() if when else None},
    )


class OutcomeExists(DomainError):
    status = 409
    code = "outcome_exists"


@transaction.atomic
def record_call_outcome(*, call: Call, data: OutcomeInput, actor: Any) -> tuple[CallOutcome, bool]:
    """Record what came of a call: one outcome per call. The same request replayed returns
    the stored outcome (``False``: nothing new); a different one is ``outcome_exists``.

    ``complaint`` registers the appeal in the registry (channel ``phone``, CC-8) and links
    it to the call, so the recording is kept while the appeal is open; ``callback`` creates
    the callback task (CC-6); ``passed`` the request to a unit (CC-1)."""
    data = _strip(data)
    call = Call.objects.select_for_update().get(pk=call.pk)
    existing = CallOutcome.objects.filter(call=call).first()
    if existing is not None:
        if existing.request == data.normalised():
            return existing, False
        raise OutcomeExists(_("The outcome of this call is already recorded."))
    if call.answered_at is None:
        raise DomainError(
            _("The call was not answered: there is no outcome to record."),
            code="call_not_answered",
        )
    _validate(data)
    if data.kind == OutcomeKind.CALLBACK:
        assert data.callback_at is not None
        check_callback(data.callback_at)
    department = None
    if data.kind == OutcomeKind.PASSED:
        department = Department.objects.filter(code=data.department).first()
        if department is None:
            raise InvalidInput(
                _("Unknown unit."),
                code="unknown_department",
                fields={"department": [_("Unknown unit.")]},
            )
    appeal = _register_complaint(call, data, actor) if data.kind == OutcomeKind.COMPLAINT else None
    user = actor if getattr(actor, "is_authenticated", False) else None
    outcome = CallOutcome.objects.create(
        call=call,
        kind=data.kind,
        topic=data.topic,
        answer=data.answer,
        warning_given=data.warning_given if data.kind == OutcomeKind.ABUSE else False,
        appeal=appeal,
        request=data.normalised(),
        recorded_at=now(),
        recorded_by=user,
    )
    after: dict[str, Any] = {"call": call.call_id, "kind": data.kind, "topic": data.topic}
    if data.kind == OutcomeKind.CALLBACK and data.callback_at is not None:
        task = Callback.objects.create(
            outcome=outcome,
            due_at=data.callback_at,
            assignee=None if data.callback_to_pool else user,
        )
        after.update(callback=task.pk, due_at=task.due_at, assignee=_name(task.assignee))
    elif department is not None:
        req = UnitRequest.objects.create(outcome=outcome, department=department, created_at=now())
        after.update(unit_request=req.pk, department=department.code)
    elif appeal is not None:
        after["appeal"] = appeal.incoming_number
    record(actor=actor, action="call.outcome_recorded", obj=outcome, after=after)
    return outcome, True


def _name(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _register_complaint(call: Call, data: OutcomeInput, actor: Any) -> Appeal:
    c = data.complaint
    assert c is not None
    phone = registry_phone(c.phone) if c.phone else call.phone
    received = call.answered_at or call.at
    appeal = register_appeal(
        data=AppealInput(
            channel=Channel.PHONE,
            kind=c.kind,
            text=c.text,
            applicant_type=c.applicant_type,
            last_name=c.last_name,
            first_name=c.first_name,
            patronymic=c.patronymic,
            org_name=c.org_name,
            postal_address=c.postal_address,
            phone=phone or "",
            email=c.email,
            topic=TOPIC_NUMBER.get(data.topic),
            # The date of receipt is the call's (CC-8); never ahead of our clock.
            received_at=min(received, timezone.now()),
        ),
        actor=actor,
    )
    link_call_to_appeal(call=call, appeal=appeal, actor=actor)
    return appeal


# ---- callbacks and requests passed to units ----------------------------------------------


def _note(note: str) -> str:
    note = note.strip()
    if not note:
        raise InvalidInput(
            _("Write what was done."),
            code="note_required",
            fields={"note": [_("This field is required.")]},
        )
    if len(note) > MAX_ANSWER:
        message = _("At most %(n)s characters.") % {"n": MAX_ANSWER}
        raise InvalidInput(message, code="too_long", fields={"note": [message]})
    return note


@transaction.atomic
def complete_callback(*, callback: Callback, note: str, actor: Any) -> Callback:
    """The consumer got the full answer (CC-6): one conditional update, so two clicks make
    one completion."""
    note = _note(note)
    at = now()
    changed = Callback.objects.filter(pk=callback.pk, status=TaskStatus.OPEN).update(
        status=TaskStatus.DONE, done_at=at, done_by=actor, note=note
    )
    if changed != 1:
        raise DomainError(_("This callback is already done."), code="callback_done")
    record(
        actor=actor,
        action="call.callback_done",
        obj=callback,
        before={"status": TaskStatus.OPEN},
        after={"status": TaskStatus.DONE, "note": note},
    )
    return Callback.objects.select_related("assignee", "done_by").get(pk=callback.pk)


@transaction.atomic
def reassign_callback(*, callback: Callback, assignee: Any, actor: Any) -> Callback:
    """Give an open callback to another contact-centre operator, or to the pool (None)."""
    task = (
        Callback.objects.select_for_update(of=("self",))
        .select_related("assignee")
        .get(pk=callback.pk)
    )
    if task.status != TaskStatus.OPEN:
        raise DomainError(_("This callback is already done."), code="callback_done")
    if assignee is not None and not (
        assignee.is_active and has_role(assignee, Role.CC_OPERATOR, Role.SENIOR_OPERATOR)
    ):
        raise InvalidInput(
            _("Callbacks go to contact-centre operators."),
            code="invalid_assignee",
            fields={"assignee": [_("Not a contact-centre operator.")]},
        )
    before = _name(task.assignee)
    task.assignee = assignee
    task.save(update_fields=["assignee"])
    record(
        actor=actor,
        action="call.callback_reassigned",
        obj=task,
        before={"assignee": before},
        after={"assignee": _name(assignee)},
    )
    return task


@transaction.atomic
def complete_unit_request(*, request: UnitRequest, note: str, actor: Any) -> UnitRequest:
    note = _note(note)
    changed = UnitRequest.objects.filter(pk=request.pk, status=TaskStatus.OPEN).update(
        status=TaskStatus.DONE, done_at=now(), done_by=actor, note=note
    )
    if changed != 1:
        raise DomainError(_("This request is already done."), code="request_done")
    record(
        actor=actor,
        action="call.unit_request_done",
        obj=request,
        before={"status": TaskStatus.OPEN},
        after={"status": TaskStatus.DONE, "note": note},
    )
    found = UnitRequest.objects.select_related("department", "done_by").get(pk=request.pk)
    return found


def get_call(call_id: str) -> Call:
    found = Call.objects.select_related("operator").filter(call_id=normalise_call_id(call_id))
    call = found.first()
    if call is None:
        raise NotFound(_("Not found."))
    return call
