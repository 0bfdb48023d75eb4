"""The public website's content (W-7, W-8): pages, questions and answers, documents, tariffs
and vacancies, in Russian and Kazakh, edited by staff in the admin without a deploy.

Texts are "Markdown-lite" (see :mod:`abonent.portal.markup`): the site escapes everything
staff type and knows only paragraphs, headings, lists, bold and links, so no HTML can be
injected through the admin."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from abonent.core.models import localized

# Files a visitor may open safely: no HTML, SVG or scripts (they would run on our origin).
DOCUMENT_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "odt",
    "ods",
    "rtf",
    "txt",
    "jpg",
    "png",
]
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class Section(models.TextChoices):
    """The website's sections (W-7); the value is the section's URL path."""

    INTERNET_RECEPTION = "internet-reception", _("Internet reception")
    INDIVIDUALS = "individuals", _("For individuals")
    LEGAL_ENTITIES = "legal-entities", _("For legal entities")
    TARIFFS = "tariffs", _("Tariffs")
    COMMON_HOUSE = "common-house-needs", _("Common-house needs")
    MANAGEMENT_RECEPTION = "management-reception", _("Reception of citizens by management")
    LEGAL = "legal", _("Legal documents")
    CONTACTS = "contacts", _("Contacts and service centres")
    VACANCIES = "vacancies", _("Vacancies")
    FAQ = "faq", _("Questions and answers")
    PAYMENT = "payment", _("Bank details for payments")
    SUPPLIERS = "suppliers", _("For suppliers and contractors")
    GENERAL = "about", _("About the website")


class Published(models.Model):
    is_published = models.BooleanField(_("published"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Page(Published):
    """A text page. The page whose slug is a section's value is that section's introduction;
    other pages are shown at /pages/<slug>/ and listed in their section."""

    slug = models.SlugField(_("address (slug)"), max_length=80, unique=True)
    section = models.CharField(_("section"), max_length=32, choices=Section.choices)
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200, blank=True)
    body_ru = models.TextField(
        _("text (Russian)"),
        blank=True,
        help_text=_(
            "Paragraphs separated by an empty line; '## ' starts a heading, '- ' a list item, "
            "'1. ' a numbered item; **bold**; links as [text](https://...) or [text](/path/). "
            "HTML is shown as text."
        ),
    )
    body_kk = models.TextField(_("text (Kazakh)"), blank=True)

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["section", "position", "slug"]

    def __str__(self) -> str:
        return self.title_ru

    def get_absolute_url(self) -> str:
        return reverse("portal:page", kwargs={"slug": self.slug})

    @property
    def title(self) -> str:
        return localized(self.title_ru, self.title_kk)

    @property
    def body(self) -> str:
        return localized(self.body_ru, self.body_kk)

    @property
    def is_section_intro(self) -> bool:
        return self.slug == self.section


class FaqEntry(Published):
    """A question with its answer (Q-1, W-7 "questions and answers")."""

    section = models.CharField(_("section"), max_length=32, choices=Section.choices)
    question_ru = models.CharField(_("question (Russian)"), max_length=300)
    question_kk = models.CharField(_("question (Kazakh)"), max_length=300, blank=True)
    answer_ru = models.TextField(_("answer (Russian)"))
    answer_kk = models.TextField(_("answer (Kazakh)"), blank=True)
    # Both languages case-folded (and ё read as е), kept by save(): a case-insensitive search
    # that also works for Cyrillic on SQLite, whose LIKE folds only ASCII letters.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")
        ordering = ["section", "position", "id"]

    def __str__(self) -> str:
        return self.question_ru

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = (
            "\n".join([self.question_ru, self.question_kk, self.answer_ru, self.answer_kk])
            .casefold()
            .replace("ё", "е")
        )
        super().save(*args, **kwargs)

    @property
    def question(self) -> str:
        return localized(self.question_ru, self.question_kk)

    @property
    def answer(self) -> str:
        return localized(self.answer_ru, self.answer_kk)


def _check_size(f: object) -> None:
    size = getattr(f, "size", 0) or 0
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."))


class Document(Published):
    """A published document with its date (W-8 openness): a file in Russian and, when there
    is one, its Kazakh version."""

    section = models.CharField(_("section"), max_length=32, choices=Section.choices)
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300, blank=True)
    file = models.FileField(
        _("file (Russian)"),
        upload_to="portal/documents/",
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS), _check_size],
    )
    file_kk = models.FileField(
        _("file (Kazakh)"),
        upload_to="portal/documents/",
        blank=True,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS), _check_size],
    )
    published_on = models.DateField(_("published on"), default=date.today)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["section", "position", "-published_on", "id"]

    def __str__(self) -> str:
        return self.title_ru

    def get_absolute_url(self) -> str:
        return reverse("portal:document-file", kwargs={"pk": self.pk})

    @property
    def title(self) -> str:
        return localized(self.title_ru, self.title_kk)

    def file_for(self, language: str) -> models.fields.files.FieldFile:
        return self.file_kk if language == "kk" and self.file_kk else self.file

    def extension(self, language: str) -> str:
        return os.path.splitext(self.file_for(language).name or "")[1].lstrip(".").upper()


class ConsumerGroup(models.TextChoices):
    HOUSEHOLDS = "households", _("Households")
    LEGAL_ENTITIES = "legal_entities", _("Legal entities")
    BUDGET = "budget", _("Budget organisations")


class Unit(models.TextChoices):
    KWH = "kwh", _("tenge per kWh")
    GCAL = "gcal", _("tenge per Gcal")
    M2 = "m2", _("tenge per m² a month")
    M3 = "m3", _("tenge per m³")


class Tariff(models.Model):
    """A tariff as data, with the dates it is in force (W-7 "tariffs")."""

    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    group = models.CharField(_("consumer group"), max_length=32, choices=ConsumerGroup.choices)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    price = models.DecimalField(
        _("price, tenge (with VAT)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    effective_from = models.DateField(_("in force from"))
    effective_until = models.DateField(_("in force until"), null=True, blank=True)
    basis_ru = models.CharField(_("basis (Russian)"), max_length=300, blank=True)
    basis_kk = models.CharField(_("basis (Kazakh)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["group", "position", "-effective_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_until__gte=models.F("effective_from")),
                name="portal_tariff_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name_ru} ({self.effective_from:%d.%m.%Y})"

    @property
    def name(self) -> str:
        return localized(self.name_ru, self.name_kk)

    @property
    def basis(self) -> str:
        return localized(self.basis_ru, self.basis_kk)

    def clean(self) -> None:
        if (
            self.effective_until
            and self.effective_from
            and self.effective_until < self.effective_from
        ):
            raise ValidationError(
                {"effective_until": _("A tariff cannot end before it comes into force.")}
            )


class Vacancy(models.Model):
    title_ru = models.CharField(_("title (Russian)"), max_length=200)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200, blank=True)
    body_ru = models.TextField(_("duties and requirements (Russian)"))
    body_kk = models.TextField(_("duties and requirements (Kazakh)"), blank=True)
    published_on = models.DateField(_("published on"), default=date.today)
    closes_on = models.DateField(_("applications until"), null=True, blank=True)
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        ordering = ["-published_on", "id"]

    def __str__(self) -> str:
        return self.title_ru

    @property
    def title(self) -> str:
        return localized(self.title_ru, self.title_kk)

    @property
    def body(self) -> str:
        return localized(self.body_ru, self.body_kk)
