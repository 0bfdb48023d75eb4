"""Organisation as data (ORG-1..ORG-5): offices, departments, windows, services, schedules,
staff profiles, API tokens and the append-only audit log."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from abonent.core import hours


def localized(ru: str, kk: str) -> str:
    """Staff-entered text in the reader's language: Kazakh when there is one, else Russian."""
    return kk if get_language() == "kk" and kk else ru


class LocalizedNameMixin(models.Model):
    """Names entered by staff in both languages; shown in the reader's language."""

    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_ru, self.name_kk)


class OfficeKind(models.TextChoices):
    CENTRAL_OFFICE = "central_office", _("Central office")
    SERVICE_CENTER = "service_center", _("Service centre")


class Segment(models.TextChoices):
    """Who an office serves (ORG-5)."""

    LEGAL_ENTITIES = "legal_entities", _("Legal entities")
    HOUSEHOLDS = "households", _("Households (multi-apartment housing and private sector)")
    ALL = "all", _("All consumers")


class Office(LocalizedNameMixin):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OfficeKind.choices)
    segment = models.CharField(_("serves"), max_length=32, choices=Segment.choices)
    address_ru = models.CharField(_("address (Russian)"), max_length=300)
    address_kk = models.CharField(_("address (Kazakh)"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    has_queue = models.BooleanField(_("has electronic queue equipment"), default=True)
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["ordering", "code"]

    @property
    def address(self) -> str:
        return localized(self.address_ru, self.address_kk)


class Department(LocalizedNameMixin):
    """Units that answer questions (ORG-3)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )
    phone = models.CharField(_("phone"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    office = models.ForeignKey(
        Office, verbose_name=_("office"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]


class Service(LocalizedNameMixin):
    """A question a consumer comes with at an office (a queue at the kiosk)."""

    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="services"
    )
    code = models.SlugField(_("code"), max_length=32)
    letter = models.CharField(_("ticket letter"), max_length=2)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["office", "ordering", "code"]
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="service_code_per_office"),
            models.UniqueConstraint(fields=["office", "letter"], name="service_letter_per_office"),
        ]


class Window(models.Model):
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.CASCADE, related_name="windows"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(_("label"), max_length=100, blank=True)
    services = models.ManyToManyField(
        Service, verbose_name=_("services"), blank=True, related_name="windows"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["office", "number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="window_number_per_office")
        ]

    def __str__(self) -> str:
        return f"{self.office.code} / {self.number}"


def _exactly_one_of(*fields: str) -> models.Q:
    condition = models.Q()
    for chosen in fields:
        condition |= models.Q(
            **{f"{f}__isnull": f != chosen for f in fields}  # type: ignore[arg-type]
        )
    return condition


class Schedule(models.Model):
    """Weekly opening hours with breaks, for exactly one of: an office, a service, a window
    (its sliding lunch) or a department (the contact centre, the contract department)."""

    office = models.OneToOneField(
        Office, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("office")
    )
    service = models.OneToOneField(
        Service, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("service")
    )
    window = models.OneToOneField(
        Window, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("window")
    )
    department = models.OneToOneField(
        Department, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("department")
    )
    rules = models.TextField(
        _("weekly rules"),
        help_text=_(
            "One rule per line, e.g. 'mon-fri 09:00-18:00 break 13:00-14:00', "
            "'sat 09:00-13:00', 'last_sun 09:00-13:00'."
        ),
    )
    open_on_non_working_days = models.BooleanField(
        _("open on public holidays and days off"), default=False
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_of("office", "service", "window", "department"),
                name="schedule_has_exactly_one_owner",
            )
        ]

    def __str__(self) -> str:
        owner = self.office or self.service or self.window or self.department
        return f"{owner}"

    def clean(self) -> None:
        owners = [self.office_id, self.service_id, self.window_id, self.department_id]
        if sum(o is not None for o in owners) != 1:
            raise ValidationError(
                _("A schedule belongs to exactly one office, service, window or department.")
            )
        try:
            hours.parse_rules(self.rules)
        except hours.HoursSyntaxError as exc:
            raise ValidationError({"rules": str(exc)}) from exc

    def as_hours(self) -> hours.Hours:
        exceptions = tuple(e.as_exception() for e in self.exceptions.all())
        return hours.Hours(
            rules=hours.parse_rules(self.rules),
            exceptions=exceptions,
            open_on_non_working_days=self.open_on_non_working_days,
        )


class ScheduleException(models.Model):
    """A dated exception: a closed day, or special hours (also on a holiday)."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="exceptions")
    day = models.DateField(_("date"))
    closed = models.BooleanField(_("closed"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("schedule exception")
        verbose_name_plural = _("schedule exceptions")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "day"], name="one_exception_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.note}".strip()

    def clean(self) -> None:
        if not self.closed and (
            self.opens is None or self.closes is None or self.opens >= self.closes
        ):
            raise ValidationError(_("An open day needs opening and closing times, in order."))

    def as_exception(self) -> hours.DateException:
        return hours.DateException(
            day=self.day,
            closed=self.closed,
            opens=self.opens,
            closes=self.closes,
            note=self.note,
        )


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    employee_number = models.CharField(_("service ID number"), max_length=50, blank=True)
    office = models.ForeignKey(
        Office, verbose_name=_("office"), null=True, blank=True, on_delete=models.SET_NULL
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.SET_NULL
    )
    window = models.ForeignKey(
        Window, verbose_name=_("window"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return self.full_name or self.user.get_username()

    @property
    def full_name(self) -> str:
        parts = [self.user.last_name, self.user.first_name, self.patronymic]
        return " ".join(p for p in parts if p)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def for_raw(self, raw: str) -> ApiTokenQuerySet:
        return self.filter(key_hash=hash_token(raw))


class ApiToken(models.Model):
    """A bearer token for staff tools and integrations. Only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def generate() -> tuple[str, str]:
        raw = "abn_" + secrets.token_urlsafe(32)
        return raw, hash_token(raw)


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")

    def for_object(self, obj: models.Model) -> AuditQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEntry(models.Model):
    """Who did what to which object, with the state before and after. Never edited."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            # Mail intake looks up processed Message-IDs (short notes) among these rows only.
            models.Index(
                fields=["note"],
                name="audit_mail_ingested",
                condition=models.Q(action="appeal.mail_ingested"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")
