"""Service-centre boxes (K-6): a paper appeal taken by a service-centre operator waits in the
centre's "Box" until a Chancellery employee collects it and registers it (K-3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abonent.appeals.boxes import checklist
from abonent.appeals.codes import ApplicantType, Kind, Language
from abonent.appeals.models import Appeal, YearCounter, applicant_name
from abonent.core.models import Office


class ItemStatus(models.TextChoices):
    IN_BOX = "in_box", _("In the box")
    COLLECTED = "collected", _("Collected")


class BoxCounter(models.Model):
    """The last box number of a centre in a year; taken with its row locked, so numbers of
    one box are gapless."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "year"], name="box_counter_office_year")
        ]

    def __str__(self) -> str:
        return f"{self.office_id}/{self.year}: {self.last}"


class CollectionCounter(YearCounter):
    """Numbers of the Chancellery's collections (acts), gapless per year."""


class Collection(models.Model):
    """One sitting of the Chancellery emptying the boxes: its items went out together and
    are listed in one act."""

    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("number in the year"))
    number = models.CharField(_("number"), max_length=20)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    collected_at = models.DateTimeField(_("collected at"), default=timezone.now)

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["-collected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="box_collection_number_per_year"),
            models.UniqueConstraint(fields=["number"], name="box_collection_number"),
        ]

    def __str__(self) -> str:
        return self.number


def scan_path(instance: BoxItem, filename: str) -> str:
    return f"boxes/{instance.taken_at:%Y}/{instance.office_id}/{instance.scan_sha256[:16]}"


class BoxItemQuerySet(models.QuerySet["BoxItem"]):
    def in_box(self) -> BoxItemQuerySet:
        return self.filter(status=ItemStatus.IN_BOX)


class BoxItem(models.Model):
    """A paper appeal in a service centre's box, with what the operator checked (K-2)."""

    office = models.ForeignKey(
        Office, verbose_name=_("service centre"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("number in the box"))
    box_number = models.CharField(_("box number"), max_length=40)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("taken at"))

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    applicant_type = models.CharField(_("applicant"), max_length=16, choices=ApplicantType.choices)
    last_name = models.CharField(_("surname"), max_length=150, blank=True)
    first_name = models.CharField(_("name"), max_length=150, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    postal_address = models.CharField(_("postal address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    org_name = models.CharField(_("organisation"), max_length=300, blank=True)
    outgoing_number = models.CharField(_("outgoing number"), max_length=64, blank=True)
    outgoing_date = models.DateField(_("outgoing date"), null=True, blank=True)
    signed = models.BooleanField(_("signed"), default=False)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, blank=True)
    text = models.TextField(_("summary of the appeal"))
    sheets = models.PositiveSmallIntegerField(_("sheets"))

    scan = models.FileField(_("scan"), upload_to=scan_path, max_length=300, blank=True)
    scan_name = models.CharField(_("scan file name"), max_length=255, blank=True)
    scan_type = models.CharField(max_length=100, blank=True)
    scan_size = models.PositiveIntegerField(null=True, blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)

    checks = models.JSONField(_("completeness checks"), default=dict)
    complete = models.BooleanField(_("complete"))
    accepted_incomplete = models.BooleanField(_("put in although incomplete"), default=False)

    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.IN_BOX
    )
    collection = models.ForeignKey(
        Collection,
        verbose_name=_("collection"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    appeal = models.OneToOneField(
        Appeal,
        verbose_name=_("registered appeal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="box_item",
    )

    objects = BoxItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("box item")
        verbose_name_plural = _("box items")
        ordering = ["taken_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "seq"], name="box_item_number"),
            models.CheckConstraint(
                condition=models.Q(status="in_box", collection__isnull=True, appeal__isnull=True)
                | models.Q(status="collected", collection__isnull=False),
                name="box_item_status_collection",
            ),
        ]
        indexes = [
            # What the boxes hold now: the Chancellery's list and each centre's box.
            models.Index(
                fields=["office", "taken_at"],
                name="box_item_in_box",
                condition=models.Q(status="in_box"),
            ),
        ]

    def __str__(self) -> str:
        return self.box_number

    @property
    def applicant_name(self) -> str:
        return applicant_name(self)

    @property
    def check_results(self) -> list[tuple[str, bool]]:
        """The checklist in the paper's order (PostgreSQL's jsonb keeps no key order)."""
        return checklist.in_order(self.checks)

    @property
    def failed_checks(self) -> list[str]:
        return [code for code, ok in self.check_results if not ok]
