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


# The operator's call card: the log's readers and the Chancellery (complaints taken by phone).
CARD_ROLES = (*LOG_ROLES, Role.CHANCELLERY)
# Who sees the caller's personal data (number, names in their appeals): the roles that work
# with the consumer (Law of RK on personal data); a system administrator does not.
PERSONAL_DATA_ROLES = (
    Role.CC_OPERATOR,
    Role.SENIOR_OPERATOR,
    Role.HEAD,
    Role.MANAGER,
    Role.CHANCELLERY,
)
# Recording outcomes and working on callbacks: the contact centre.
OUTCOME_ROLES = (Role.CC_OPERATOR, Role.SENIOR_OPERATOR)
# Giving a callback to someone else, and the supervisor's figures.
SUPERVISOR_ROLES = (Role.SENIOR_OPERATOR, Role.HEAD, Role.MANAGER)
# Requests passed to units: the contact centre and management see every unit's list.
ALL_UNITS_ROLES = (*OUTCOME_ROLES, *SUPERVISOR_ROLES, Role.CHANCELLERY)


def _staff(user: Any, *roles: str) -> bool:
    return not is_integration(user) and has_role(user, *roles)


def can_read_card(user: Any) -> bool:
    return _staff(user, *CARD_ROLES)


def sees_personal_data(user: Any) -> bool:
    return _staff(user, *PERSONAL_DATA_ROLES)


def can_record_outcome(user: Any, operator_id: int | None, operator_login: str) -> bool:
    """A contact-centre operator records the outcome of a call they took, or of one the PBX
    named no operator for (``operator_login`` empty); a senior operator of any call. A call
    taken on a line not registered to anyone yet (a login, no user) is another operator's
    call as far as we know: senior operators only."""
    if not _staff(user, *OUTCOME_ROLES):
        return False
    if has_role(user, Role.SENIOR_OPERATOR):
        return True
    if operator_id is None:
        return operator_login == ""
    return operator_id == getattr(user, "pk", None)


def can_work_callbacks(user: Any) -> bool:
    return _staff(user, *OUTCOME_ROLES, *SUPERVISOR_ROLES)


def can_finish_callback(user: Any, assignee_id: int | None) -> bool:
    """The assignee, anyone of the contact centre for a pool callback, a supervisor."""
    if _staff(user, *SUPERVISOR_ROLES):
        return True
    return _staff(user, *OUTCOME_ROLES) and assignee_id in (None, getattr(user, "pk", None))


def can_reassign_callback(user: Any, assignee_id: int | None) -> bool:
    return can_finish_callback(user, assignee_id)


def can_supervise(user: Any) -> bool:
    return _staff(user, *SUPERVISOR_ROLES)


def sees_all_units(user: Any) -> bool:
    return _staff(user, *ALL_UNITS_ROLES)


def can_read_unit_requests(user: Any) -> bool:
    """Every staff member reads their own unit's requests; some read every unit's."""
    return not is_integration(user) and getattr(user, "is_authenticated", False)


def may_finish_unit_request(user: Any, department_id: int, own_department_id: int | None) -> bool:
    """The unit itself marks its request done; management may close any."""
    if is_integration(user):
        return False
    return has_role(user, Role.MANAGER) or (
        own_department_id is not None and own_department_id == department_id
    )
