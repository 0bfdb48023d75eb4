"""Who may put appeals into a box, empty the boxes, and see the applicants' personal data."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from abonent.core.auth import has_role, user_roles
from abonent.core.errors import Forbidden
from abonent.core.models import Office, OfficeKind, StaffProfile
from abonent.core.roles import Role

# The service-centre staff who take appeals at the counter (K-6).
BOX_ROLES = (Role.OPERATOR, Role.SENIOR_OPERATOR, Role.HEAD, Role.HALL_ADMIN)
# The Chancellery, which empties the boxes and registers what it finds (K-3, K-6).
COLLECT_ROLES = (Role.CHANCELLERY, Role.CLERK, Role.MANAGER)
# Any staff role may see what waits in the boxes; integrations may not.
READ_ROLES = tuple(r for r in Role if r != Role.INTEGRATION)


def operator_centre(user: Any) -> Office | None:
    """The service centre whose box the user fills: a box role and a service centre in the
    staff profile. Cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not has_role(user, *BOX_ROLES):
        return None
    if hasattr(user, "_abonent_box_centre"):
        cached: Office | None = user._abonent_box_centre
        return cached
    profile = (
        StaffProfile.objects.filter(
            user_id=user.pk,
            office__kind=OfficeKind.SERVICE_CENTER,
            office__is_active=True,
        )
        .select_related("office")
        .first()
    )
    centre = profile.office if profile is not None else None
    user._abonent_box_centre = centre
    return centre


def require_centre(user: Any) -> Office:
    """The operator's centre, or 403: a box belongs to a service centre."""
    if not has_role(user, *BOX_ROLES):
        raise Forbidden(_("Your role does not allow this action."))
    centre = operator_centre(user)
    if centre is None:
        raise Forbidden(
            _("Your staff profile names no service centre, so you have no box."),
            code="no_centre",
        )
    return centre


def can_collect(user: Any) -> bool:
    return has_role(user, *COLLECT_ROLES)


def can_read(user: Any) -> bool:
    return getattr(user, "is_superuser", False) or bool(user_roles(user) & set(READ_ROLES))


def sees_personal_data(user: Any, office_id: int) -> bool:
    """The Chancellery registers the appeal; the centre's own staff took it. Nobody else
    needs the applicant's name, contacts or text."""
    if can_collect(user):
        return True
    centre = operator_centre(user)
    return centre is not None and centre.pk == office_id


def require(allowed: bool) -> None:
    if not allowed:
        raise Forbidden(_("Your role does not allow this action."))
