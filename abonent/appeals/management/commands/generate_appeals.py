"""Fill the registry with synthetic appeals for load tests (`make bench` uses it):
`python manage.py generate_appeals --count 1000000`. Never run it on real data."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from abonent.appeals.codes import Channel, Decision, Kind, Status
from abonent.appeals.models import Appeal, JournalCounter
from abonent.core.models import Department

ALMATY = ZoneInfo("Asia/Almaty")
SURNAMES = ["Иванов", "Ахметов", "Сериков", "Ким", "Оспанова", "Нурланова", "Петров", "Жумабеков"]
NAMES = ["Айгерим", "Ержан", "Дана", "Сергей", "Асель", "Марат", "Ольга", "Бауыржан"]
STATUSES = [Status.ANSWERED] * 6 + [Status.ASSIGNED] * 2 + [Status.REGISTERED, Status.NO_ACTION]


class Command(BaseCommand):
    help = "Generate N synthetic appeals spread over the last years (for benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=1_000_000)
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Refused in production mode.")
        count, batch = options["count"], options["batch"]
        rnd = random.Random(options["seed"])  # noqa: S311 - synthetic data, not secrets
        depts = list(Department.objects.values_list("pk", flat=True))
        today = date.today()
        start_year = today.year - 3
        per_year: dict[int, int] = {
            y: JournalCounter.objects.filter(year=y).values_list("last", flat=True).first() or 0
            for y in range(start_year, today.year + 1)
        }
        if connection.vendor == "postgresql":
            made = self._generate_in_sql(count, per_year, today, depts)
        else:
            made = self._generate_in_python(count, batch, rnd, per_year, today, depts)
        with transaction.atomic():
            for year, last in per_year.items():
                JournalCounter.objects.update_or_create(year=year, defaults={"last": last})
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE appeals_appeal")
        self.stdout.write(f"generated {made} appeals")

    def _generate_in_sql(
        self, count: int, per_year: dict[int, int], today: date, depts: list[int]
    ) -> int:
        """PostgreSQL: one INSERT ... SELECT over generate_series per year (a million rows
        in well under a minute, against ~10 minutes through the ORM)."""
        years = sorted(per_year)
        share = count // len(years)
        made = 0
        for i, year in enumerate(years):
            n = share if i < len(years) - 1 else count - made
            first = per_year[year] + 1
            span = (min(today, date(year, 12, 31)) - date(year, 1, 1)).days + 1
            exprs = {
                "incoming_number": f"'{year}-' || lpad((%(first)s + g - 1)::text, 6, '0')",
                "year": str(year),
                "seq": "%(first)s + g - 1",
                "access_code": "upper(substr(md5(g::text), 1, 8))",
                "channel": f"(ARRAY{Channel.values!r})[1 + g %% {len(Channel.values)}]",
                "kind": f"(ARRAY{Kind.values!r})[1 + g %% {len(Kind.values)}]",
                "applicant_type": "'individual'",
                "last_name": f"(ARRAY{SURNAMES!r})[1 + g %% {len(SURNAMES)}]",
                "first_name": f"(ARRAY{NAMES!r})[1 + (g / 7) %% {len(NAMES)}]",
                "phone": "'+7701' || lpad((g %% 10000000)::text, 7, '0')",
                "text": "'Синтетическое обращение для нагрузочного теста.'",
                "language": "'ru'",
                "language_detected": "'ru'",
                "received_at": f"(DATE '{year}-01-01' + ((g * 7919) %% {span}))::timestamp"
                " + interval '10 hours' - interval '5 hours'",
                "registered_at": f"(DATE '{year}-01-01' + ((g * 7919) %% {span}))::timestamp"
                " + interval '5 hours'",
                "registered_on": f"DATE '{year}-01-01' + ((g * 7919) %% {span})",
                "due_date": f"DATE '{year}-01-01' + ((g * 7919) %% {span}) + 21",
                "due_date_unadjusted": f"DATE '{year}-01-01' + ((g * 7919) %% {span}) + 21",
                "status": "CASE WHEN g %% 10 < 6 THEN 'answered' WHEN g %% 10 < 8 THEN "
                "'assigned' WHEN g %% 10 = 8 THEN 'registered' ELSE 'no_action' END",
                "suggested_decision": "'accepted'",
                "decision": "CASE WHEN g %% 10 = 8 THEN '' WHEN g %% 10 = 9 THEN 'no_action'"
                " ELSE 'accepted' END",
                "department_id": "CASE WHEN g %% 10 = 8 THEN NULL ELSE "
                f"(ARRAY{depts!r})[1 + g %% {len(depts)}] END",
                "answered_on": f"CASE WHEN g %% 10 < 6 THEN DATE '{year}-01-01' + "
                f"((g * 7919) %% {span}) + 10 END",
            }
            cols, values = [], []
            for f in Appeal._meta.concrete_fields:
                if f.primary_key:
                    continue
                cols.append(f'"{f.column}"')
                if f.name in exprs or f.attname in exprs:
                    values.append(exprs.get(f.name) or exprs[f.attname])
                elif f.null:
                    values.append("NULL")
                elif f.get_internal_type() == "BooleanField":
                    values.append("false")
                elif f.get_internal_type() == "JSONField":
                    values.append("'[]'::jsonb")
                else:
                    values.append("''")
            # Column names and expressions are ours; the values are bound parameters.
            sql = f"INSERT INTO {Appeal._meta.db_table} ({', '.join(cols)}) "
            sql += f"SELECT {', '.join(values)} FROM generate_series(1, %(n)s) AS g"  # noqa: S608
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, {"first": first, "n": n})
            per_year[year] += n
            made += n
            self.stdout.write(f"{made} / {count}")
        return made

    def _generate_in_python(
        self,
        count: int,
        batch: int,
        rnd: random.Random,
        per_year: dict[int, int],
        today: date,
        depts: list[int],
    ) -> int:
        made = 0
        while made < count:
            rows = []
            for _ in range(min(batch, count - made)):
                day = today - timedelta(days=rnd.randint(0, 3 * 365))
                year = day.year
                per_year[year] = per_year.get(year, 0) + 1
                seq = per_year[year]
                status = (
                    rnd.choice(STATUSES)
                    if day < today - timedelta(days=40)
                    else rnd.choice([Status.REGISTERED, Status.ASSIGNED, Status.ASSIGNED])
                )
                received = datetime.combine(
                    day, time(rnd.randint(9, 17), rnd.randint(0, 59)), ALMATY
                )
                rows.append(
                    Appeal(
                        incoming_number=f"{year}-{seq:06d}",
                        year=year,
                        seq=seq,
                        access_code=secrets.token_hex(4).upper(),
                        channel=rnd.choice(Channel.values),
                        kind=rnd.choice(Kind.values),
                        applicant_type="individual",
                        last_name=rnd.choice(SURNAMES),
                        first_name=rnd.choice(NAMES),
                        phone=f"+7701{rnd.randint(1000000, 9999999)}",
                        text="Синтетическое обращение для нагрузочного теста.",
                        language="ru",
                        language_detected="ru",
                        received_at=received,
                        registered_on=day,
                        registered_at=received,
                        status=status,
                        suggested_decision=Decision.ACCEPTED,
                        decision=Decision.ACCEPTED if status != Status.REGISTERED else "",
                        department_id=rnd.choice(depts) if status != Status.REGISTERED else None,
                        due_date=day + timedelta(days=21),
                        due_date_unadjusted=day + timedelta(days=21),
                        answered_on=day + timedelta(days=10) if status == Status.ANSWERED else None,
                    )
                )
            with transaction.atomic():
                Appeal.objects.bulk_create(rows, batch_size=batch)
            made += len(rows)
            if made % (batch * 20) == 0 or made == count:
                self.stdout.write(f"{made} / {count}")
        return made
