"""The public check of an employee at the door (V-3): by the visit code from the notice, or
by the number on the employee's service ID. It shows the employee and the visit's date and
purpose — never anything about the consumer. A wrong and an expired code get the same
answer. Every lookup is audited (VerifyLookup); lookups are limited per client, and too many
failures from everyone together close the check for the rest of the hour (the code space
is large, but a distributed guesser must not get to sweep it)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from abonent.core.errors import NotFound, RateLimited
from abonent.core.lib.ratelimit import hit
from abonent.visits import codes, rules
from abonent.visits.models import (
    ACTIVE_STATUSES,
    EmployeeCard,
    LookupResult,
    Purpose,
    VerifyLookup,
    Visit,
)

CLIENT_LIMIT = 10  # lookups per client ...
CLIENT_WINDOW = 600  # ... per 10 minutes
GLOBAL_WINDOW = 3600


@dataclass(frozen=True)
class EmployeeView:
    name: str
    position: str
    employee_number: str
    photo_url: str | None


@dataclass(frozen=True)
class VerifyResult:
    employees: list[EmployeeView]
    organisation: str
    date: date
    time_from: str | None
    time_to: str | None
    purpose: str | None
    purpose_label: str | None


def not_found() -> NotFound:
    return NotFound(
        _(
            "No active visit with this code or employee number. Do not let the visitor in; "
            "call the contact centre."
        ),
        code="not_found",
    )


def client_key(ip: str) -> str:
    """A keyed hash of the client's address: the audit can tell repeated clients apart
    without keeping their addresses."""
    return salted_hmac("abonent.visits.client", ip, algorithm="sha256").hexdigest()[:32]


def _global_key() -> str:
    return f"visits-verify-fail:{int(time.time() // GLOBAL_WINDOW)}"


def _locked_out() -> bool:
    if not settings.ABONENT_RATE_LIMITS:
        return False
    return int(cache.get(_global_key(), 0)) >= settings.ABONENT_VISITS_VERIFY_GLOBAL_FAILURES


def _count_failure() -> None:
    key = _global_key()
    if not cache.add(key, 1, timeout=GLOBAL_WINDOW + 1):
        cache.incr(key)


def _employee_view(user: Any) -> EmployeeView:
    from abonent.visits.views_public import photo_url

    profile = getattr(user, "profile", None)
    card = EmployeeCard.objects.filter(user=user).first()
    return EmployeeView(
        name=profile.full_name if profile and profile.full_name else user.get_full_name(),
        position=profile.position if profile else "",
        employee_number=profile.employee_number if profile else "",
        photo_url=photo_url(user) if card is not None and card.photo else None,
    )


def _find_by_code(raw: str, at: Any) -> Visit | None:
    code = rules.normalize_code(raw)
    if code is None:
        return None
    return Visit.objects.filter(
        code_hash=codes.hash_code(code),
        code_active=True,
        status__in=ACTIVE_STATUSES,
        code_expires_at__gt=at,
    ).first()


def _find_by_number(raw: str, at: Any) -> tuple[Any, Visit | None]:
    """The employee with this service ID number, if they have an active visit today."""
    from django.contrib.auth import get_user_model

    number = raw.strip()
    if not number or len(number) > 50:
        return None, None
    user = (
        get_user_model()
        .objects.filter(profile__employee_number__iexact=number, is_active=True)
        .select_related("profile")
        .first()
    )
    if user is None:
        return None, None
    today = rules.local(at).date()
    visits = [
        v
        for v in Visit.objects.filter(
            assignments__employee=user,
            status__in=ACTIVE_STATUSES,
            code_active=True,
            code_expires_at__gt=at,  # as for codes: the check ends with the visit
        )
        if rules.local(v.starts_at).date() == today
    ]
    if not visits:
        return None, None
    return user, visits[0] if len(visits) == 1 else None


def verify(
    *, code: str = "", employee_number: str = "", ip: str, channel: str, actor: Any = None
) -> VerifyResult:
    """Look up and audit; raises RateLimited (429) or NotFound (404)."""
    from abonent.visits.notices import company_name
    from abonent.visits.services import now

    at = now()
    client = client_key(ip)
    method = "code" if code.strip() else "employee_number"
    staff = actor if getattr(actor, "is_authenticated", False) else None
    try:
        # A contact-centre operator checks for callers all day from the centre's one
        # address: counted per operator, so one busy colleague cannot lock the others out.
        counted = f"cc:{staff.pk}" if channel == "contact_centre" and staff else client
        hit("visits-verify", counted, limit=CLIENT_LIMIT, window_seconds=CLIENT_WINDOW)
        if _locked_out():
            raise RateLimited(
                _("The check is closed for a while. Please call the contact centre."),
                code="rate_limited",
            )
    except RateLimited:
        with transaction.atomic():
            VerifyLookup.objects.create(
                at=at,
                client=client,
                channel=channel,
                method=method,
                result=LookupResult.LIMITED,
                actor=staff,
            )
        raise
    employee: Any = None
    visit: Visit | None = None
    if method == "code":
        visit = _find_by_code(code, at)
    else:
        employee, visit = _find_by_number(employee_number, at)
    found = visit is not None or employee is not None
    with transaction.atomic():
        VerifyLookup.objects.create(
            at=at,
            client=client,
            channel=channel,
            method=method,
            result=LookupResult.FOUND if found else LookupResult.NOT_FOUND,
            visit=visit,
            employee=employee,
            actor=staff,
        )
    if not found:
        _count_failure()
        raise not_found()
    language = _language()
    if visit is not None:
        people = [
            a.employee
            for a in visit.assignments.select_related("employee__profile")
            if employee is None or a.employee_id == employee.pk
        ]
        starts, ends = rules.local(visit.starts_at), rules.local(visit.ends_at)
        return VerifyResult(
            employees=[_employee_view(u) for u in people],
            organisation=company_name(language),
            date=starts.date(),
            time_from=f"{starts:%H:%M}",
            time_to=f"{ends:%H:%M}",
            purpose=visit.purpose,
            purpose_label=str(Purpose(visit.purpose).label),
        )
    return VerifyResult(
        employees=[_employee_view(employee)],
        organisation=company_name(language),
        date=rules.local(at).date(),
        time_from=None,
        time_to=None,
        purpose=None,
        purpose_label=None,
    )


def _language() -> str:
    from django.utils import translation

    lang = translation.get_language() or "ru"
    return "kk" if lang.startswith("kk") else "ru"
