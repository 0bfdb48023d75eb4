"""Writes of the registry: one function per business action, atomic, with an audit row and
their notifications queued in the same transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from abonent.appeals import notices, rules
from abonent.appeals.codes import (
    FORWARD_REASONS,
    NO_ACTION_REASONS,
    NOT_CONSIDERED_REASONS,
    AnswerMethod,
    ApplicantType,
    Decision,
    Outcome,
    Reason,
    Status,
)
from abonent.appeals.models import Answer, Appeal, JournalCounter, OutgoingCounter, Topic
from abonent.core import audit
from abonent.core.errors import DomainError, InvalidInput
from abonent.core.lib.counters import next_number
from abonent.core.lib.snapshot import Snapshot
from abonent.core.lib.transitions import TransitionMap
from abonent.core.models import Department, Office
from abonent.workdays import terms
from abonent.workdays.calendar import TIMEZONE
from abonent.workdays.services import get_calendar, get_terms_policy

TRANSITIONS = TransitionMap(
    {
        Status.REGISTERED: [
            Status.ACCEPTED,
            Status.ASSIGNED,
            Status.ANSWERED,
            Status.NO_ACTION,
            Status.NOT_CONSIDERED,
            Status.FORWARDED,
        ],
        Status.ACCEPTED: [
            Status.ASSIGNED,
            Status.ANSWERED,
            Status.NO_ACTION,
            Status.NOT_CONSIDERED,
            Status.FORWARDED,
        ],
        Status.ASSIGNED: [
            Status.ASSIGNED,
            Status.ANSWERED,
            Status.NO_ACTION,
            Status.NOT_CONSIDERED,
            Status.FORWARDED,
        ],
    }
)
DECISION_STATUS = {
    Decision.ACCEPTED: Status.ACCEPTED,
    Decision.NO_ACTION: Status.NO_ACTION,
    Decision.NOT_CONSIDERED: Status.NOT_CONSIDERED,
    Decision.FORWARDED: Status.FORWARDED,
}
ACCESS_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
AUDITED = [
    "status",
    "decision",
    "decision_reasons",
    "department_id",
    "executor_id",
    "to_management",
    "due_date",
    "needs_external_info",
    "extension_days",
    "language",
    "topic_id",
]
MAX_TEXT = 20_000


@dataclass
class AppealInput:
    channel: str
    kind: str
    text: str
    applicant_type: str
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    org_name: str = ""
    outgoing_number: str = ""
    outgoing_date: date | None = None
    signed: bool = False
    postal_address: str = ""
    phone: str = ""
    email: str = ""
    topic: int | None = None
    language: str | None = None
    office: str | None = None
    received_at: datetime | None = None
    needs_external_info: bool = False
    attachments: list[Any] = field(default_factory=list)
    consent_version: str = ""  # the personal-data consent the applicant accepted (web form)


def _earlier_answered(data: AppealInput) -> dict[int, str]:
    """Answered appeals of the same applicant, found by contact (e-mail, phone) or by the
    organisation's name — a surname alone would match namesakes. Plain SQL: it runs on
    every registration, and the partial indexes (status = 'answered') need the literal.

    One lookup per contact, joined by UNION, then the newest: every plan of it reads the
    partial indexes. With ``col = %s OR ...`` and ``LIMIT``, PostgreSQL's generic plan for
    the prepared statement (which it prefers after five runs when it misjudges a contact's
    frequency) walked all answered appeals newest first: 1.6 s with 600,000 of them."""
    pairs = [("email", data.email), ("phone", data.phone), ("org_name", data.org_name)]
    used = [(column, value) for column, value in pairs if value]
    if not used:
        return {}
    table = connection.ops.quote_name(Appeal._meta.db_table)
    lookups = " UNION ".join(
        f"SELECT id, text, registered_at FROM {table} "  # noqa: S608
        f"WHERE status = '{Status.ANSWERED.value}' AND {column} = %s"
        for column, _ in used
    )
    sql = f"SELECT id, text FROM ({lookups}) answered ORDER BY registered_at DESC LIMIT 20"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for _, value in used])
        return {int(pk): str(text) for pk, text in cursor.fetchall()}


def _load_topics(_: None) -> dict[int, Topic]:
    return {t.number: t for t in Topic.objects.all()}


_topics: Snapshot[None, dict[int, Topic]] = Snapshot(_load_topics, watch=(Topic,))


def _topic_suggestion(text: str) -> Topic | None:
    topics = _topics.get(None)
    number = rules.suggest_topic(text, {n: t.keywords.splitlines() for n, t in topics.items()})
    return topics.get(number) if number is not None else None


# The working-day calendar starts in 2000; nothing older is registered.
EARLIEST_RECEIPT = datetime(2000, 1, 2, tzinfo=UTC)


def _check_input(data: AppealInput, now: datetime) -> None:
    errors: dict[str, list[str]] = {}
    if len(data.text) > MAX_TEXT:
        errors["text"] = [_("The text is longer than %(n)s characters.") % {"n": MAX_TEXT}]
    if data.received_at is not None and data.received_at > now:
        raise InvalidInput(
            _("The date of receipt cannot be in the future."),
            code="future_received_at",
            fields={"received_at": [_("Cannot be in the future.")]},
        )
    if data.received_at is not None and data.received_at < EARLIEST_RECEIPT:
        raise InvalidInput(
            _("The date of receipt is too far in the past."),
            code="received_at_out_of_range",
            fields={"received_at": [_("Give a date from 2000 on.")]},
        )
    if data.language not in (None, "", "ru", "kk"):
        errors["language"] = [_("Use kk or ru.")]
    if errors:
        raise InvalidInput(_("Some fields are invalid."), fields=errors)


@transaction.atomic
def register_appeal(*, data: AppealInput, actor: Any) -> Appeal:
    """Register what arrived (K-3): number, registration date (АППК art. 64 p. 3), term
    (D-1/D-2), language (W-6), the rules' admissibility suggestion (C-5, C-6), topic (C-2).

    The incoming number is taken as late as possible: the year's counter row stays locked
    until the commit, so concurrent registrations queue only for the insert of the appeal,
    its audit entry and the commit, not for the checks and the receipt before them."""
    now = timezone.now()
    _check_input(data, now)
    data.email = data.email.strip().lower()
    received_at = data.received_at or now
    cal = get_calendar(around=received_at.date())
    registered_on = cal.registration_date(received_at)
    received_on = received_at.astimezone(TIMEZONE).date()
    term = terms.consideration_term(
        get_terms_policy(),
        cal,
        registered_on=registered_on,
        received_on=received_on,
        needs_external_info=data.needs_external_info,
    )
    applicant = rules.Applicant(
        type=data.applicant_type,
        last_name=data.last_name,
        first_name=data.first_name,
        patronymic=data.patronymic,
        org_name=data.org_name,
        postal_address=data.postal_address,
        phone=data.phone,
        email=data.email,
    )
    suggestion = rules.suggest_admissibility(
        applicant=applicant,
        text=data.text,
        channel=data.channel,
        earlier_answered=_earlier_answered(data),
    )
    detected = rules.detect_language(data.text)
    topic = None
    if data.topic is not None:
        topic = _topics.get(None).get(data.topic)
        if topic is None:
            raise InvalidInput(
                _("Unknown topic."), code="unknown_topic", fields={"topic": [_("Choose 1 to 6.")]}
            )
    office = None
    if data.office:
        office = Office.objects.filter(code=data.office).first()
        if office is None:
            raise InvalidInput(
                _("Unknown office."),
                code="unknown_office",
                fields={"office": [_("Unknown office code.")]},
            )
    year = registered_on.year
    suggested_topic = _topic_suggestion(data.text) if topic is None else topic
    user = actor if getattr(actor, "is_authenticated", False) else None
    appeal = Appeal(
        year=year,
        access_code="".join(secrets.choice(ACCESS_ALPHABET) for _ in range(8)),
        channel=data.channel,
        kind=data.kind,
        topic=topic,
        suggested_topic=suggested_topic,
        office=office,
        applicant_type=data.applicant_type,
        last_name=data.last_name,
        first_name=data.first_name,
        patronymic=data.patronymic,
        org_name=data.org_name,
        outgoing_number=data.outgoing_number,
        outgoing_date=data.outgoing_date,
        signed=data.signed,
        postal_address=data.postal_address,
        phone=data.phone,
        email=data.email,
        text=data.text,
        consent_version=data.consent_version,
        consent_at=now if data.consent_version else None,
        language=data.language or detected,
        language_detected=detected,
        received_at=received_at,
        registered_on=registered_on,
        registered_at=now,
        registered_by=user,
        suggested_decision=suggestion.decision,
        suggested_reasons=list(suggestion.reasons),
        needs_external_info=data.needs_external_info,
        due_date=term.due,
        due_date_unadjusted=term.unadjusted_due,
    )
    appeal.receipt_pending = bool(appeal.email)
    appeal.seq = next_number(JournalCounter, year=year)
    appeal.incoming_number = format_number(year, appeal.seq)
    appeal.save(force_insert=True)
    if appeal.receipt_pending:
        notices.queue_receipt()
    if suggestion.related:
        appeal.related.set(suggestion.related)
    for upload in data.attachments:
        from abonent.appeals.attachments import store_attachment

        store_attachment(appeal=appeal, upload=upload)
    audit.record(
        actor=actor,
        action="appeal.registered",
        obj=appeal,
        after={
            "incoming_number": appeal.incoming_number,
            "channel": appeal.channel,
            "registered_on": appeal.registered_on,
            "due_date": appeal.due_date,
            "suggested_decision": appeal.suggested_decision,
            "consent_version": appeal.consent_version,
            "suggested_reasons": appeal.suggested_reasons,
        },
    )
    return appeal


def format_number(year: int, seq: int) -> str:
    """The incoming number: no "/", the year, then the sequence number in the year."""
    return f"{year}-{seq:06d}"


def _locked(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().get(pk=appeal.pk)


def _save(
    appeal: Appeal, *, actor: Any, action: str, before: dict[str, Any], note: str = ""
) -> None:
    appeal.save()
    audit.record(
        actor=actor,
        action=action,
        obj=appeal,
        before=before,
        after=audit.snapshot(appeal, AUDITED),
        note=note,
    )


@transaction.atomic
def decide_admissibility(
    *, appeal: Appeal, decision: str, reasons: list[str], state_body: str = "", actor: Any
) -> Appeal:
    """The Chancellery specialist's decision (C-5, C-6), with reason codes."""
    appeal = _locked(appeal)
    wanted = {
        Decision.NO_ACTION: NO_ACTION_REASONS,
        Decision.NOT_CONSIDERED: NOT_CONSIDERED_REASONS,
        Decision.FORWARDED: FORWARD_REASONS,
    }
    unknown = [r for r in reasons if r not in Reason.values]
    if decision not in Decision.values or unknown:
        raise InvalidInput(
            _("Unknown decision or reason."),
            code="invalid_decision",
            fields={"reasons": unknown} if unknown else {"decision": [decision]},
        )
    if decision == Decision.ACCEPTED:
        if reasons:
            raise InvalidInput(
                _("An accepted appeal has no refusal reasons."), code="reasons_not_allowed"
            )
    else:
        allowed = wanted[Decision(decision)]
        if not reasons or any(r not in allowed for r in reasons):
            raise InvalidInput(
                _("Give the reasons that fit this decision."),
                code="reasons_mismatch",
                fields={"reasons": [", ".join(sorted(allowed))]},
            )
    if decision == Decision.FORWARDED and not state_body.strip():
        raise InvalidInput(
            _("Name the state body the appeal is forwarded to."),
            code="state_body_required",
            fields={"state_body": [_("This field is required.")]},
        )
    before = audit.snapshot(appeal, AUDITED)
    TRANSITIONS.check(appeal.status, DECISION_STATUS[Decision(decision)])
    appeal.status = DECISION_STATUS[Decision(decision)]
    appeal.decision = decision
    appeal.decision_reasons = list(reasons)
    appeal.state_body = state_body.strip()
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    _save(appeal, actor=actor, action="appeal.decided", before=before)
    return appeal


