"""Forms of the registry's pages. They parse and check input; the K-2 rules and the contact
normalisation are the API's own functions, so the page and the API refuse the same things."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as PydanticValidationError

from abonent.appeals import api, services
from abonent.appeals.attachments import MAX_FILES, Upload, check_uploads
from abonent.appeals.codes import (
    AnswerMethod,
    ApplicantType,
    Channel,
    Decision,
    Kind,
    Language,
    Outcome,
    Reason,
    Status,
)
from abonent.appeals.models import Topic
from abonent.core.errors import DomainError
from abonent.core.models import Department, Office
from abonent.core.roles import Role
from abonent.workdays.calendar import TIMEZONE
from abonent.workdays.services import get_terms_policy

# The version of the personal-data consent text the public form shows. Bump it whenever the
# wording changes, so a stored acceptance can name the text that was accepted.
CONSENT_VERSION = "2026-11-1"
STAFF_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.WEB]
PUBLIC_APPLICANT_TYPES = [
    (ApplicantType.INDIVIDUAL.value, ApplicantType.INDIVIDUAL.label),
    (ApplicantType.LEGAL_ENTITY.value, ApplicantType.LEGAL_ENTITY.label),
]
APPLICANT_FIELDS = (
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
)


def field_messages(key: str, messages: Sequence[str]) -> list[str]:
    """Field messages of a domain error in the reader's words: a list of reason codes (the
    service names the reasons that fit) becomes their labels."""
    out = []
    for message in messages:
        parts = [p.strip() for p in message.split(",")]
        if key == "reasons" and parts and all(p in Reason.values for p in parts):
            out.append(", ".join(str(Reason(p).label) for p in parts))
        else:
            out.append(message)
    return out


# Fields a service names that the forms spell differently.
FIELD_ALIASES = {"received_at": "received_time"}


def add_domain_error(form: forms.Form, err: DomainError) -> None:
    """Show a refusal of a service on the form: its message on top, its field messages at
    the fields (``applicant.email`` of the API is ``email`` here)."""
    form.add_error(None, str(err.message))
    for key, messages in err.fields.items():
        name = key.removeprefix("applicant.")
        name = FIELD_ALIASES.get(name, name)
        if name not in form.fields:
            continue
        if name in form.errors:  # the form already says what is wrong with it
            continue
        form.add_error(name, field_messages(name, messages))


class TopicChoiceField(forms.ModelChoiceField[Topic]):
    def label_from_instance(self, obj: Topic) -> str:
        return str(obj)


class ExecutorChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        single = super().clean
        return [single(item, initial) for item in items]


def _topic_field() -> TopicChoiceField:
    return TopicChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="number",
        required=False,
        label=_("Topic"),
        empty_label=_("— not chosen —"),
    )


def optional_text(
    label: Any, max_length: int, autocomplete: str, *, widget: Any = forms.TextInput, **attrs: str
) -> forms.CharField:
    """An optional one-line field of the applicant's (K-2), with its autocomplete hint."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=widget(attrs={"autocomplete": autocomplete, **attrs}),
    )


