"""Prepare the queue benchmark (run as `python -m bench.queue_setup N_WINDOWS N_TICKETS`
with the bench's DATABASE_URL): an office `bench` open round the clock with one service and
N windows, one operator with an API token per window, and N_TICKETS waiting tickets issued
today. Prints JSON: {"office": code, "windows": [{"id", "number", "token"}]}."""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abonent.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from abonent.core.models import Office, Schedule, Service, StaffProfile, Window  # noqa: E402
from abonent.core.roles import Role  # noqa: E402
from abonent.core.services import issue_api_token  # noqa: E402
from abonent.equeue.models import Ticket, TicketCounter, TicketEvent  # noqa: E402

OFFICE = "bench"


@transaction.atomic
def main(windows: int, tickets: int) -> dict[str, object]:
    office, _ = Office.objects.get_or_create(
        code=OFFICE,
        defaults={
            "kind": "service_center",
            "segment": "all",
            "name_ru": "Бенчмарк",
            "name_kk": "Бенчмарк",
            "address_ru": "127.0.0.1",
        },
    )
    Schedule.objects.get_or_create(
        office=office,
        defaults={"rules": "mon-sun 00:00-23:59:59", "open_on_non_working_days": True},
    )
    service, _ = Service.objects.get_or_create(
        office=office,
        code="general",
        defaults={"letter": "Q", "name_ru": "Общий", "name_kk": "Жалпы"},
    )
    # A clean slate on every run: the tickets of earlier runs would only pad the tables.
    TicketEvent.objects.filter(ticket__office=office).delete()
    Ticket.objects.filter(office=office).delete()
    TicketCounter.objects.filter(service=service).delete()
    group, _ = Group.objects.get_or_create(name=Role.OPERATOR)
    out = []
    for n in range(1, windows + 1):
        window, _ = Window.objects.get_or_create(office=office, number=n)
        window.services.set([service])
        user, _ = get_user_model().objects.get_or_create(username=f"bench_w{n:02d}")
        user.groups.add(group)
        StaffProfile.objects.update_or_create(
            user=user, defaults={"office": office, "window": window}
        )
        out.append(
            {"id": window.pk, "number": n, "token": issue_api_token(user=user, name="bench")}
        )
    now = timezone.now()
    day = timezone.localdate(now)
    start = now - timedelta(seconds=tickets)
    Ticket.objects.bulk_create(
        [
            Ticket(
                office=office,
                service=service,
                day=day,
                seq=i,
                number=f"Q{i:03d}",
                issued_at=start + timedelta(seconds=i),
            )
            for i in range(1, tickets + 1)
        ],
        batch_size=2000,
    )
    TicketCounter.objects.create(service=service, day=day, last=tickets)
    return {"office": OFFICE, "windows": out}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
