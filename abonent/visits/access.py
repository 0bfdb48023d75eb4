"""Who may do what with home visits."""

from __future__ import annotations

from typing import Any

from abonent.core.auth import has_role
from abonent.core.roles import Role

PLANNERS = (Role.HEAD, Role.SENIOR_OPERATOR, Role.MANAGER, Role.SYSADMIN)
FIELD_STAFF = (Role.CONTROLLER, Role.ENGINEER)
LATE_CHANGE_OVERRIDE = (Role.HEAD,)


def is_planner(user: Any) -> bool:
    return has_role(user, *PLANNERS)


def is_field_employee(user: Any) -> bool:
    return has_role(user, *FIELD_STAFF)


def can_override_late_change(user: Any) -> bool:
    return has_role(user, *LATE_CHANGE_OVERRIDE)


def can_see_day(user: Any) -> bool:
    return is_field_employee(user) or is_planner(user)


def can_print_letters(user: Any) -> bool:
    return is_planner(user) or has_role(user, Role.CLERK, Role.CHANCELLERY)
