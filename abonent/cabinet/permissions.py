"""Who may submit readings for which accounts, and with which source (PC-1, C-2 row 2).

- staff who take readings by phone or at a desk (contact-centre operators, operators,
  senior operators, controllers): any account, source ``contact_center``;
- the integration user (role ``integration``: the IVR, the billing system, partners): any
  account, sources ``ivr``, ``api``, ``billing``;
- a superuser: any account, any source;
- a signed-in consumer: only their own accounts, source ``cabinet``. The consumer's
  authentication (cabinet sign-in, later) sets ``request.auth`` to an object with
  ``account_numbers`` (a frozenset of account numbers) — see ``ConsumerPrincipal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from django.http import HttpRequest

from abonent.cabinet.models import ReadingSource
from abonent.core.auth import has_role, user_roles
from abonent.core.roles import Role

STAFF_READING_ROLES = (Role.CC_OPERATOR, Role.OPERATOR, Role.SENIOR_OPERATOR, Role.CONTROLLER)
STAFF_SOURCES = frozenset({ReadingSource.CONTACT_CENTER.value})
INTEGRATION_SOURCES = frozenset(
    {ReadingSource.IVR.value, ReadingSource.API.value, ReadingSource.BILLING.value}
)
CONSUMER_SOURCES = frozenset({ReadingSource.CABINET.value})


@runtime_checkable
class ConsumerPrincipal(Protocol):
    """A signed-in consumer (an individual, or a legal entity's representative)."""

    account_numbers: frozenset[str]
    audit_label: str


@dataclass(frozen=True)
class ReadingSubmitter:
    actor: Any
    sources: frozenset[str]
    accounts: frozenset[str] | None  # None: every account

    def may_submit(self, *, account: str, source: str) -> bool:
        if source not in self.sources:
            return False
        return self.accounts is None or account in self.accounts


def reading_submitter(request: HttpRequest) -> ReadingSubmitter | None:
    """What the request's principal may do with readings; None: nothing."""
    principal = getattr(request, "auth", None)
    if isinstance(principal, ConsumerPrincipal):
        return ReadingSubmitter(principal, CONSUMER_SOURCES, principal.account_numbers)
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    if getattr(user, "is_superuser", False):
        return ReadingSubmitter(user, frozenset(ReadingSource.values), None)
    sources = role_sources(user_roles(user))
    return ReadingSubmitter(user, sources, None) if sources else None


def role_sources(roles: set[str]) -> frozenset[str]:
    """The sources a user who is not a superuser may submit readings with, by its roles."""
    sources: set[str] = set()
    if Role.INTEGRATION in roles:
        sources |= INTEGRATION_SOURCES
    if roles & set(STAFF_READING_ROLES):
        sources |= STAFF_SOURCES
    return frozenset(sources)


# Who reviews readings flagged ``needs_review`` (the staff review list): controllers check
# meters, senior operators and the head answer for the data, the system administrator
# supports them; superusers pass every check.
REVIEW_ROLES = (Role.CONTROLLER, Role.SENIOR_OPERATOR, Role.HEAD, Role.SYSADMIN)
# Who may print a legal entity's invoice copy for it at a desk or send it on request (PC-2,
# C-2 row 4: charges are also answered by the contact centre, sales and accounting).
INVOICE_COPY_ROLES = (
    Role.OPERATOR,
    Role.SENIOR_OPERATOR,
    Role.CC_OPERATOR,
    Role.CASHIER,
    Role.HEAD,
)


def may_review(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, *REVIEW_ROLES)


def may_copy_invoice(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, *INVOICE_COPY_ROLES)


# Who follows the billing imports and downloads their rejection reports.
IMPORT_ROLES = (Role.SYSADMIN, Role.HEAD, Role.CONTROLLER)


def may_see_imports(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, *IMPORT_ROLES)
