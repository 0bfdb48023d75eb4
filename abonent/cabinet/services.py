"""Writes of the personal cabinet: one function per business action, atomic, with an audit row.

``submit_reading`` is the one way a meter reading gets in (PC-1, C-2 row 2), whatever the
channel: the personal cabinet, the IVR, the contact centre or the API. Its rules are in
rules.py. One reading is kept per meter and period: a second submission in the same period
replaces the value (a consumer correcting a typo) and the audit log keeps what it replaced
(``reading.replaced`` with ``before`` and ``after``). A refused reading stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from abonent.cabinet import rules
from abonent.cabinet.models import Bill, Meter, Reading, ReadingSource, ReadingStatus
from abonent.core import audit
from abonent.core.errors import DomainError, InvalidInput, NotFound
from abonent.core.lib.fast_insert import insert

# How many earlier readings the history check looks at: a year of monthly differences.
HISTORY_POINTS = 13

NEEDS_CONFIRMATION = "needs_confirmation"

MESSAGES: dict[str, Promise] = {
    rules.Code.UNKNOWN_METER: _("There is no such meter on this account."),
    rules.Code.NOT_A_NUMBER: _("The reading must be a number, digits only."),
    rules.Code.NEGATIVE: _("The reading cannot be negative."),
    rules.Code.TOO_MANY_DECIMALS: _(
        "The reading has more digits after the point than the meter shows."
    ),
    rules.Code.TOO_MANY_DIGITS: _("The reading has more digits than the meter's register."),
    rules.Code.VERIFICATION_EXPIRED: _(
        "The meter's verification has expired: readings cannot be accepted until it is "
        "verified again."
    ),
    rules.Code.OUTSIDE_WINDOW: _("Readings are accepted only within the monthly window."),
    rules.Code.DECREASING: _("The reading is lower than the previous one."),
    rules.Code.IMPLAUSIBLE: _(
        "The consumption is far above what this meter has ever shown. Please check the reading."
    ),
    NEEDS_CONFIRMATION: _(
        "The consumption is much higher than usual. Please check the reading and confirm it."
    ),
}


def now() -> datetime:
    """The clock; tests patch it."""
    return timezone.now()


def company_window() -> rules.Window:
    return rules.Window(
        settings.ABONENT_READINGS_WINDOW_FIRST_DAY, settings.ABONENT_READINGS_WINDOW_LAST_DAY
    )


def policy() -> rules.Policy:
    return rules.Policy(
        high_factor=Decimal(settings.ABONENT_READINGS_HIGH_FACTOR),
        implausible_factor=Decimal(settings.ABONENT_READINGS_IMPLAUSIBLE_FACTOR),
    )


def meter_facts(meter: Meter) -> rules.MeterFacts:
    own = None
    if meter.window_first_day is not None and meter.window_last_day is not None:
        own = rules.Window(meter.window_first_day, meter.window_last_day)
    return rules.MeterFacts(
        digits=meter.digits,
        decimals=meter.decimals,
        verification_due=meter.verification_due,
        window=own,
    )


def value_text(value: str | int | float | Decimal) -> str:
    """The value as the consumer typed it; numbers from JSON become plain decimal text."""
    if isinstance(value, bool):
        return "not a number"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "not a number"
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else "not a number"
    return str(value)


@dataclass(frozen=True)
class Submitted:
    reading: Reading
    replaced: Reading | None
    verdict: rules.Verdict

    @property
    def decimals(self) -> int:
        return self.reading.meter.decimals  # the meter is cached on the reading by _store


def shown(value: Decimal | None, decimals: int) -> str | None:
    """A stored value in the meter's precision (the database keeps three decimals)."""
    return None if value is None else str(value.quantize(Decimal(1).scaleb(-decimals)))


def _snapshot(reading: Reading, decimals: int) -> dict[str, Any]:
    data = audit.snapshot(reading, _AUDITED)
    data["value"] = shown(reading.value, decimals)
    data["consumption"] = shown(reading.consumption, decimals)
    return data


def _refusal(code: str, detail: dict[str, str]) -> InvalidInput:
    return InvalidInput(MESSAGES[code], code=code, extra=detail)


_AUDITED = ["value", "consumption", "rollover", "status", "flag_reason", "source", "submitted_at"]
_REVIEWED = ["status", "reviewed_at", "review_note"]


