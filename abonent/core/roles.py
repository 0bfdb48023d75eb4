"""Staff roles (ORG-2). Each role is a Django group named by its stable ASCII code."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HALL_ADMIN = "hall_admin", _("Hall administrator")
    OPERATOR = "operator", _("Operator")
    SENIOR_OPERATOR = "senior_operator", _("Senior operator")
    CONTROLLER = "controller", _("Controller")
    CASHIER = "cashier", _("Cashier")
    CLERK = "clerk", _("Clerk")
    ENGINEER = "engineer", _("Engineer")
    HEAD = "head", _("Head")
    CHANCELLERY = "chancellery", _("Chancellery specialist")
    CC_OPERATOR = "cc_operator", _("Contact-centre operator")
    EXECUTOR = "executor", _("Department executor")
    MANAGER = "manager", _("Manager")
    SYSADMIN = "sysadmin", _("System administrator")
    INTEGRATION = "integration", _("Integration (PBX, IVR, billing)")


def role_label(code: str) -> str:
    try:
        return str(Role(code).label)
    except ValueError:
        return code