class ApplicantForm(forms.Form):
    """The K-2 fields. Nothing is required here: the public form's rules depend on the
    applicant type (the API's ``_require_public_fields``), and staff register what came."""

    last_name = optional_text(_("Surname"), 150, "family-name")
    first_name = optional_text(_("Name"), 150, "given-name")
    patronymic = optional_text(_("Patronymic (if any)"), 150, "additional-name")
    org_name = optional_text(_("Organisation"), 300, "organization")
    outgoing_number = forms.CharField(label=_("Outgoing number"), max_length=64, required=False)
    outgoing_date = forms.DateField(
        label=_("Outgoing date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    signed = forms.BooleanField(label=_("The letter is signed by the applicant"), required=False)
    postal_address = optional_text(_("Postal address"), 500, "street-address")
    phone = optional_text(_("Phone"), 32, "tel", type="tel")
    email = optional_text(_("E-mail"), 254, "email", type="email")

    def applicant_in(self, applicant_type: str) -> api.ApplicantIn:
        cd = self.cleaned_data
        values = {f: cd[f] for f in APPLICANT_FIELDS if f in cd}
        return api.ApplicantIn(type=ApplicantType(applicant_type), **values)

    def _body(self, values: Mapping[str, Any]) -> api.AppealIn | None:
        """The API's schema from the cleaned data; its refusals become field errors."""
        try:
            return api.AppealIn(**values)
        except PydanticValidationError as exc:
            for err in exc.errors():
                loc = [str(p) for p in err.get("loc", ())]
                name = loc[-1] if loc else ""
                self.add_error(name if name in self.fields else None, str(err.get("msg", "")))
            return None

    def _check_contacts(self, body: api.AppealIn) -> bool:
        try:
            email, phone = api._clean_contacts(body.applicant)
        except DomainError as err:
            add_domain_error(self, err)
            return False
        self.cleaned_data["email"], self.cleaned_data["phone"] = email, phone
        return True

    def appeal_input(self, **extra: Any) -> services.AppealInput:
        cd = self.cleaned_data
        return services.AppealInput(
            channel=cd["channel"],
            kind=cd["kind"],
            text=cd["text"],
            applicant_type=cd["applicant_type"],
            last_name=cd["last_name"].strip(),
            first_name=cd["first_name"].strip(),
            patronymic=cd["patronymic"].strip(),
            org_name=cd["org_name"].strip(),
            outgoing_number=cd["outgoing_number"].strip(),
            outgoing_date=cd["outgoing_date"],
            signed=cd["signed"],
            postal_address=cd["postal_address"].strip(),
            phone=cd["phone"],
            email=cd["email"],
            topic=cd["topic"].number if cd.get("topic") else None,
            **extra,
        )


class FeedbackForm(ApplicantForm):
    """The website's "Обратная связь" form (W-1, K-2)."""

    applicant_type = forms.ChoiceField(
        label=_("I am"),
        choices=PUBLIC_APPLICANT_TYPES,
        initial=ApplicantType.INDIVIDUAL,
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(label=_("Kind of appeal"), choices=Kind.choices)
    topic = _topic_field()
    text = forms.CharField(
        label=_("Your appeal"),
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree to the processing of my personal data for the consideration of this "
            "appeal, as the Law of the Republic of Kazakhstan on personal data and their "
            "protection requires."
        ),
        required=True,
    )

    field_order = ["applicant_type", *APPLICANT_FIELDS, "kind", "topic", "text", "consent"]

    def __init__(self, *args: Any, language: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language = language

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        if not cd.get("applicant_type") or not cd.get("kind"):
            return cd
        body = self._body(
            {
                "channel": Channel.WEB,
                "kind": cd["kind"],
                "applicant": self.applicant_in(cd["applicant_type"]),
                "text": cd.get("text") or "",
                "topic": cd["topic"].number if cd.get("topic") else None,
                "language": self.language,
            }
        )
        if body is None:
            return cd
        if self._check_contacts(body):
            email, phone = cd["email"], cd["phone"]
        else:  # still say which required fields are missing, all in one answer
            email, phone = body.applicant.email.strip(), body.applicant.phone.strip()
        try:
            api._require_public_fields(body, email, phone)
        except DomainError as err:
            add_domain_error(self, err)
        return cd

    def appeal_input(self, **extra: Any) -> services.AppealInput:
        self.cleaned_data["channel"] = Channel.WEB
        return super().appeal_input(
            language=self.language, consent_version=CONSENT_VERSION, **extra
        )


class StatusForm(forms.Form):
    number = forms.CharField(
        label=_("Incoming number"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "2026-000123", "autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("Access code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class StaffAppealForm(ApplicantForm):
    """Registration by the Chancellery or an intake desk: everything that arrived is
    registered, so only the text is required (C-4, K-3, CC-8)."""

    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)
    kind = forms.ChoiceField(label=_("Kind of appeal"), choices=Kind.choices)
    received_date = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    received_time = forms.TimeField(
        label=_("Received at (Astana time)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    applicant_type = forms.ChoiceField(
        label=_("Applicant"), choices=ApplicantType.choices, initial=ApplicantType.INDIVIDUAL
    )
    topic = _topic_field()
    language = forms.ChoiceField(
        label=_("Language of the appeal"),
        choices=[("", _("Detect from the text")), *Language.choices],
        required=False,
    )
    office = forms.ModelChoiceField(
        queryset=Office.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        label=_("Office"),
        empty_label=_("— not chosen —"),
    )
    needs_external_info = forms.BooleanField(
        label=_("Needs information from other bodies or an on-site inspection"), required=False
    )
    text = forms.CharField(
        label=_("Text of the appeal"),
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, JPEG, PNG, TIFF, DOC, DOCX or TXT; up to 10 files of 10 MB each."),
    )

    field_order = [
        "channel",
        "kind",
        "received_date",
        "received_time",
        "applicant_type",
        *APPLICANT_FIELDS,
        "topic",
        "language",
        "office",
        "needs_external_info",
        "text",
        "attachments",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        now = timezone.localtime(timezone.now(), TIMEZONE)
        self.fields["received_date"].initial = now.date()
        self.fields["received_time"].initial = now.strftime("%H:%M")

    def clean_attachments(self) -> list[Upload]:
        files: list[UploadedFile[bytes]] = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("At most %(n)s files.") % {"n": MAX_FILES})
        uploads = [Upload(name=f.name or "file", content=f.read()) for f in files]
        try:
            check_uploads(uploads)
        except DomainError as err:
            raise forms.ValidationError(str(err.message)) from None
        return uploads

    def clean(self) -> dict[str, Any]:
        cd = super().clean() or {}
        day, at = cd.get("received_date"), cd.get("received_time")
        if day is not None and at is not None:
            cd["received_at"] = datetime.combine(day, at, tzinfo=TIMEZONE)
        if not cd.get("applicant_type") or not cd.get("channel") or not cd.get("kind"):
            return cd
        body = self._body(
            {
                "channel": cd["channel"],
                "kind": cd["kind"],
                "applicant": self.applicant_in(cd["applicant_type"]),
                "text": cd.get("text") or "",
                "language": cd.get("language") or None,
                "received_at": cd.get("received_at"),
            }
        )
        if body is not None:
            self._check_contacts(body)
        return cd

    def appeal_input(self, **extra: Any) -> services.AppealInput:
        cd = self.cleaned_data
        return super().appeal_input(
            language=cd["language"] or None,
            office=cd["office"].code if cd.get("office") else None,
            received_at=cd.get("received_at"),
            needs_external_info=cd["needs_external_info"],
            attachments=cd["attachments"],
            **extra,
        )


class JournalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Status.choices], required=False
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Department"),
        empty_label=_("All"),
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("All")), *Channel.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    q = forms.CharField(
        label=_("Number, e-mail, phone or surname"),
        max_length=100,
        required=False,
        widget=forms.SearchInput,
    )
    cursor = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)


class ActionForm(forms.Form):
    """A form of the appeal page. Several share the page, so their ids carry the action's
    name (``assign-department``); the posted field names stay plain."""

    action = "action"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.action}-%s")
        super().__init__(*args, **kwargs)


class NoFieldsForm(ActionForm):
    action = "external"


class DecisionForm(ActionForm):
    action = "decision"

    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reasons = forms.MultipleChoiceField(
        label=_("Reasons"),
        choices=Reason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    state_body = forms.CharField(
        label=_("State body (when forwarded)"), max_length=300, required=False
    )


def executors() -> Any:
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.EXECUTOR, Role.HEAD])
        .distinct()
        .order_by("last_name", "username")
    )


