"""Forms of the reception pages. The phone sign-up reuses the registry's applicant fields
and the API's contact normalisation, so the page and the API refuse the same things."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from abonent.appeals import services as appeal_services
from abonent.appeals.api import _clean_contacts
from abonent.appeals.codes import ApplicantType, Channel, Kind, Language, Outcome
from abonent.appeals.forms import APPLICANT_FIELDS, ApplicantForm, add_domain_error
from abonent.appeals.reception.models import Attendance, ReceptionOfficial
from abonent.core.errors import DomainError

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfficialChoiceField(forms.ModelChoiceField[ReceptionOfficial]):
    def label_from_instance(self, obj: ReceptionOfficial) -> str:
        return f"{obj.full_name} — {obj.position}"


class BoardFilterForm(forms.Form):
    official = OfficialChoiceField(
        queryset=ReceptionOfficial.objects.filter(is_active=True),
        required=False,
        label=_("Official"),
        empty_label=_("— all —"),
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)


class WrittenBookingForm(forms.Form):
    """(a) The consumer's appeal is already in the journal: find it by its number."""

    source = forms.CharField(widget=forms.HiddenInput, initial="written")
    incoming_number = forms.CharField(
        label=_("Incoming number of the appeal"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "2026-000123", "autocomplete": "off"}),
    )
    by_phone = forms.BooleanField(
        label=_("The consumer signed up by phone (mark “accepted by phone”)"),
        required=False,
    )


class PhoneBookingForm(ApplicantForm):
    """(b) A phone call: the caller's data and question become a new appeal with the
    channel "personal reception", registered together with the booking."""

    source = forms.CharField(widget=forms.HiddenInput, initial="phone")
    applicant_type = forms.ChoiceField(
        label=_("Applicant"),
        choices=[
            (ApplicantType.INDIVIDUAL.value, ApplicantType.INDIVIDUAL.label),
            (ApplicantType.LEGAL_ENTITY.value, ApplicantType.LEGAL_ENTITY.label),
        ],
        initial=ApplicantType.INDIVIDUAL,
    )
    kind = forms.ChoiceField(label=_("Kind of appeal"), choices=Kind.choices)
    language = forms.ChoiceField(
        label=_("Language of the consumer"),
        choices=[("", _("Detect from the text")), *Language.choices],
        required=False,
    )
    text = forms.CharField(
        label=_("The caller's question"),
        max_length=appeal_services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    field_order = ["source", "applicant_type", *APPLICANT_FIELDS, "kind", "language", "text"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("outgoing_number", "outgoing_date", "signed"):
            del self.fields[name]  # a phone call has no letter

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        if not cd.get("applicant_type"):
            return cd
        try:
            email, phone = _clean_contacts(self.applicant_in(cd["applicant_type"]))
        except DomainError as err:
            add_domain_error(self, err)
            return cd
        cd["email"], cd["phone"] = email, phone
        return cd

    def caller_input(self) -> appeal_services.AppealInput:
        cd = self.cleaned_data
        return appeal_services.AppealInput(
            channel=Channel.PERSONAL_RECEPTION,
            kind=cd["kind"],
            text=cd["text"],
            applicant_type=cd["applicant_type"],
            last_name=cd["last_name"].strip(),
            first_name=cd["first_name"].strip(),
            patronymic=cd["patronymic"].strip(),
            org_name=cd["org_name"].strip(),
            postal_address=cd["postal_address"].strip(),
            phone=cd["phone"],
            email=cd["email"],
            language=cd["language"] or None,
        )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class OutcomeForm(forms.Form):
    attendance = forms.ChoiceField(
        label=_("The consumer"), choices=Attendance.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Outcome of the reception"),
        max_length=appeal_services.MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "When the matter is closed, this text is registered as the answer given in "
            "person: write it in the language of the appeal."
        ),
    )
    close_as = forms.ChoiceField(
        label=_("Close the appeal with the answer"),
        choices=[("", _("— no, the appeal stays open —")), *Outcome.choices],
        required=False,
    )
    reasons = forms.CharField(
        label=_("Reasons for refusal"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