@transaction.atomic
def submit_reading(
    *,
    account: str,
    meter: str,
    value: str | int | float | Decimal,
    source: str,
    confirm: bool = False,
    actor: Any,
) -> Submitted:
    """Validate and store one reading for the meter (serial) on the account (number).

    ``actor`` is the staff or integration user, or a signed-in consumer (anything that is not
    a Django user is recorded as the system with a note). Raises InvalidInput (422) with a
    rules.Code, or ``needs_confirmation`` for a very high value not yet confirmed.
    A handful of statements: lock the meter, read its latest readings, write, audit.
    """
    if source not in ReadingSource.values:
        raise InvalidInput(_("Unknown source."), code="validation_error")
    today = timezone.localdate(now())
    found, candidates = _meter_and_readings(account, meter, rules.add_months(today, 1))
    if found is None:
        raise _refusal(rules.Code.UNKNOWN_METER, {})
    verdict, existing = judge(found, candidates, value, confirm=confirm, today=today)
    return _store(found, verdict, existing, source=source, actor=actor)


def judge(
    meter: Meter,
    candidates: list[Reading],
    value: str | int | float | Decimal,
    *,
    confirm: bool,
    today: date,
) -> tuple[rules.Verdict, Reading | None]:
    """The verdict on ``value`` for the locked ``meter`` given its latest readings (newest
    first, up to next month), and the reading of the same period it replaces, if any.
    Raises the refusal (InvalidInput) as ``submit_reading`` does. No queries."""
    facts = meter_facts(meter)
    window, rule = company_window(), rules.OutsideRule(settings.ABONENT_READINGS_OUTSIDE_WINDOW)
    placed = rules.period_for(today, facts.window or window, rule)
    target = placed[0] if placed else today.replace(day=1)
    recent = [r for r in candidates if r.period <= target][: HISTORY_POINTS + 1]
    existing = recent[0] if recent and recent[0].period == target else None
    # A reading rejected on review is kept (its period may be submitted again) but is no
    # basis for the next one.
    earlier = [r for r in recent if r.period < target and r.status != ReadingStatus.REJECTED]
    previous = rules.PreviousReading(earlier[0].value, earlier[0].period) if earlier else None
    history = rules.history_from(
        [rules.HistoryPoint(r.period, r.value, r.consumption) for r in earlier]
    )
    verdict = rules.check_reading(
        value_text(value), facts, previous, history, today, window, rule,
        confirm=confirm, policy=policy(),
    )  # fmt: skip
    if verdict.outcome == rules.Outcome.REFUSED:
        assert verdict.code is not None
        raise _refusal(verdict.code, verdict.detail)
    if verdict.outcome == rules.Outcome.NEEDS_CONFIRMATION:
        detail = {**verdict.detail, "consumption": shown(verdict.consumption, facts.decimals) or ""}
        raise _refusal(NEEDS_CONFIRMATION, detail)
    return verdict, existing


_METER_COLUMNS = [f.attname for f in Meter._meta.concrete_fields]
_READING_COLUMNS = [f.attname for f in Reading._meta.concrete_fields]


def _meter_and_readings(
    account: str, serial: str, upto: date
) -> tuple[Meter | None, list[Reading]]:
    """The active meter, locked until the end of the transaction, and then — in a second
    statement, so that it sees what a submission that held the lock before us committed —
    its latest readings up to ``upto``, newest first. Plain SQL: this is the hot path of the
    readings API (500/s)."""
    if connection.vendor != "postgresql":  # raw rows would skip the ORM's type converters
        found = (
            Meter.objects.select_for_update()
            .filter(account__number=account, serial=serial, is_active=True, account__is_active=True)
            .first()
        )
        if found is None:
            return None, []
        recent = Reading.objects.filter(meter=found, period__lte=upto).order_by("-period")
        return found, list(recent[: HISTORY_POINTS + 2])
    meter_cols = ", ".join(f"m.{connection.ops.quote_name(c)}" for c in _METER_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {meter_cols} FROM cabinet_meter m "  # noqa: S608
            "JOIN cabinet_account a ON a.id = m.account_id "
            "WHERE a.number = %s AND m.serial = %s AND m.is_active AND a.is_active "
            "FOR UPDATE OF m",
            [account, serial],
        )
        row = cursor.fetchone()
        if row is None:
            return None, []
        found = Meter.from_db(connection.alias, _METER_COLUMNS, row)
        cursor.execute(
            f"SELECT {', '.join(connection.ops.quote_name(c) for c in _READING_COLUMNS)} "  # noqa: S608
            "FROM cabinet_reading WHERE meter_id = %s AND period <= %s "
            "ORDER BY period DESC LIMIT %s",
            [found.pk, upto, HISTORY_POINTS + 2],
        )
        readings = [
            Reading.from_db(connection.alias, _READING_COLUMNS, r) for r in cursor.fetchall()
        ]
    return found, readings


