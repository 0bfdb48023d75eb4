"""Demo data of the contact centre: the PBX's integration user ``oktell`` (point 0 of issue
#6) and the demo contact-centre operator's PBX line. Idempotent: keeps existing rows.

Hook: ``seed_demo`` calls ``load_calls_demo()`` after ``abonent.core.demo.load_demo()``
(which creates the role groups and the ``cc_operator`` user)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from abonent.calls.models import OperatorLine
from abonent.core.roles import Role

INTEGRATION_USERNAME = "oktell"
# The demo operator's Oktell login and internal number.
DEMO_LINES = {"cc_operator": ["cc_operator", "201"]}


@transaction.atomic
def load_calls_demo() -> dict[str, int]:
    """The ``oktell`` user has the ``integration`` role only, no password (it signs in with
    an API token: ``manage.py issue_token oktell``) and no staff flag."""
    created = {"users": 0, "lines": 0}
    group, _ = Group.objects.get_or_create(name=Role.INTEGRATION.value)
    User = get_user_model()
    user, made = User.objects.get_or_create(
        username=INTEGRATION_USERNAME,
        defaults={"first_name": "Oktell", "last_name": "PBX", "is_staff": False},
    )
    if made:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(group)
        created["users"] += 1
    for username, logins in DEMO_LINES.items():
        operator = User.objects.filter(username=username).first()
        if operator is None:
            continue
        for login in logins:
            _line, made = OperatorLine.objects.get_or_create(
                login=login, defaults={"user": operator}
            )
            created["lines"] += made
    return created
