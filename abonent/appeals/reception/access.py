"""Who may work with the reception schedule (K-7): the Chancellery, clerks, management and
the contact centre book and cancel; the registry's roles record outcomes (they register
answers too). Consumers' names are shown only to these roles."""

from __future__ import annotations

from typing import Any

from abonent.appeals import access as appeal_access
from abonent.core.auth import has_role
from abonent.core.roles import Role

RECEPTION_ROLES = (Role.CHANCELLERY, Role.CLERK, Role.MANAGER, Role.CC_OPERATOR, Role.SYSADMIN)


def can_book(user: Any) -> bool:
    """See the slots with who is booked, book and cancel."""
    return has_role(user, *RECEPTION_ROLES)


def can_record_outcome(user: Any) -> bool:
    return appeal_access.can_manage(user)
