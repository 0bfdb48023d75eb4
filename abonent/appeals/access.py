"""Who may see and do what in the registry (personal data is shown only to staff who
handle the appeal)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from abonent.appeals.models import Appeal, AppealQuerySet
from abonent.core.auth import has_role
from abonent.core.errors import Forbidden
from abonent.core.models import StaffProfile
from abonent.core.roles import Role

REGISTRY_ROLES = (Role.CHANCELLERY, Role.CLERK, Role.MANAGER, Role.SYSADMIN)
INTAKE_ROLES = (
    *REGISTRY_ROLES,
    Role.CC_OPERATOR,
    Role.OPERATOR,
    Role.SENIOR_OPERATOR,
    Role.HALL_ADMIN,
)
DEPARTMENT_ROLES = (Role.EXECUTOR, Role.HEAD)
# Every staff role reads the journal (filtered by visible_appeals); an integration (the PBX,
# the IVR, billing) only posts its events.
JOURNAL_ROLES = tuple(r for r in Role if r != Role.INTEGRATION)


def can_register(user: Any) -> bool:
    return has_role(user, *INTAKE_ROLES)


def can_read_journal(user: Any) -> bool:
    return has_role(user, *JOURNAL_ROLES)


def can_manage(user: Any) -> bool:
    """Decide, assign, extend, register answers: the Chancellery's control (D-4)."""
    return has_role(user, *REGISTRY_ROLES)


def _department_id(user: Any) -> int | None:
    return (
        StaffProfile.objects.filter(user_id=user.pk).values_list("department_id", flat=True).first()
    )


def visible_appeals(user: Any, qs: AppealQuerySet | None = None) -> AppealQuerySet:
    qs = qs if qs is not None else Appeal.objects.all()
    if can_manage(user):
        return qs
    cond = Q(registered_by_id=user.pk) | Q(executor_id=user.pk)
    if has_role(user, *DEPARTMENT_ROLES):
        dept = _department_id(user)
        if dept is not None:
            cond |= Q(department_id=dept)
    return qs.filter(cond)


def require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden("Your role does not allow this action.")
