"""The appeals registry (C-3..C-6, CC-8, W-1..W-6, K-1..K-5, D-1..D-4)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abonent.appeals.codes import (
    AnswerMethod,
    ApplicantType,
    Channel,
    Decision,
    Kind,
    Language,
    Outcome,
    Status,
)
from abonent.core.models import Department, Office, localized


class Topic(models.Model):
    """A row of the routing table (C-2): question type → responsible units. Data."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    departments = models.ManyToManyField(
        Department, verbose_name=_("responsible units"), related_name="topics"
    )
    channels = models.CharField(_("channels"), max_length=300, blank=True)
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("Word stems that suggest this topic, one per line.")
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("routing table")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return localized(self.name_ru, self.name_kk)


class YearCounter(models.Model):
    """The last number used in a calendar year: numbers are gapless because the increment
    commits or rolls back with the record that takes it."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class JournalCounter(YearCounter):
    """Incoming numbers of the journal (K-3)."""


def applicant_name(who: Any) -> str:
    """How an applicant is named in lists: an organisation by its name, a person by surname,
    name and patronymic. ``who`` has the K-2 fields (an appeal, a box item, …)."""
    if who.applicant_type == ApplicantType.LEGAL_ENTITY:
        return str(who.org_name)
    return " ".join(p for p in [who.last_name, who.first_name, who.patronymic] if p)


class AppealQuerySet(models.QuerySet["Appeal"]):
    def open(self) -> AppealQuerySet:
        return self.filter(status__in=["registered", "accepted", "assigned"])

    def overdue(self, today: object) -> AppealQuerySet:
        return self.open().filter(due_date__lt=today)


class Appeal(models.Model):
    # Every index is written on every registration: foreign keys that no list filters on
    # (topic, office, decided_by) or that a composite index leads with (department) have
    # none of their own; deleting a topic or an office is rare and may scan.
    incoming_number = models.CharField(_("incoming number"), max_length=20)
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("number in the year"))
    access_code = models.CharField(_("access code"), max_length=16)

    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        db_index=False,
    )
    suggested_topic = models.ForeignKey(
        Topic,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("suggested topic"),
        db_index=False,
    )
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )

    applicant_type = models.CharField(_("applicant"), max_length=16, choices=ApplicantType.choices)
    last_name = models.CharField(_("surname"), max_length=150, blank=True)
    first_name = models.CharField(_("name"), max_length=150, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    org_name = models.CharField(_("organisation"), max_length=300, blank=True)
    outgoing_number = models.CharField(_("outgoing number"), max_length=64, blank=True)
    outgoing_date = models.DateField(_("outgoing date"), null=True, blank=True)
    signed = models.BooleanField(_("signed"), default=False)
    postal_address = models.CharField(_("postal address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    text = models.TextField(_("text"))
    consent_version = models.CharField(
        _("personal-data consent (text version)"), max_length=20, blank=True
    )
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    # The receipt mail (K-4) still to write: set in the registering transaction, cleared by
    # the task that writes it (tasks.send_receipts).
    receipt_pending = models.BooleanField(_("receipt mail pending"), default=False)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    language_detected = models.CharField(max_length=2, choices=Language.choices, blank=True)

    received_at = models.DateTimeField(_("received"))
    registered_on = models.DateField(_("registration date"), db_index=True)
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    suggested_decision = models.CharField(max_length=16, choices=Decision.choices)
    suggested_reasons = models.JSONField(default=list, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decision_reasons = models.JSONField(_("reasons"), default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
        db_index=False,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    state_body = models.CharField(_("state body"), max_length=300, blank=True)
    related = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="repeated_by",
        verbose_name=_("earlier appeals on the same question"),
    )

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        db_index=False,
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals_to_execute",
    )
    to_management = models.BooleanField(_("sent to management"), default=False)

    needs_external_info = models.BooleanField(
        _("needs information from other bodies or an on-site inspection"), default=False
    )
    due_date = models.DateField(_("due"), db_index=True)
    due_date_unadjusted = models.DateField(_("due (unmoved)"))
    extended_at = models.DateTimeField(_("extended"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extended by, days"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for extension"), blank=True)
    extension_notice_due = models.DateField(_("extension notice due"), null=True, blank=True)
    extension_notice_sent_at = models.DateTimeField(
        _("extension notice sent"), null=True, blank=True
    )
    answered_on = models.DateField(_("answered"), null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="appeal_number_per_year"),
            # A constraint, not unique=True: that would add a second (LIKE) index, and every
            # index is paid for on every registration.
            models.UniqueConstraint(fields=["incoming_number"], name="appeal_incoming_number"),
        ]
        indexes = [
            # The control view's due sections (D-4): open appeals in due-date order.
            models.Index(
                fields=["due_date", "seq"],
                name="appeal_open_due",
                condition=models.Q(status__in=["registered", "accepted", "assigned"]),
            ),
            models.Index(fields=["department", "status", "due_date"]),
            models.Index(fields=["email", "registered_at"], name="appeal_email"),
            models.Index(fields=["phone", "registered_at"], name="appeal_phone"),
            # The repeat check (C-6) looks only at answered appeals of the same contact.
            *(
                models.Index(
                    fields=[f],
                    name=f"appeal_answered_{f}",
                    condition=models.Q(status="answered"),
                )
                for f in ("email", "phone", "org_name")
            ),
            models.Index(
                fields=["id"],
                name="appeal_receipt_pending",
                condition=models.Q(receipt_pending=True),
            ),
            # The control view (D-4): small partial indexes for its rare-row sections.
            models.Index(fields=["status", "registered_at"], name="appeal_status_registered"),
            models.Index(
                fields=["registered_at"],
                name="appeal_forward_now",
                condition=models.Q(status="registered", suggested_decision="forwarded"),
            ),
            models.Index(
                fields=["due_date"],
                name="appeal_extended",
                condition=models.Q(extension_days__isnull=False),
            ),
            models.Index(
                fields=["extension_notice_due"],
                name="appeal_notice_pending",
                condition=models.Q(
                    extension_days__isnull=False, extension_notice_sent_at__isnull=True
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.incoming_number

    @property
    def applicant_name(self) -> str:
        return applicant_name(self)

    @property
    def is_open(self) -> bool:
        return self.status in {Status.REGISTERED, Status.ACCEPTED, Status.ASSIGNED}


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"appeals/{instance.appeal.year}/{instance.appeal_id}/{instance.sha256[:16]}"


class Attachment(models.Model):
    """A file received with an appeal, kept under MEDIA_ROOT (outside the web root) and
    served only through a permission-checked view."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Answer(models.Model):
    """The registered answer (W-5): outgoing number, date, method, text in the appeal's
    language; a refusal carries its reasons."""

    appeal = models.OneToOneField(Appeal, on_delete=models.PROTECT, related_name="answer")
    outgoing_number = models.CharField(_("outgoing number"), max_length=20, unique=True)
    answered_on = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=16, choices=AnswerMethod.choices)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices)
    text = models.TextField(_("text"))
    consent_version = models.CharField(
        _("personal-data consent (text version)"), max_length=20, blank=True
    )
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    reasons = models.TextField(_("reasons for refusal"), blank=True)
    oral_by = models.CharField(_("answered orally by"), max_length=200, blank=True)
    oral_at = models.DateTimeField(_("answered orally at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.outgoing_number


class OutgoingCounter(YearCounter):
    """Outgoing numbers of registered answers (W-5)."""
