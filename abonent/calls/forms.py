"""Forms of the contact centre's pages: the outcome of a call, callbacks, unit requests and
the supervisor's period. They parse; the services decide."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abonent.appeals.codes import ApplicantType, Kind
from abonent.calls.models import CallTopic, OutcomeKind
from abonent.calls.rules import EARLIEST_DAY, LATEST_DAY
from abonent.calls.services import PASS_TO, ComplaintInput, OutcomeInput
from abonent.core.models import Department

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=OutcomeKind.choices, widget=forms.RadioSelect
    )
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", "—"), *CallTopic.choices]
    )
    answer = forms.CharField(
        label=_("The answer given, or the request for the unit"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # callback (CC-6)
    callback_at = forms.DateTimeField(
        label=_("Call back at"),
        required=False,
        widget=_DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Mon-Fri 09:00-18:00, not on holidays."),
    )
    callback_to = forms.ChoiceField(
        label=_("Who calls back"),
        choices=[("me", _("Me")), ("pool", _("Any operator (the pool)"))],
        initial="me",
        required=False,
        widget=forms.RadioSelect,
    )
    # abuse (CC-7)
    warning_given = forms.BooleanField(
        label=_("I warned the caller that the call would be ended"), required=False
    )
    # passed (CC-1)
    department = forms.ChoiceField(label=_("Unit"), required=False, choices=[])
    # complaint (CC-8)
    complaint_kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Kind.COMPLAINT.value, Kind.COMPLAINT.label),
            (Kind.CLAIM.value, Kind.CLAIM.label),
        ],
        initial=Kind.COMPLAINT.value,
        required=False,
    )
    applicant_type = forms.ChoiceField(
        label=_("Applicant"),
        choices=ApplicantType.choices,
        initial=ApplicantType.INDIVIDUAL,
        required=False,
    )
    last_name = forms.CharField(label=_("Surname"), required=False, max_length=150)
    first_name = forms.CharField(label=_("Name"), required=False, max_length=150)
    patronymic = forms.CharField(label=_("Patronymic"), required=False, max_length=150)
    org_name = forms.CharField(label=_("Organisation"), required=False, max_length=300)
    postal_address = forms.CharField(label=_("Postal address"), required=False, max_length=500)
    phone = forms.CharField(
        label=_("Phone for the answer"),
        required=False,
        max_length=32,
        help_text=_("The caller's number when empty."),
    )
    email = forms.CharField(label=_("E-mail"), required=False, max_length=254)
    complaint_text = forms.CharField(
        label=_("Substance of the complaint"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    # Where the service's field names land on this form.
    FIELD_OF = {
        "complaint.kind": "complaint_kind",
        "complaint.text": "complaint_text",
        "complaint": "complaint_text",
        **{
            f"complaint.{n}": n
            for n in (
                "applicant_type",
                "last_name",
                "first_name",
                "patronymic",
                "org_name",
                "postal_address",
                "phone",
                "email",
            )
        },
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Department.objects.filter(code__in=PASS_TO).order_by("code")
        field = self.fields["department"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *((d.code, d.name) for d in units)]

    def clean_callback_at(self) -> datetime | None:
        value: datetime | None = self.cleaned_data.get("callback_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def to_input(self) -> OutcomeInput:
        cd = self.cleaned_data
        complaint = None
        if cd["outcome"] == OutcomeKind.COMPLAINT:
            complaint = ComplaintInput(
                kind=cd["complaint_kind"] or Kind.COMPLAINT,
                applicant_type=cd["applicant_type"] or ApplicantType.INDIVIDUAL,
                last_name=cd["last_name"],
                first_name=cd["first_name"],
                patronymic=cd["patronymic"],
                org_name=cd["org_name"],
                postal_address=cd["postal_address"],
                phone=cd["phone"],
                email=cd["email"],
                text=cd["complaint_text"],
            )
        return OutcomeInput(
            kind=cd["outcome"],
            topic=cd["topic"],
            answer=cd["answer"],
            callback_at=cd["callback_at"],
            callback_to_pool=cd["callback_to"] == "pool",
            warning_given=cd["warning_given"],
            department=cd["department"],
            complaint=complaint,
        )

    def add_service_errors(self, fields: dict[str, list[str]], message: str) -> None:
        if not fields:
            self.add_error(None, message)
        for name, messages in fields.items():
            target = self.FIELD_OF.get(name, name)
            for text in messages:
                self.add_error(target if target in self.fields else None, text)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


def bounded_date_field(label: Any) -> forms.DateField:
    """A day from 2000-01-01 to 2100-12-31: a filter naming year 1 or 9999 is a typo, and
    shifting such a day by a time zone overflows."""
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "min": EARLIEST_DAY.isoformat(), "max": LATEST_DAY.isoformat()}
        ),
        validators=[MinValueValidator(EARLIEST_DAY), MaxValueValidator(LATEST_DAY)],
    )


class PeriodForm(forms.Form):
    date_from = bounded_date_field(_("From"))
    date_to = bounded_date_field(_("To"))
