"""Who am I: the staff member or integration behind a token or session."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from abonent.core.auth import user_roles
from abonent.core.models import StaffProfile

router = Router()


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[str]
    office: str | None
    department: str | None
    window: int | None


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    user = request.user
    profile = (
        StaffProfile.objects.select_related("office", "department", "window")
        .filter(user__username=user.get_username())
        .first()
    )
    return MeOut(
        username=user.get_username(),
        full_name=profile.full_name if profile else user.get_username(),
        roles=sorted(user_roles(user)),
        office=profile.office.code if profile and profile.office else None,
        department=profile.department.code if profile and profile.department else None,
        window=profile.window.number if profile and profile.window else None,
    )