def _store(
    meter: Meter, verdict: rules.Verdict, existing: Reading | None, *, source: str, actor: Any
) -> Submitted:
    user = actor if isinstance(actor, AbstractBaseUser) else None
    fields = stored_fields(verdict, source=source, submitted_by=user)
    before = audited_before(existing, meter)
    if existing is not None:
        for name, val in fields.items():
            setattr(existing, name, val)
        existing.save(update_fields=list(fields))
        existing.meter = meter
        reading = existing
    else:
        assert verdict.period is not None
        reading = insert(Reading(meter=meter, period=verdict.period, **fields))
    audit.record(
        actor=user,
        action=audit_action(existing),
        obj=reading,
        before=before,
        after=audited_after(reading, meter),
        # A signed-in consumer is not a staff user: its principal names itself.
        note="" if user is not None else str(getattr(actor, "audit_label", "")),
    )
    return Submitted(reading=reading, replaced=existing, verdict=verdict)


def stored_fields(
    verdict: rules.Verdict, *, source: str, submitted_by: AbstractBaseUser | None
) -> dict[str, Any]:
    """What a submission stores on its reading, new or replaced (``submitted_by``: None for
    a consumer or the system; the lanes set ``submitted_by_id`` themselves)."""
    assert verdict.value is not None and verdict.period is not None
    return {
        "value": verdict.value,
        "consumption": verdict.consumption,
        "rollover": verdict.rollover,
        "status": verdict.status,
        "flag_reason": verdict.flag,
        "source": source,
        "submitted_at": now(),
        "submitted_by": submitted_by,
        "reviewed_at": None,
        "reviewed_by": None,
        "review_note": "",
    }


def audit_action(existing: Reading | None) -> str:
    return "reading.replaced" if existing is not None else "reading.submitted"


def audited_before(existing: Reading | None, meter: Meter) -> dict[str, Any] | None:
    return _snapshot(existing, meter.decimals) if existing is not None else None


def audited_after(reading: Reading, meter: Meter) -> dict[str, Any]:
    return {**_snapshot(reading, meter.decimals), "period": reading.period, "meter": meter.pk}


def period_label(period: date) -> str:
    return f"{period:%Y-%m}"


class Decision(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"


NOTE_MAX = 500


@transaction.atomic
def review_reading(*, reading_id: int, decision: str, note: str = "", actor: Any) -> Reading:
    """A controller's decision on a reading flagged for review (``needs_review``, issue #7:
    "a very high value needs confirmation and is flagged for review"). Accepted: it counts,
    as ``accepted`` (or ``next_period`` when it is for a month still to come). Rejected: it
    stays, marked ``rejected``, and is no basis for the next reading; a rejection needs a
    note (the reason, e.g. "the consumer misread the register"). Either way who, when and
    the note are kept on the reading and in the audit log. Only a flagged reading can be
    reviewed, once (409 ``not_flagged``); a new submission for the period starts afresh."""
    try:
        choice = Decision(decision)
    except ValueError:
        raise InvalidInput(_("Choose to accept or to reject."), code="validation_error") from None
    text = note.strip()
    if len(text) > NOTE_MAX:
        raise InvalidInput(
            _("The note is longer than %(n)s characters.") % {"n": NOTE_MAX}, code="note_too_long"
        )
    if choice == Decision.REJECT and not text:
        raise InvalidInput(_("Say why the reading is rejected."), code="note_required")
    reading = (
        Reading.objects.select_for_update(of=("self",))
        .select_related("meter")
        .filter(pk=reading_id)
        .first()
    )
    if reading is None:
        raise NotFound(_("No such reading."))
    if reading.status != ReadingStatus.NEEDS_REVIEW:
        raise DomainError(
            _("This reading is not waiting for review (it may have been reviewed already)."),
            code="not_flagged",
        )
    before = audit.snapshot(reading, _REVIEWED)
    this_month = timezone.localdate(now()).replace(day=1)
    if choice == Decision.REJECT:
        reading.status = ReadingStatus.REJECTED
    elif reading.period > this_month:
        reading.status = ReadingStatus.NEXT_PERIOD
    else:
        reading.status = ReadingStatus.ACCEPTED
    reading.reviewed_at = now()
    reading.reviewed_by_id = actor.pk if isinstance(actor, AbstractBaseUser) else None
    reading.review_note = text
    reading.save(update_fields=[*_REVIEWED, "reviewed_by"])
    audit.record(
        actor=actor,
        action=f"reading.review_{'accepted' if choice == Decision.ACCEPT else 'rejected'}",
        obj=reading,
        before=before,
        after={
            **audit.snapshot(reading, _REVIEWED),
            "value": shown(reading.value, reading.meter.decimals),
        },
        note=text,
    )
    return reading


@transaction.atomic
def record_invoice_copy(*, bill: Bill, lang: str, actor: Any) -> None:
    """Staff printed or sent a legal entity's invoice copy: who, which, in what language."""
    audit.record(
        actor=actor,
        action="cabinet.invoice_copy",
        obj=bill,
        after={"account": bill.account.number, "period": f"{bill.period:%Y-%m}", "lang": lang},
    )