@transaction.atomic
def assign_appeal(
    *,
    appeal: Appeal,
    department: str | None,
    executor: str | None = None,
    to_management: bool = False,
    actor: Any,
) -> Appeal:
    """Send to a unit and an executor, or to management (W-3, K-5). Assigning an appeal
    nobody decided on yet accepts it."""
    appeal = _locked(appeal)
    dept = None
    if department:
        dept = Department.objects.filter(code=department).first()
        if dept is None:
            raise InvalidInput(
                _("Unknown department."),
                code="unknown_department",
                fields={"department": [department]},
            )
    elif not to_management:
        raise InvalidInput(
            _("Choose a department or management."),
            code="department_required",
            fields={"department": [_("This field is required.")]},
        )
    user = None
    if executor:
        user = get_user_model().objects.filter(username=executor, is_active=True).first()
        if user is None:
            raise InvalidInput(
                _("Unknown executor."), code="unknown_executor", fields={"executor": [executor]}
            )
    before = audit.snapshot(appeal, AUDITED)
    TRANSITIONS.check(appeal.status, Status.ASSIGNED)
    if not appeal.decision:
        appeal.decision = Decision.ACCEPTED
        appeal.decided_by = actor
        appeal.decided_at = timezone.now()
    appeal.status = Status.ASSIGNED
    appeal.department = dept or Department.objects.filter(code="management").first()
    appeal.executor = user
    appeal.to_management = to_management
    _save(appeal, actor=actor, action="appeal.assigned", before=before)
    return appeal


