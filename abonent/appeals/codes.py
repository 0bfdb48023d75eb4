"""Stable ASCII codes of the appeals registry (api.md); labels are translated."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Website feedback form")
    EMAIL = "email", _("E-mail")
    POST = "post", _("Post")
    PHONE = "phone", _("Telephone")
    COMPLAINT_BOOK = "complaint_book", _("Complaint and suggestion book")
    SERVICE_CENTER_BOX = "service_center_box", _("Service-centre box")
    PERSONAL_RECEPTION = "personal_reception", _("Personal reception")
    IN_PERSON = "in_person", _("In person at the Chancellery")


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    CLAIM = "claim", _("Claim")
    FEEDBACK = "feedback", _("Feedback")
    SUGGESTION = "suggestion", _("Suggestion")
    APPLICATION = "application", _("Application")
    REQUEST = "request", _("Request")


class ApplicantType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    LEGAL_ENTITY = "legal_entity", _("Legal entity")
    ANONYMOUS = "anonymous", _("Anonymous")


class Language(models.TextChoices):
    RU = "ru", _("Russian")
    KK = "kk", _("Kazakh")


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted for consideration")
    NO_ACTION = "no_action", _("No action is taken (C-5)")
    NOT_CONSIDERED = "not_considered", _("Not considered, no answer (C-6)")
    FORWARDED = "forwarded", _("Forwarded to a state body")


class Reason(models.TextChoices):
    OBSCENE_OR_THREATS = "obscene_or_threats", _("Obscene language, insults or threats")
    UNREADABLE = "unreadable", _("The text cannot be read")
    REPEATED_NO_NEW_ARGUMENTS = (
        "repeated_no_new_arguments",
        _("Repeats a question already answered, with no new arguments"),
    )
    PROTECTED_SECRET = "protected_secret", _("Cannot be answered without disclosing a secret")
    NO_CONTACT_DETAILS = "no_contact_details", _("No contact details")
    ANONYMOUS = "anonymous", _("Anonymous")
    NO_SUBSTANCE = "no_substance", _("The substance of the question is not stated")
    CRIME_OR_SECURITY_THREAT = (
        "crime_or_security_threat",
        _("Reports a crime or a threat to state or public security"),
    )


NO_ACTION_REASONS = frozenset(
    {
        Reason.OBSCENE_OR_THREATS,
        Reason.UNREADABLE,
        Reason.REPEATED_NO_NEW_ARGUMENTS,
        Reason.PROTECTED_SECRET,
    }
)
NOT_CONSIDERED_REASONS = frozenset(
    {Reason.NO_CONTACT_DETAILS, Reason.ANONYMOUS, Reason.NO_SUBSTANCE}
)
FORWARD_REASONS = frozenset({Reason.CRIME_OR_SECURITY_THREAT})


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered, awaiting decision")
    ACCEPTED = "accepted", _("Accepted, awaiting assignment")
    ASSIGNED = "assigned", _("With the executor")
    ANSWERED = "answered", _("Answered")
    NO_ACTION = "no_action", _("No action taken")
    NOT_CONSIDERED = "not_considered", _("Not considered")
    FORWARDED = "forwarded", _("Forwarded to a state body")


OPEN_STATUSES = frozenset({Status.REGISTERED, Status.ACCEPTED, Status.ASSIGNED})


class Outcome(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    PARTIALLY_SATISFIED = "partially_satisfied", _("Partially satisfied")
    REFUSED = "refused", _("Refused")
    EXPLAINED = "explained", _("Explained")


class AnswerMethod(models.TextChoices):
    EMAIL = "email", _("E-mail")
    POST = "post", _("Post")
    ORAL_PHONE = "oral_phone", _("Orally by phone")
    IN_PERSON = "in_person", _("In person")
    BOOK_RECORD = "book_record", _("Record in the complaint book")
