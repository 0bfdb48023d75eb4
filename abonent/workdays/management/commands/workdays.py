from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from abonent.workdays.calendar import CalendarRangeError, InvalidTermError
from abonent.workdays.services import get_calendar


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {raw!r}") from None


class Command(BaseCommand):
    help = "The Kazakhstan working-day calendar: `day DATE`, `deadline --start DATE ...`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        day = sub.add_parser("day", help="Is DATE a working day, and why.")
        day.add_argument("date")
        dl = sub.add_parser("deadline", help="The due date of a term.")
        dl.add_argument("--start", required=True)
        group = dl.add_mutually_exclusive_group(required=True)
        group.add_argument("--working-days", type=int)
        group.add_argument("--calendar-days", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["what"] == "day":
                d = _date(options["date"])
                info = get_calendar(around=d).day(d)
                state = "working" if info.working else "non-working"
                self.stdout.write(f"{d} {state} {info.reason} {info.name}".rstrip())
                return
            start = _date(options["start"])
            cal = get_calendar(around=start)
            if options["working_days"] is not None:
                self.stdout.write(f"{cal.add_working_days(start, options['working_days'])}")
            else:
                term = cal.add_calendar_days(start, options["calendar_days"])
                self.stdout.write(f"{term.due} (unadjusted {term.unadjusted_due})")
        except (CalendarRangeError, InvalidTermError) as exc:
            raise CommandError(str(exc)) from None
