from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from abonent import equeue, portal, visits
from abonent.appeals import book, boxes, reception
from abonent.appeals.demo import load_topics
from abonent.cabinet.demo import load_cabinet_demo
from abonent.calls.demo import load_calls_demo
from abonent.calls.ivr.demo import load_demo as load_ivr_demo
from abonent.core.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo organisation, hours and one user per role (password 'demo')."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data with the password 'demo' is refused in production mode.")
        created = load_demo()
        load_topics()
        for app in (book, boxes, reception, equeue, visits, portal):
            import_module(f"{app.__name__}.demo").load_demo()
        load_calls_demo()  # after load_demo: it needs the role groups and cc_operator
        load_ivr_demo()
        load_cabinet_demo()
        self.stdout.write(
            f"Demo data ready ({created['offices']} offices and {created['users']} users created; "
            "existing rows kept)."
        )
