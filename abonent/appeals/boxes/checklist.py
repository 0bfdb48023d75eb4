"""The operator's completeness checklist of a paper appeal (K-2, K-6) and the overdue rule of
the daily collection. Pure functions: no ORM, no request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from abonent.appeals.codes import ApplicantType
from abonent.appeals.rules import has_substance
from abonent.workdays.calendar import WorkCalendar

# code → (label, the form field that fixes it)
CHECKS: dict[str, tuple[Promise, str]] = {
    "applicant_named": (
        _("The applicant is named (an anonymous appeal is not considered, C-6)"),
        "applicant_type",
    ),
    "surname": (_("Surname is given"), "last_name"),
    "first_name": (_("Name is given"), "first_name"),
    "contact": (_("A postal address, phone or e-mail for the answer"), "postal_address"),
    "org_name": (_("Name of the organisation is given"), "org_name"),
    "outgoing_number": (_("Outgoing number is given"), "outgoing_number"),
    "outgoing_date": (_("Outgoing date is given"), "outgoing_date"),
    "email": (_("E-mail is given"), "email"),
    "phone": (_("Phone is given"), "phone"),
    "signed": (_("The appeal is signed by the applicant"), "signed"),
    "substance": (_("The substance of the question is stated"), "text"),
}


@dataclass(frozen=True)
class Paper:
    """What the operator sees on the paper."""

    applicant_type: str
    text: str
    last_name: str = ""
    first_name: str = ""
    postal_address: str = ""
    phone: str = ""
    email: str = ""
    org_name: str = ""
    outgoing_number: str = ""
    outgoing_date: date | None = None
    signed: bool = False


def run_checks(paper: Paper) -> dict[str, bool]:
    """Each K-2 check of the applicant's type, in the order of the paper, passed or not."""
    checks: dict[str, bool] = {}
    contact = any(v.strip() for v in (paper.postal_address, paper.phone, paper.email))
    if paper.applicant_type == ApplicantType.LEGAL_ENTITY:
        checks["org_name"] = bool(paper.org_name.strip())
        checks["outgoing_number"] = bool(paper.outgoing_number.strip())
        checks["outgoing_date"] = paper.outgoing_date is not None
        checks["email"] = bool(paper.email.strip())
        checks["phone"] = bool(paper.phone.strip())
        checks["signed"] = paper.signed
    elif paper.applicant_type == ApplicantType.INDIVIDUAL:
        checks["surname"] = bool(paper.last_name.strip())
        checks["first_name"] = bool(paper.first_name.strip())
        checks["contact"] = contact
    else:
        checks["applicant_named"] = False
        checks["contact"] = contact
    checks["substance"] = has_substance(paper.text)
    return checks


def in_order(checks: dict[str, bool]) -> list[tuple[str, bool]]:
    order = {code: n for n, code in enumerate(CHECKS)}
    return sorted(checks.items(), key=lambda kv: order.get(kv[0], len(order)))


def label(code: str) -> str:
    return str(CHECKS[code][0]) if code in CHECKS else code


def field_of(code: str) -> str:
    return CHECKS[code][1] if code in CHECKS else "__all__"


def collect_by(taken_on: date, cal: WorkCalendar) -> date:
    """The day the Chancellery should have emptied the box by: the next working day after
    the day the appeal was taken (the boxes are emptied daily, K-6)."""
    return cal.next_working_day(taken_on, inclusive=False)


def is_overdue(taken_on: date, today: date, cal: WorkCalendar) -> bool:
    """Left in the box for more than one working day: that next working day has passed."""
    return today > collect_by(taken_on, cal)