@transaction.atomic
def mark_needs_external_info(*, appeal: Appeal, actor: Any) -> Appeal:
    """D-2: information from other bodies or an on-site inspection → 30 calendar days
    from receipt (unless already extended, which keeps its own term)."""
    appeal = _locked(appeal)
    if not appeal.is_open:
        raise DomainError(_("The appeal is closed."), code="appeal_closed")
    if appeal.needs_external_info:
        return appeal
    if appeal.extension_days is not None:
        raise DomainError(_("The term was already extended."), code="already_extended")
    before = audit.snapshot(appeal, AUDITED)
    cal = get_calendar(around=appeal.registered_on)
    term = terms.consideration_term(
        get_terms_policy(),
        cal,
        registered_on=appeal.registered_on,
        received_on=appeal.received_at.astimezone(TIMEZONE).date(),
        needs_external_info=True,
    )
    appeal.needs_external_info = True
    appeal.due_date, appeal.due_date_unadjusted = term.due, term.unadjusted_due
    _save(appeal, actor=actor, action="appeal.needs_external_info", before=before)
    return appeal


@transaction.atomic
def extend_term(*, appeal: Appeal, days: int, reason: str, actor: Any) -> Appeal:
    """D-3: one extension of at most 30 calendar days, with a reason; the applicant is told
    within 3 calendar days (a notice task, sent by e-mail when there is an address)."""
    appeal = _locked(appeal)
    if not appeal.is_open:
        raise DomainError(_("The appeal is closed."), code="appeal_closed")
    if not reason.strip():
        raise InvalidInput(
            _("Give the reason for the extension."),
            code="reason_required",
            fields={"reason": [_("This field is required.")]},
        )
    policy = get_terms_policy()
    cal = get_calendar(around=appeal.due_date)
    try:
        term = terms.extend_term(
            policy,
            cal,
            current_due=appeal.due_date,
            days=days,
            extensions_used=0 if appeal.extension_days is None else 1,
        )
    except terms.ExtensionNotAllowedError:
        raise DomainError(
            _("The term can be extended only once."), code="already_extended"
        ) from None
    except terms.ExtensionTooLongError:
        raise InvalidInput(
            _("The extension must be between 1 and %(n)s days.")
            % {"n": policy.max_extension_days or 30},
            code="extension_too_long",
            fields={"days": [str(days)]},
        ) from None
    before = audit.snapshot(appeal, AUDITED)
    today = timezone.localdate()
    notice = terms.extension_notice_term(policy, cal, decided_on=today)
    appeal.due_date, appeal.due_date_unadjusted = term.due, term.unadjusted_due
    appeal.extension_days = days
    appeal.extension_reason = reason.strip()
    appeal.extended_at = timezone.now()
    appeal.extension_notice_due = notice.due
    if appeal.email:
        notices.queue_extension_notice(appeal)
        appeal.extension_notice_sent_at = timezone.now()
    _save(appeal, actor=actor, action="appeal.extended", before=before, note=reason.strip())
    return appeal