class AssignForm(ActionForm):
    action = "assign"

    department = forms.ModelChoiceField(
        queryset=Department.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Department"),
        empty_label=_("— management only —"),
    )
    executor = ExecutorChoiceField(
        queryset=get_user_model().objects.none(),
        to_field_name="username",
        required=False,
        label=_("Executor"),
        empty_label=_("— not chosen —"),
    )
    to_management = forms.BooleanField(label=_("Send to management"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["executor"]
        assert isinstance(field, ExecutorChoiceField)
        field.queryset = executors()


class ExtendForm(ActionForm):
    action = "extend"

    days = forms.IntegerField(label=_("Extend by, calendar days"), min_value=1)
    reason = forms.CharField(
        label=_("Reason for the extension"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The procedure allows at most 30 days (D-3); the АППК policy counts in months and
        # leaves the limit to the service.
        limit = get_terms_policy().max_extension_days
        if limit is not None:
            self.fields["days"] = forms.IntegerField(
                label=_("Extend by, calendar days"), min_value=1, max_value=limit
            )


class NoticeSentForm(ActionForm):
    action = "notice"

    note = forms.CharField(
        label=_("How the applicant was told (post, phone)"), max_length=500, required=False
    )


class AnswerForm(ActionForm):
    action = "answer"

    text = forms.CharField(
        label=_("Text of the answer"),
        max_length=services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    language = forms.ChoiceField(label=_("Language of the answer"), choices=Language.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    method = forms.ChoiceField(label=_("Sent by"), choices=AnswerMethod.choices)
    reasons = forms.CharField(
        label=_("Reasons for refusal"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    oral_by = forms.CharField(label=_("Answered orally by"), max_length=200, required=False)
