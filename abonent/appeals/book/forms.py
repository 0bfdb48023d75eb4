"""Forms of the book's pages. They parse; the services check the book's rules, so the pages
and the API refuse the same things."""

from __future__ import annotations

import secrets
from datetime import datetime, time
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abonent.appeals.book import files, rules, services
from abonent.appeals.book.models import FileKind, Result, Source
from abonent.appeals.codes import AnswerMethod, Kind
from abonent.appeals.forms import CONSENT_VERSION, optional_text
from abonent.workdays.calendar import TIMEZONE

KIND_CHOICES = [(k.value, k.label) for k in services.KINDS]
STATE_CHOICES = [
    ("open", _("Under consideration")),
    ("with_result", _("With a result")),
    ("all", _("All")),
]


def new_token() -> str:
    """A one-time token for a form: the same token sent twice makes one entry."""
    return secrets.token_urlsafe(24)


def read_scan(upload: UploadedFile[bytes] | None) -> files.Scan | None:
    if upload is None:
        return None
    name = upload.name or "scan"
    files.check_size(name, upload.size or 0)  # before reading it into memory
    return files.Scan(name=name, content=upload.read())


class EntryForm(forms.Form):
    """The writer's fields: kind and text; everything about the writer is optional (B-2)."""

    kind = forms.ChoiceField(
        label=_("This is a"),
        choices=KIND_CHOICES,
        initial=Kind.COMPLAINT,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your complaint or suggestion"),
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    last_name = optional_text(_("Surname"), 150, "family-name")
    first_name = optional_text(_("Name"), 150, "given-name")
    phone = optional_text(_("Phone"), 32, "tel", inputmode="tel")
    postal_address = optional_text(_("Postal address"), 500, "street-address")
    email = optional_text(_("E-mail"), 254, "email", widget=forms.EmailInput)
    # Without one (a form from an old page), the entry is still taken, unprotected.
    token = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", new_token())

    def entry_input(self, **extra: Any) -> services.EntryInput:
        cd = self.cleaned_data
        return services.EntryInput(
            kind=cd["kind"],
            text=cd["text"],
            last_name=cd["last_name"],
            first_name=cd["first_name"],
            phone=cd["phone"],
            postal_address=cd["postal_address"],
            email=cd["email"],
            idempotency_key=cd["token"] or new_token(),
            **extra,
        )


CONTACT_FIELDS = ("last_name", "first_name", "phone", "postal_address", "email")


class KioskForm(EntryForm):
    """The public kiosk form (B-1, B-2). The writer's details stay optional; whoever leaves
    them agrees to their processing (W-8), and that consent is recorded with the entry."""

    consent = forms.BooleanField(
        label=_(
            "I agree to the processing of my personal data for the consideration of this "
            "appeal, as the Law of the Republic of Kazakhstan on personal data and their "
            "protection requires."
        ),
        required=False,
    )

    field_order = [
        "kind",
        "text",
        "last_name",
        "first_name",
        "phone",
        "postal_address",
        "email",
        "consent",
    ]

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        if any(cd.get(f) for f in CONTACT_FIELDS) and not cd.get("consent"):
            self.add_error(
                "consent",
                _(
                    "To leave your details, agree to their processing — or leave them empty: "
                    "an entry without them is considered too."
                ),
            )
        return cd

    def entry_input(self, **extra: Any) -> services.EntryInput:
        given = any(self.cleaned_data.get(f) for f in CONTACT_FIELDS)
        consent = CONSENT_VERSION if given and self.cleaned_data.get("consent") else ""
        return super().entry_input(consent_version=consent, **extra)


class PaperEntryForm(EntryForm):
    """An entry of the paper book, typed in by the responsible person or an operator."""

    written_on = forms.DateField(
        label=_("Date written"), widget=forms.DateInput(attrs={"type": "date"})
    )
    written_time = forms.TimeField(
        label=_("Time written"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("If the book gives no time, leave empty: 09:00 is assumed."),
    )
    page_scan = forms.FileField(
        label=_("Scanned page (PDF, JPEG or PNG)"), required=False, allow_empty_file=False
    )

    field_order = [
        "written_on",
        "written_time",
        "kind",
        "text",
        "last_name",
        "first_name",
        "phone",
        "postal_address",
        "email",
        "page_scan",
    ]

    def written_at(self) -> datetime:
        cd = self.cleaned_data
        moment = timezone.make_aware(
            datetime.combine(cd["written_on"], cd.get("written_time") or time(9, 0)), TIMEZONE
        )
        now = timezone.now()
        if cd.get("written_time") is None and cd["written_on"] == now.astimezone(TIMEZONE).date():
            moment = min(moment, now)  # today's entry typed in before 09:00
        return moment

    def entry_input(self, **extra: Any) -> services.EntryInput:
        return super().entry_input(
            source=Source.PAPER,
            written_at=self.written_at(),
            page_scan=read_scan(self.cleaned_data.get("page_scan")),
            **extra,
        )


class ResultForm(forms.Form):
    """The result of consideration (B-3..B-8, B-6)."""

    result = forms.ChoiceField(label=_("Result of consideration"), choices=Result.choices)
    measures = forms.CharField(
        label=_("Measures taken"),
        max_length=services.MAX_MEASURES,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("In the language of the entry: it is also the text of the answer."),
    )
    method = forms.ChoiceField(
        label=_("How the writer is answered"),
        choices=[(m.value, AnswerMethod(m).label) for m in rules.METHOD_ORDER],
    )
    reasons = forms.CharField(
        label=_("Reasons for refusal"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a refusal (B-7)."),
    )
    oral_by = forms.CharField(
        label=_("Answered orally by"),
        required=False,
        max_length=200,
        help_text=_("For an answer by phone; you, if empty."),
    )


class ScanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Scan of"), choices=FileKind.choices, initial=FileKind.ANSWER)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"), allow_empty_file=False)


class EntryFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Entries"), choices=STATE_CHOICES, required=False)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)
