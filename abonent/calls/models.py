"""Calls of the contact centre as the PBX reports them, their recordings and outcomes.

A ``Call`` is derived from the *set* of its ``CallEvent`` rows (one per kind of event), never
from the order in which they arrived: each event kind owns its columns (``call.started`` the
start, ``call.answered`` the answer and operator, ``call.ended`` the end,
``recording.ready`` the recording), and the columns that several events may carry (phone,
direction, operator) are taken from the event of the highest rank (``EVENT_RANK``). The
status and the talk duration are generated columns of the database (CC-4).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Value, When
from django.db.models.expressions import Func
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    STARTED = "call.started", _("Call started")
    ANSWERED = "call.answered", _("Call answered")
    ENDED = "call.ended", _("Call ended")
    RECORDING_READY = "recording.ready", _("Recording ready")


# Which event a shared column (phone, direction, operator) is taken from: the lowest rank
# present wins, so the result does not depend on the order of delivery.
EVENT_RANK = {
    Event.STARTED: 1,
    Event.ANSWERED: 2,
    Event.ENDED: 3,
    Event.RECORDING_READY: 4,
}
OPERATOR_RANK = {
    Event.ANSWERED: 1,
    Event.ENDED: 2,
    Event.STARTED: 3,
    Event.RECORDING_READY: 4,
}
NO_RANK = 99


class Direction(models.TextChoices):
    IN = "in", _("Incoming")
    OUT = "out", _("Outgoing")


class CallStatus(models.TextChoices):
    PENDING = "pending", _("Only a recording is known yet")
    RINGING = "ringing", _("Ringing or waiting")
    TALKING = "talking", _("Talking")
    MISSED = "missed", _("Missed")
    COMPLETED = "completed", _("Completed")


class Source(models.TextChoices):
    API = "api", _("PBX web request")
    IMPORT = "import", _("Statistics import")


class SecondsBetween(Func):
    """Whole seconds from ``start`` to ``end`` (NULL when either is NULL); immutable, so it
    may define a generated column."""

    output_field = models.IntegerField()
    arity = 2

    def _parts(self, compiler: Any, connection: Any) -> tuple[str, str, tuple[Any, ...]]:
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        return end_sql, start_sql, (*end_params, *start_params)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        end, start, params = self._parts(compiler, connection)
        return f"CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start}))) AS integer)", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        end, start, params = self._parts(compiler, connection)
        return f"CAST(ROUND((julianday({end}) - julianday({start})) * 86400) AS INTEGER)", params


class OperatorLine(models.Model):
    """An operator as the PBX names them: an Oktell login or an internal number (extension).
    Events name the operator by this string; calls are matched to the user through it."""

    login = models.CharField(_("PBX login or extension"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="operator_lines",
    )

    class Meta:
        verbose_name = _("operator line")
        verbose_name_plural = _("operator lines")
        ordering = ["login"]

    def __str__(self) -> str:
        return self.login


def _status_expression() -> Case:
    return Case(
        When(
            started_at__isnull=True,
            answered_at__isnull=True,
            ended_at__isnull=True,
            then=Value(CallStatus.PENDING.value),
        ),
        When(ended_at__isnull=True, answered_at__isnull=True, then=Value("ringing")),
        When(ended_at__isnull=True, then=Value(CallStatus.TALKING.value)),
        When(answered_at__isnull=True, then=Value(CallStatus.MISSED.value)),
        default=Value(CallStatus.COMPLETED.value),
    )


class Call(models.Model):
    """One call chain of the PBX (Oktell's ``IdChain``)."""

    call_id = models.CharField(_("PBX call id"), max_length=64, unique=True)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.IN
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    phone_rank = models.PositiveSmallIntegerField(default=NO_RANK)
    operator_login = models.CharField(_("operator (as the PBX names them)"), max_length=64)
    operator_rank = models.PositiveSmallIntegerField(default=NO_RANK)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    recorded = models.BooleanField(_("recorded by the PBX"), default=False)
    # A path relative to ABONENT_RECORDINGS_DIR, or an http(s) URL on the PBX's web server.
    recording_ref = models.CharField(_("recording"), max_length=500, blank=True)
    recording_at = models.DateTimeField(_("recording ready"), null=True, blank=True)
    recording_purged_at = models.DateTimeField(_("recording deleted"), null=True, blank=True)
    retained_for_appeal = models.BooleanField(_("recording kept for an open appeal"), default=False)
    appeals = models.ManyToManyField(
        "appeals.Appeal", verbose_name=_("appeals"), blank=True, related_name="calls"
    )
    created_at = models.DateTimeField(_("first reported"), default=timezone.now)

    status = models.GeneratedField(
        expression=_status_expression(),
        output_field=models.CharField(max_length=16, choices=CallStatus.choices),
        db_persist=True,
    )
    duration = models.GeneratedField(
        expression=Case(
            When(ended_at__gte=F("answered_at"), then=SecondsBetween("ended_at", "answered_at")),
            default=Value(None),
            output_field=models.IntegerField(),
        ),
        output_field=models.IntegerField(null=True),
        db_persist=True,
    )
    # The moment the log sorts and filters by: the start, or the first time known.
    at = models.GeneratedField(
        expression=Coalesce("started_at", "answered_at", "ended_at", "created_at"),
        output_field=models.DateTimeField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["at", "id"], name="call_log_at"),
            models.Index(fields=["phone", "at"], name="call_log_phone"),
            models.Index(fields=["operator_login", "at"], name="call_log_operator"),
            models.Index(
                fields=["at"],
                name="call_recording_kept",
                condition=models.Q(recording_purged_at__isnull=True) & ~models.Q(recording_ref=""),
            ),
        ]

    def __str__(self) -> str:
        return self.call_id

    @property
    def has_recording(self) -> bool:
        return bool(self.recording_ref) and self.recording_purged_at is None


