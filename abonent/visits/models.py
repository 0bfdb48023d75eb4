"""Home visits (ORG-1, V-1..V-4): the visit, its employees, its notices, its changes, the
public lookups of visit codes, and the employee's card (photo for the verify page)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    METER_CHECK = "meter_check", _("Check of the meter and its readings")
    METER_SEAL = "meter_seal", _("Sealing of the meter")
    INSPECTION = "inspection", _("On-site inspection on an appeal")
    DISCONNECTION = "disconnection", _("Disconnection of supply")
    RECONNECTION = "reconnection", _("Reconnection of supply")
    DELIVERY = "delivery", _("Delivery of documents")
    OTHER = "other", _("Other")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DEPARTED = "departed", _("On the way")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (VisitStatus.PLANNED, VisitStatus.DEPARTED)


class Outcome(models.TextChoices):
    DONE = "done", _("Done")
    CONSUMER_ABSENT = "consumer_absent", _("Consumer absent")
    REFUSED_ENTRY = "refused_entry", _("Refused entry")
    RESCHEDULED = "rescheduled", _("Rescheduled with the consumer")


class VisitQuerySet(models.QuerySet["Visit"]):
    def active(self) -> VisitQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def overlapping(self, starts_at: object, ends_at: object) -> VisitQuerySet:
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Visit(models.Model):
    consumer = models.ForeignKey(
        "cabinet.Consumer",
        verbose_name=_("consumer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    account = models.ForeignKey(
        "cabinet.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_name = models.CharField(_("contact person"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    address = models.CharField(_("address"), max_length=300)
    language = models.CharField(_("language"), max_length=8, default="ru")
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    reason = models.TextField(_("reason"), max_length=2000)
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name=_("appeal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    employees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="VisitEmployee",
        related_name="+",
        verbose_name=_("employees"),
    )
    starts_at = models.DateTimeField(_("from"), db_index=True)
    ends_at = models.DateTimeField(_("until"))
    urgent = models.BooleanField(_("urgent"), default=False)
    urgency_reason = models.TextField(_("reason for urgency"), blank=True, max_length=1000)
    notify_by = models.DateTimeField(_("notify by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_notes = models.TextField(_("notes"), blank=True, max_length=4000)
    departed_at = models.DateTimeField(_("left for the visit"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # V-3: the code itself is never stored; it is derived from the salt with a server key
    # when a notice is written, and looked up by its keyed hash.
    code_salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    code_active = models.BooleanField(default=True)
    code_expires_at = models.DateTimeField()
    print_letter = models.BooleanField(_("print a letter"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code_hash"], condition=Q(code_active=True), name="visit_active_code"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="visit_window"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class VisitEmployee(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="assignments")
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visit_assignments"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "employee"], name="visit_employee_once")
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.employee_id}"


class EmployeeCard(models.Model):
    """What the verify page may show of an employee beyond the staff profile: a photo."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visit_card"
    )
    photo = models.ImageField(_("photo"), upload_to="visits/photos/", blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("employee card")
        verbose_name_plural = _("employee cards")

    def __str__(self) -> str:
        return self.user.get_username()


class NoticeKind(models.TextChoices):
    PLANNED = "planned", _("Notice of the visit")
    DEPARTURE = "departure", _("Notice before departure")
    CHANGED = "changed", _("Notice of a change of time")


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    DELIVERED = "delivered", _("Delivered")
    SUPERSEDED = "superseded", _("Not sent: the time changed")


class VisitNotice(models.Model):
    """One notice to the consumer on one channel, with its delivery state (V-1, V-2)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    to = models.CharField(_("to"), max_length=300)
    due_at = models.DateTimeField(_("must go out by"))
    # The window the notice announces (kept: the visit may move again later).
    starts_at = models.DateTimeField(_("announced from"))
    ends_at = models.DateTimeField(_("announced until"))
    status = models.CharField(
        _("status"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    gave_up = models.BooleanField(_("no more attempts"), default=False)
    last_error = models.TextField(_("last error"), blank=True)
    provider_id = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("visit notice")
        verbose_name_plural = _("visit notices")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.kind} {self.channel} {self.status}"


class VisitChange(models.Model):
    """A change of a visit's time (V-2); a late one carries a head's override and reason."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="changes")
    old_starts_at = models.DateTimeField()
    old_ends_at = models.DateTimeField()
    new_starts_at = models.DateTimeField()
    new_ends_at = models.DateTimeField()
    deadline = models.DateTimeField(_("change deadline"))
    late = models.BooleanField(_("late change"), default=False)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["late", "at"])]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.old_starts_at} -> {self.new_starts_at}"


class LookupResult(models.TextChoices):
    FOUND = "found", _("Found")
    NOT_FOUND = "not_found", _("Not found or expired")
    LIMITED = "limited", _("Refused: too many attempts")


class VerifyLookup(models.Model):
    """The audit of every public lookup (V-3): who asked (a keyed hash of the address, no
    raw IP), how, and what came out."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    client = models.CharField(max_length=64)
    channel = models.CharField(max_length=16)  # web, api, contact_centre
    method = models.CharField(max_length=16)  # code, employee_number
    result = models.CharField(max_length=16, choices=LookupResult.choices)
    visit = models.ForeignKey(Visit, null=True, on_delete=models.SET_NULL, related_name="+")
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at} {self.method} {self.result}"
