"""The complaint and suggestion book (B-1..B-8), kept electronically per office. Every entry
is also an appeal of the incoming journal (K-3); the book adds its own gapless numbering,
the result of consideration and the recorder's "signature" (B-6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abonent.appeals.models import Answer, Appeal
from abonent.core.models import Office, localized


class Result(models.TextChoices):
    """The result of consideration recorded in the book (B-6); ``not_subject`` is B-4."""

    SATISFIED = "satisfied", _("Satisfied")
    PARTIALLY_SATISFIED = "partially_satisfied", _("Partially satisfied")
    REFUSED = "refused", _("Refused")
    EXPLAINED = "explained", _("Explained")
    NOT_SUBJECT = "not_subject", _("Not subject to mandatory consideration")


class Source(models.TextChoices):
    KIOSK = "kiosk", _("Written at the kiosk")
    PAPER = "paper", _("Paper book, typed in by staff")


class FileKind(models.TextChoices):
    PAGE = "page", _("Scanned page of the paper book")
    ANSWER = "answer", _("Scanned copy of the answer")


class ComplaintBook(models.Model):
    """One book per office (B-1), where consumers can reach it, with its responsible person."""

    office = models.OneToOneField(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="complaint_book"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint_books",
    )
    location_ru = models.CharField(_("where it is kept (Russian)"), max_length=300)
    location_kk = models.CharField(_("where it is kept (Kazakh)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("complaint and suggestion book")
        verbose_name_plural = _("complaint and suggestion books")
        ordering = ["office__ordering", "office__code"]

    def __str__(self) -> str:
        return str(self.office)

    @property
    def location(self) -> str:
        return localized(self.location_ru, self.location_kk)


class BookCounter(models.Model):
    """The last entry number of a book in a calendar year: the increment commits or rolls
    back with the entry that takes it, so numbers are gapless."""

    book = models.ForeignKey(ComplaintBook, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["book", "year"], name="book_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.book_id}/{self.year}: {self.last}"


class BookEntryQuerySet(models.QuerySet["BookEntry"]):
    def open(self) -> BookEntryQuerySet:
        return self.filter(result="")

    def with_result(self) -> BookEntryQuerySet:
        return self.exclude(result="")

    def in_state(self, state: str) -> BookEntryQuerySet:
        """``open``, ``with_result`` or anything else for all."""
        if state == "open":
            return self.open()
        if state == "with_result":
            return self.with_result()
        return self


class BookEntry(models.Model):
    book = models.ForeignKey(
        ComplaintBook, verbose_name=_("book"), on_delete=models.PROTECT, related_name="entries"
    )
    appeal = models.OneToOneField(
        Appeal, verbose_name=_("appeal"), on_delete=models.PROTECT, related_name="book_entry"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number in the book"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    typed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("typed in by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written"))
    idempotency_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    # The result of consideration (B-3, B-4, B-6).
    result = models.CharField(_("result"), max_length=24, choices=Result.choices, blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    result_date = models.DateField(_("date of consideration"), null=True, blank=True)
    answer = models.OneToOneField(
        Answer,
        verbose_name=_("registered answer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="book_entry",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The "signature" (B-6): copied at recording time, so a later change of name or post
    # does not rewrite the book.
    recorder_surname = models.CharField(_("recorder's surname"), max_length=150, blank=True)
    recorder_position = models.CharField(_("recorder's position"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    objects = BookEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("book entry")
        verbose_name_plural = _("book entries")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "year", "number"], name="book_entry_number_per_year"
            ),
            models.UniqueConstraint(
                fields=["book", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="book_entry_idempotency_key",
            ),
            models.CheckConstraint(
                condition=models.Q(result="")
                | models.Q(
                    recorded_by__isnull=False,
                    result_date__isnull=False,
                    recorded_at__isnull=False,
                ),
                name="book_entry_result_has_recorder",
            ),
        ]
        indexes = [models.Index(fields=["book", "result", "year", "number"])]

    def __str__(self) -> str:
        return f"{self.book} {self.year}/{self.number}"

    @property
    def has_result(self) -> bool:
        return bool(self.result)


def entry_file_path(instance: EntryFile, filename: str) -> str:
    return f"book/{instance.entry.year}/{instance.entry_id}/{instance.kind}-{instance.sha256[:16]}"


class EntryFile(models.Model):
    """A scan kept with an entry: the paper page, or the copy of the answer (B-5). Stored
    under MEDIA_ROOT (outside the web root) and served only through a permission check."""

    entry = models.ForeignKey(BookEntry, on_delete=models.PROTECT, related_name="files")
    kind = models.CharField(_("kind"), max_length=8, choices=FileKind.choices)
    file = models.FileField(upload_to=entry_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
