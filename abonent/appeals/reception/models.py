"""Personal reception with management (K-7, W-7): the officials who receive citizens, their
published weekly hours, the slots generated from those hours on working days, and the
bookings of those slots on an appeal ("С приема", "принято по телефону")."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abonent.appeals.models import Appeal
from abonent.core.models import Department, localized

MIN_SLOT_MINUTES = 5
MAX_SLOT_MINUTES = 240


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Source(models.TextChoices):
    """How the consumer signed up (K-7)."""

    WRITTEN = "written", _("Written appeal at the Chancellery")
    PHONE = "phone", _("By phone")


class Attendance(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


class Mark(models.TextChoices):
    """The stamps on the appeal's registration card (K-7)."""

    FROM_RECEPTION = "from_reception", _("From reception")
    BY_PHONE = "by_phone", _("accepted by phone")


class ReceptionOfficial(models.Model):
    """A deputy general director or a head of a unit (РСП) who receives citizens."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reception_officials",
    )
    full_name = models.CharField(_("full name"), max_length=200)
    position_ru = models.CharField(_("position (Russian)"), max_length=200)
    position_kk = models.CharField(_("position (Kazakh)"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reception official")
        verbose_name_plural = _("reception officials")
        ordering = ["ordering", "full_name", "id"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def position(self) -> str:
        return localized(self.position_ru, self.position_kk)


class ReceptionHours(models.Model):
    """One line of the published schedule (W-7): a weekday, from–to, the slot length and
    the place. Data an administrator edits; slots are generated from it."""

    official = models.ForeignKey(
        ReceptionOfficial,
        verbose_name=_("official"),
        on_delete=models.CASCADE,
        related_name="hours",
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))
    slot_minutes = models.PositiveSmallIntegerField(_("slot length, minutes"), default=20)
    place_ru = models.CharField(_("place (Russian)"), max_length=300)
    place_kk = models.CharField(_("place (Kazakh)"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reception hours")
        verbose_name_plural = _("reception hours")
        ordering = ["official", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts__lt=models.F("ends")), name="reception_hours_in_order"
            ),
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=MIN_SLOT_MINUTES, slot_minutes__lte=MAX_SLOT_MINUTES),
                name="reception_slot_length",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.official}: {self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"
        )

    @property
    def place(self) -> str:
        return localized(self.place_ru, self.place_kk)

    def clean(self) -> None:
        if self.starts is not None and self.ends is not None and self.starts >= self.ends:
            raise ValidationError(_("The reception must end after it starts."))
        if not MIN_SLOT_MINUTES <= (self.slot_minutes or 0) <= MAX_SLOT_MINUTES:
            raise ValidationError(
                {
                    "slot_minutes": _("Between %(a)s and %(b)s minutes.")
                    % {"a": MIN_SLOT_MINUTES, "b": MAX_SLOT_MINUTES}
                }
            )


class SlotQuerySet(models.QuerySet["ReceptionSlot"]):
    def free(self) -> SlotQuerySet:
        return self.filter(is_open=True).exclude(
            Exists(Booking.objects.active().filter(slot_id=OuterRef("pk")))
        )


class ReceptionSlot(models.Model):
    """One reception time, generated from the hours on a working day. A slot the hours no
    longer produce but that was booked once is kept closed (``is_open`` false)."""

    official = models.ForeignKey(
        ReceptionOfficial,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="slots",
    )
    hours = models.ForeignKey(
        ReceptionHours,
        verbose_name=_("reception hours"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="slots",
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place_ru = models.CharField(_("place (Russian)"), max_length=300)
    place_kk = models.CharField(_("place (Kazakh)"), max_length=300, blank=True)
    is_open = models.BooleanField(_("open for booking"), default=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("reception slot")
        verbose_name_plural = _("reception slots")
        ordering = ["starts_at", "official"]
        constraints = [
            models.UniqueConstraint(fields=["official", "starts_at"], name="reception_slot_once"),
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="reception_slot_in_order"
            ),
        ]
        indexes = [models.Index(fields=["starts_at"], name="reception_slot_starts")]

    def __str__(self) -> str:
        return f"{self.official} {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    @property
    def place(self) -> str:
        return localized(self.place_ru, self.place_kk)

    @property
    def in_past(self) -> bool:
        return self.starts_at <= timezone.now()


class BookingQuerySet(models.QuerySet["Booking"]):
    def active(self) -> BookingQuerySet:
        return self.filter(cancelled_at__isnull=True)


class Booking(models.Model):
    """A consumer signed up for a slot on an appeal (K-7). The slot is taken while the
    booking is not cancelled: the partial unique constraint makes a double booking
    impossible even when two desks book at the same moment."""

    slot = models.ForeignKey(
        ReceptionSlot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="bookings"
    )
    appeal = models.ForeignKey(
        Appeal,
        verbose_name=_("appeal"),
        on_delete=models.PROTECT,
        related_name="reception_bookings",
    )
    source = models.CharField(_("signed up"), max_length=8, choices=Source.choices)
    mark_from_reception = models.BooleanField(_('stamp "From reception"'), default=True)
    mark_by_phone = models.BooleanField(_('marked "accepted by phone"'), default=False)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_at = models.DateTimeField(_("booked"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    attendance = models.CharField(
        _("attendance"), max_length=8, choices=Attendance.choices, blank=True
    )
    outcome_text = models.TextField(_("outcome of the reception"), blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("outcome recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    outcome_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("reception booking")
        verbose_name_plural = _("reception bookings")
        ordering = ["-booked_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(cancelled_at__isnull=True),
                name="reception_slot_booked_once",
            ),
            # One pending reception per appeal; after it took place another may follow.
            models.UniqueConstraint(
                fields=["appeal"],
                condition=Q(cancelled_at__isnull=True, attendance=""),
                name="reception_one_pending_per_appeal",
            ),
            models.CheckConstraint(
                condition=Q(mark_from_reception=True), name="reception_stamp_always"
            ),
            models.CheckConstraint(
                condition=Q(source="phone", mark_by_phone=True)
                | Q(source="written", mark_by_phone=False),
                name="reception_phone_mark_matches_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal} → {self.slot}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None

    @property
    def marks(self) -> list[Mark]:
        out = [Mark.FROM_RECEPTION] if self.mark_from_reception else []
        if self.mark_by_phone:
            out.append(Mark.BY_PHONE)
        return out
