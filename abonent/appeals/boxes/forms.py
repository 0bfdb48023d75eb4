"""Forms of the box pages. The checks are the service's own (``services.clean_input``,
``checklist.run_checks``), so the page and the API refuse and flag the same things."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from abonent.appeals.attachments import Upload
from abonent.appeals.boxes import checklist, services
from abonent.appeals.codes import ApplicantType, Kind, Language
from abonent.appeals.forms import ApplicantForm, add_domain_error
from abonent.appeals.services import MAX_TEXT
from abonent.core.errors import DomainError


class TakeForm(ApplicantForm):
    """ "Take an appeal": the paper as it is, the operator's checklist, the box."""

    kind = forms.ChoiceField(label=_("Kind of appeal"), choices=Kind.choices)
    applicant_type = forms.ChoiceField(
        label=_("Applicant"), choices=ApplicantType.choices, initial=ApplicantType.INDIVIDUAL
    )
    language = forms.ChoiceField(
        label=_("Language of the appeal"),
        choices=[("", _("Detect from the text")), *Language.choices],
        required=False,
    )
    text = forms.CharField(
        label=_("Summary of the appeal"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the consumer asks for, in a few sentences."),
    )
    sheets = forms.IntegerField(
        label=_("Number of sheets"), min_value=1, max_value=services.MAX_SHEETS, initial=1
    )
    scan = forms.FileField(
        label=_("Scan (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG, up to 10 MB."),
    )
    accept_incomplete = forms.BooleanField(
        label=_("Put it in the box although it is incomplete (the consumer leaves it as it is)"),
        required=False,
    )

    field_order = [
        "kind",
        "applicant_type",
        "last_name",
        "first_name",
        "patronymic",
        "postal_address",
        "phone",
        "email",
        "org_name",
        "outgoing_number",
        "outgoing_date",
        "signed",
        "language",
        "text",
        "sheets",
        "scan",
        "accept_incomplete",
    ]

    def clean_scan(self) -> Upload | None:
        file: UploadedFile[bytes] | None = self.cleaned_data.get("scan")
        if not file:
            return None
        if (file.size or 0) > services.MAX_SCAN_SIZE:
            raise forms.ValidationError(_("At most 10 MB."))
        upload = Upload(name=file.name or "scan", content=file.read())
        try:
            services.check_scan(upload)
        except DomainError as err:
            raise forms.ValidationError(str(err.message)) from None
        return upload

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        if self.errors:
            return cd
        try:
            self.cleaned_data["box_input"] = services.clean_input(self._raw_input())
        except DomainError as err:
            add_domain_error(self, err)
        return cd

    def _raw_input(self) -> services.BoxInput:
        cd = self.cleaned_data
        return services.BoxInput(
            kind=cd["kind"],
            applicant_type=cd["applicant_type"],
            text=cd["text"],
            sheets=cd["sheets"],
            last_name=cd["last_name"],
            first_name=cd["first_name"],
            patronymic=cd["patronymic"],
            postal_address=cd["postal_address"],
            phone=cd["phone"],
            email=cd["email"],
            org_name=cd["org_name"],
            outgoing_number=cd["outgoing_number"],
            outgoing_date=cd["outgoing_date"],
            signed=cd["signed"],
            language=cd["language"],
        )

    def box_input(self) -> services.BoxInput:
        data: services.BoxInput = self.cleaned_data["box_input"]
        return data

    def checks(self) -> dict[str, bool]:
        """The checklist of what is typed so far, valid or not (for the live check)."""
        raw = self.data

        def text(name: str) -> str:
            return str(raw.get(name, "") or "")

        outgoing = self.cleaned_data.get("outgoing_date") if hasattr(self, "cleaned_data") else None
        paper = checklist.Paper(
            applicant_type=text("applicant_type") or ApplicantType.INDIVIDUAL,
            text=text("text"),
            last_name=text("last_name"),
            first_name=text("first_name"),
            postal_address=text("postal_address"),
            phone=text("phone"),
            email=text("email"),
            org_name=text("org_name"),
            outgoing_number=text("outgoing_number"),
            outgoing_date=outgoing if outgoing else None,
            signed=text("signed") in ("on", "true", "1"),
        )
        return checklist.run_checks(paper)


def check_rows(checks: dict[str, bool]) -> list[tuple[str, str, bool]]:
    return [(code, checklist.label(code), ok) for code, ok in checks.items()]


class CollectForm(forms.Form):
    """The selected items (checkboxes named ``items``). Any id is accepted here: whether it
    is still in a box is the service's decision (409 ``already_collected``)."""

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        raw = self.data.getlist("items") if hasattr(self.data, "getlist") else []
        if len(raw) > services.MAX_COLLECT:
            raise forms.ValidationError(_("Too many appeals at once."))
        try:
            cd["items"] = [int(v) for v in raw]
        except ValueError:
            raise forms.ValidationError(_("Unknown appeal.")) from None
        return cd
