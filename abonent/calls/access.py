"""Who may do what in the contact centre. Integrations (the PBX, the IVR) post events and
nothing else; staff never post events (point 0 of issue #6)."""

from __future__ import annotations

import time
from typing import Any

from abonent.core.auth import has_role, user_roles
from abonent.core.roles import Role

# The call log and the operator's call card (CC-4, CC-5).
LOG_ROLES = (Role.CC_OPERATOR, Role.SENIOR_OPERATOR, Role.HEAD, Role.MANAGER, Role.SYSADMIN)
# Listening to any recording: the contact centre's supervisors and management. An operator
# may listen to the calls they took; a system administrator sees the log but does not listen.
LISTEN_ROLES = (Role.SENIOR_OPERATOR, Role.HEAD, Role.MANAGER)


def is_integration(user: Any) -> bool:
    """An integration user: the ``integration`` role and no other (a superuser is not one)."""
    if getattr(user, "is_superuser", False):
        return False
    return Role.INTEGRATION.value in user_roles(user)


# The PBX posts up to 1,000 events/s with one token: remember for a short while that its
# user is an integration, saving a roles query per event. The token itself is still looked
# up on every request, so revoking it stops the PBX at once; a role change takes effect
# within ROLE_CACHE_SECONDS.
ROLE_CACHE_SECONDS = 30.0
_integration_cache: dict[tuple[int, str], tuple[bool, float]] = {}


def can_post_events(user: Any) -> bool:
    key = (getattr(user, "pk", None) or 0, user.get_username())
    now = time.monotonic()
    hit = _integration_cache.get(key)
    if hit is not None and hit[1] > now:
        return hit[0]
    allowed = is_integration(user)
    if len(_integration_cache) > 1000:
        _integration_cache.clear()
    _integration_cache[key] = (allowed, now + ROLE_CACHE_SECONDS)
    return allowed


def forget_roles() -> None:
    _integration_cache.clear()


def can_read_log(user: Any) -> bool:
    return not is_integration(user) and has_role(user, *LOG_ROLES)


def can_listen(user: Any, operator_id: int | None) -> bool:
    if is_integration(user):
        return False
    if has_role(user, *LISTEN_ROLES):
        return True
    return (
        has_role(user, Role.CC_OPERATOR)
        and operator_id is not None
        and operator_id == getattr(user, "pk", None)
    )