@transaction.atomic
def mark_extension_notice_sent(*, appeal: Appeal, actor: Any, note: str = "") -> Appeal:
    """The notice went by post or phone: the clerk closes the task."""
    appeal = _locked(appeal)
    if appeal.extension_days is None:
        raise DomainError(_("The term was not extended."), code="not_extended")
    before = audit.snapshot(appeal, AUDITED)
    if appeal.extension_notice_sent_at is None:
        appeal.extension_notice_sent_at = timezone.now()
        _save(appeal, actor=actor, action="appeal.extension_notice_sent", before=before, note=note)
    return appeal


@transaction.atomic
def register_answer(
    *,
    appeal: Appeal,
    text: str,
    language: str,
    outcome: str,
    method: str,
    reasons: str = "",
    oral_by: str = "",
    actor: Any,
) -> Answer:
    """W-5, W-6: the answer is registered with an outgoing number, in the appeal's language;
    a refusal carries its reasons; an oral answer records who gave it and when."""
    appeal = _locked(appeal)
    if hasattr(appeal, "answer"):
        raise DomainError(_("The appeal is already answered."), code="already_answered")
    if not appeal.is_open:
        raise DomainError(_("The appeal is closed."), code="appeal_closed")
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Unknown outcome.")]
    if method not in AnswerMethod.values:
        errors["method"] = [_("Unknown method.")]
    if not text.strip() or len(text) > MAX_TEXT:
        errors["text"] = [_("Write the answer (up to %(n)s characters).") % {"n": MAX_TEXT}]
    if errors:
        raise InvalidInput(_("Some fields are invalid."), fields=errors)
    if language != appeal.language:
        raise InvalidInput(
            _("The answer must be in the language of the appeal (%(lang)s).")
            % {"lang": appeal.language},
            code="wrong_language",
            fields={"language": [appeal.language]},
        )
    if method != AnswerMethod.ORAL_PHONE and rules.detect_language(text) != language:
        raise InvalidInput(
            _("The text of the answer is not in the language of the appeal."),
            code="language_mismatch",
            fields={"text": [appeal.language]},
        )
    if outcome == Outcome.REFUSED and not reasons.strip():
        raise InvalidInput(
            _("A refusal must give its reasons."),
            code="reasons_required",
            fields={"reasons": [_("This field is required.")]},
        )
    if method == AnswerMethod.EMAIL and not appeal.email:
        raise InvalidInput(
            _("The applicant gave no e-mail address."), code="no_email", fields={"method": [method]}
        )
    before = audit.snapshot(appeal, AUDITED)
    TRANSITIONS.check(appeal.status, Status.ANSWERED)
    today = timezone.localdate()
    seq = next_number(OutgoingCounter, year=today.year)
    answer = Answer.objects.create(
        appeal=appeal,
        outgoing_number=f"OUT-{today.year}-{seq:06d}",
        answered_on=today,
        method=method,
        outcome=outcome,
        text=text.strip(),
        language=language,
        reasons=reasons.strip(),
        oral_by=(oral_by.strip() or getattr(actor, "get_username", lambda: "")())
        if method == AnswerMethod.ORAL_PHONE
        else "",
        oral_at=timezone.now() if method == AnswerMethod.ORAL_PHONE else None,
        registered_by=actor,
    )
    if not appeal.decision:
        appeal.decision = Decision.ACCEPTED
        appeal.decided_by = actor
        appeal.decided_at = timezone.now()
    appeal.status = Status.ANSWERED
    appeal.answered_on = today
    _save(
        appeal,
        actor=actor,
        action="appeal.answered",
        before=before,
        note=f"{answer.outgoing_number} {method} {outcome}",
    )
    if method == AnswerMethod.EMAIL:
        notices.queue_answer(appeal, answer)
    return answer


def applicant_type_of(data: dict[str, Any]) -> str:
    return str(data.get("type") or ApplicantType.INDIVIDUAL)
