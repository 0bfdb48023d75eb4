"""Forms of the visit pages: they parse; services decide."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from abonent.visits.access import FIELD_STAFF
from abonent.visits.models import Outcome, Purpose
from abonent.workdays.calendar import TIMEZONE


def _employee_choices() -> list[tuple[str, str]]:
    from abonent.visits.queries import employee_name

    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=FIELD_STAFF)
        .select_related("profile")
        .distinct()
        .order_by("last_name", "username")
    )
    return [(u.get_username(), employee_name(u)) for u in users]


class WindowMixin(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time_from = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    time_to = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))

    def window(self) -> tuple[datetime, datetime]:
        d = self.cleaned_data
        return (
            datetime.combine(d["day"], d["time_from"], tzinfo=TIMEZONE),
            datetime.combine(d["day"], d["time_to"], tzinfo=TIMEZONE),
        )


class VisitForm(WindowMixin):
    address = forms.CharField(label=_("Address"), max_length=300)
    contact_name = forms.CharField(label=_("Contact person"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    language = forms.ChoiceField(
        label=_("Language of the notices"), choices=[("ru", "Русский"), ("kk", "Қазақша")]
    )
    account = forms.CharField(label=_("Account number"), max_length=20, required=False)
    appeal = forms.CharField(
        label=_("Appeal (incoming number)"),
        max_length=20,
        required=False,
        help_text=_("An on-site inspection on an appeal moves it to the 30-day term (D-2)."),
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)
    employees = forms.MultipleChoiceField(label=_("Employees"), widget=forms.CheckboxSelectMultiple)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    urgency_reason = forms.CharField(
        label=_("Reason for urgency"), max_length=1000, required=False, widget=forms.Textarea
    )
    print_letter = forms.BooleanField(label=_("Print a letter"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["employees"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = _employee_choices()


class RescheduleForm(WindowMixin):
    override_reason = forms.CharField(
        label=_("Reason for a late change (head only)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea,
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=2000)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the notice or the number of the service ID"),
        max_length=50,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "verify-input",
            }
        ),
    )