class CallEvent(models.Model):
    """One event of a call as the PBX sent it (or as the statistics import derived it): the
    call's append-only history. At most one of each kind per call (replays are no-ops)."""

    call = models.ForeignKey(
        Call,
        to_field="call_id",
        on_delete=models.CASCADE,
        related_name="events",
        db_index=False,  # the unique constraint below leads with it
    )
    event = models.CharField(_("event"), max_length=20, choices=Event.choices)
    at = models.DateTimeField(_("when"))
    payload = models.JSONField(_("as received"), default=dict)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("call event")
        verbose_name_plural = _("call events")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "event"], name="one_event_of_a_kind_per_call")
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.event}"


# ---- outcomes of calls (CC-1, CC-5..CC-8; issue #6, point 5) -----------------------------


class CallTopic(models.TextChoices):
    """The question of the call: the rows of the routing table (C-2), and ``other``."""

    CONTRACT_TERMS = "contract_terms", _("Contract terms, payment deadlines, heat-supply terms")
    HOT_WATER_READINGS = "hot_water_readings", _("Hot-water meter readings")
    DISCONNECTION = "disconnection", _("Disconnection and reconnection of energy")
    CHARGES = "charges", _("Charges, debt and payments")
    APPEALS = "appeals", _("Appeals addressed to the company")
    DOCUMENTS_WORKS = "documents_works", _("Preparing documents and having works done")
    OTHER = "other", _("Another question")


# The row number of the registry's routing table (``appeals.Topic.number``) for each topic.
TOPIC_NUMBER: dict[str, int] = {
    CallTopic.CONTRACT_TERMS: 1,
    CallTopic.HOT_WATER_READINGS: 2,
    CallTopic.DISCONNECTION: 3,
    CallTopic.CHARGES: 4,
    CallTopic.APPEALS: 5,
    CallTopic.DOCUMENTS_WORKS: 6,
}


class OutcomeKind(models.TextChoices):
    ANSWERED = "answered", _("Answered during the call")
    CALLBACK = "callback", _("The consumer calls back for the full answer")
    ABUSE = "abuse", _("Ended for abuse after a warning")
    COMPLAINT = "complaint", _("Complaint or claim registered")
    PASSED = "passed", _("Request passed to a unit")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class FollowUp(models.Model):
    """What a callback and a request to a unit share: open until someone marks it done, with
    a note."""

    status = models.CharField(
        _("status"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True


class CallOutcome(models.Model):
    """What the operator recorded about a call: one per call (CC-5..CC-8)."""

    call = models.OneToOneField(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="outcome"
    )
    kind = models.CharField(_("outcome"), max_length=16, choices=OutcomeKind.choices)
    topic = models.CharField(_("topic"), max_length=24, choices=CallTopic.choices, blank=True)
    answer = models.TextField(_("answer given"), blank=True)
    warning_given = models.BooleanField(_("warning given before ending the call"), default=False)
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name=_("appeal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The request as the operator sent it, normalised: a replay of the same request answers
    # with this outcome, a different one is a conflict.
    request = models.JSONField(_("request"), default=dict)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("call outcome")
        verbose_name_plural = _("call outcomes")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.kind}"


class Callback(FollowUp):
    """CC-6: the consumer was told when to call back; the operator (or the pool, when no one
    is assigned) prepares the full answer by then."""

    outcome = models.OneToOneField(
        CallOutcome, verbose_name=_("outcome"), on_delete=models.PROTECT, related_name="callback"
    )
    due_at = models.DateTimeField(_("call back at"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"], name="callback_due")]

    def __str__(self) -> str:
        return f"callback {self.pk}"


class UnitRequest(FollowUp):
    """CC-1: a request the contact centre passed to a unit for execution."""

    outcome = models.OneToOneField(
        CallOutcome,
        verbose_name=_("outcome"),
        on_delete=models.PROTECT,
        related_name="unit_request",
    )
    department = models.ForeignKey(
        "core.Department", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )  # fmt: skip
    created_at = models.DateTimeField(_("passed"), default=timezone.now)

    class Meta:
        verbose_name = _("request to a unit")
        verbose_name_plural = _("requests to units")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status", "created_at"], name="unit_request_list")
        ]

    def __str__(self) -> str:
        return f"request {self.pk}"
