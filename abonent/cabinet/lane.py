"""The readings lane: ``POST /api/v1/readings`` from staff and integrations answered in the
server's event loop (#7: 500 readings a second, p99 under 100 ms).

On PostgreSQL the ASGI entry point offers a reading sent with a bearer token here first
(``core/lane.py`` has what the lanes share, and their rule: answer only what the API
operation would answer, exactly so; otherwise send nothing, keep nothing, and leave the
request to the operation). The lane takes the reading as ``services.submit_reading`` does,
on a connection of the lanes' pool, in two statements, each its own transaction:

1. the token checked (active, its user active and not a superuser; the user's name and
   roles), the meter found by account and serial, and its latest readings, each with its
   row version;
2. the roles' sources (``permissions.role_sources``), the same verdict (``services.judge``),
   the same stored fields and audit entry; then one statement inserts the reading — or
   replaces the period's reading *only if its row is still the version read* — and writes
   its audit row.

The operation locks the meter instead; the lane does not need to. Two submissions of one
period cannot both insert (the unique period of a meter: the second fails and goes to the
operation, which finds the first and replaces it), and a replaced reading that changed
meanwhile is not overwritten (the update finds another version and the reading goes to the
operation). What the lane leaves to the operation: a body it would refuse (the lane takes
JSON only), a token it would refuse, a superuser, a source the roles do not allow, an
unknown meter, every refused reading (``decreasing``, ``needs_confirmation``...), any
error before the write. The operation then takes the reading afresh and answers it. An
error that leaves unknown whether the write committed (a lost connection) is not left to
the operation, which would store the reading a second time: the server answers 500.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any

import psycopg
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder
from pydantic import ValidationError

from abonent.cabinet import rules, services
from abonent.cabinet.api import ReadingIn, reading_out
from abonent.cabinet.models import Account, Meter, Reading
from abonent.cabinet.permissions import role_sources
from abonent.core import audit, lane
from abonent.core.errors import DomainError
from abonent.core.lib import fast_insert
from abonent.core.lib.fast_insert import loaded
from abonent.core.models import AuditEntry

PATH = "/api/v1/readings"
MAX_READING_BYTES = 4 * 1024  # a reading is a few fields; a longer body is the operation's
log = logging.getLogger(__name__)


@functools.cache
def _read_sql() -> tuple[str, list[Any], list[Any]]:
    """The token's user, name and roles; the meter by account and serial; and its latest
    readings up to a period, newest first, each with its row version (one row per reading,
    or one row without a reading). The meter's and the readings' fields."""
    meter: list[Any] = list(Meter._meta.concrete_fields)
    reading: list[Any] = list(Reading._meta.concrete_fields)
    sql = (
        f"WITH {lane.token_cte(integration_only=False)} "  # noqa: S608
        f"SELECT tok.user_id, tok.username, tok.roles, {lane.columns(meter, 'm.')}, "
        f"{lane.columns(reading, 'r.')}, r.row_version::text "
        f'FROM tok CROSS JOIN "{Meter._meta.db_table}" m '
        f'JOIN "{Account._meta.db_table}" a ON a.id = m.account_id '
        f"LEFT JOIN LATERAL (SELECT {lane.columns(reading)}, xmin AS row_version "
        f'FROM "{Reading._meta.db_table}" WHERE meter_id = m.id AND period <= %s '
        "ORDER BY period DESC LIMIT %s) r ON true "
        "WHERE a.number = %s AND m.serial = %s AND m.is_active AND a.is_active"
    )
    return sql, meter, reading


@functools.cache
def _write_sql(replacing: bool) -> str:
    """The reading inserted — or (``replacing``) the period's reading updated, only if its
    row is still the version read — and its audit row naming it, in one statement; the
    values are ``fast_insert``'s for the reading (then, replacing, the version read), then
    the audit entry's without its object id. No row back: the reading changed meanwhile."""
    table = Reading._meta.db_table
    columns = fast_insert.value_fields(Reading)
    if replacing:
        assignments = ", ".join(f'"{f.column}" = %s' for f in columns)
        written = (
            f'UPDATE "{table}" SET {assignments} '  # noqa: S608
            "WHERE id = %s AND xmin = %s::xid RETURNING id"
        )
    else:
        values = ", ".join(["%s"] * len(columns))
        written = f'INSERT INTO "{table}" ({lane.columns(columns)}) VALUES ({values}) RETURNING id'  # noqa: S608
    entry = fast_insert.insert_from_sql(AuditEntry, "r", {"object_id": "r.id::text"})
    return f"WITH r AS ({written}) {entry} RETURNING object_id"


def _payload(scope: dict[str, Any], body: bytes) -> ReadingIn | None:
    ctype = (lane.header(scope, b"content-type") or b"").partition(b";")[0].strip().lower()
    if ctype != b"application/json":
        return None  # the operation reads any body as JSON; the lane takes JSON only
    raw = lane.body_fields(scope, body, MAX_READING_BYTES)
    if raw is None:
        return None
    try:
        return ReadingIn.model_validate(raw)
    except ValidationError:
        return None


class _Taken:
    """A reading judged and ready to store."""

    def __init__(self, payload: ReadingIn, rows: list[Any]) -> None:
        _sql, meter_fields, reading_fields = _read_sql()
        user_id, username, _roles = rows[0][:3]
        split = 3 + len(meter_fields)
        meter = loaded(Meter, meter_fields, rows[0][3:split])
        candidates, versions = [], {}
        for row in rows:
            if row[split] is not None:  # the reading's id: there is one
                reading = loaded(Reading, reading_fields, row[split:-1])
                candidates.append(reading)
                versions[reading.pk] = row[-1]
        today = timezone.localdate(services.now())
        verdict, existing = services.judge(
            meter, candidates, payload.value, confirm=payload.confirm, today=today
        )
        fields = services.stored_fields(verdict, source=payload.source, submitted_by=None)
        before = services.audited_before(existing, meter)
        if existing is not None:
            for name, value in fields.items():
                setattr(existing, name, value)
            reading = existing
            self.version: str | None = versions[existing.pk]
        else:
            assert verdict.period is not None
            reading = Reading(meter=meter, period=verdict.period, **fields)
            self.version = None
        reading.submitted_by_id = user_id
        self.reading, self.meter = reading, meter
        # Its object id is the reading's, which the write statement puts in.
        self.entry = audit.new_entry(
            actor_id=user_id,
            actor_label=username,
            action=services.audit_action(existing),
            obj=reading,
            before=before,
            after=services.audited_after(reading, meter),
        )

    @property
    def replacing(self) -> bool:
        return self.version is not None

    def write(self) -> tuple[str, list[Any]]:
        if self.version is not None:
            values = [*fast_insert.update_statement(self.reading)[1], self.version]
        else:
            values = fast_insert.insert_statement(self.reading)[1]
        entry = fast_insert.insert_values_but(self.entry, ["object_id"])
        return _write_sql(self.replacing), [*values, *entry]


def _take(payload: ReadingIn, rows: list[Any]) -> _Taken | None:
    """The reading judged, or None where the operation takes it."""
    if not rows:
        return None  # not a token the lane takes, or no such meter: the operation says
    if payload.source not in role_sources(set(rows[0][2])):
        return None  # 403: the operation says it
    try:
        return _Taken(payload, rows)
    except DomainError:
        return None  # a refused reading: the operation refuses it
    except Exception as error:  # whatever else, the operation will say it
        log.debug("Readings lane: %r; the reading goes on to the operation", error)
        return None


async def post_reading(scope: dict[str, Any], body: bytes, send: Any) -> bool:
    """Answer the reading and return True, or return False having sent and kept nothing."""
    token = lane.eligible(scope)
    if token is None:
        return False
    payload = _payload(scope, body)
    models = (Reading, AuditEntry)
    if payload is None or not all(fast_insert.applies(m) for m in models):
        return False
    today = timezone.localdate(services.now())
    read_sql = _read_sql()[0]
    params = [
        *lane.token_params(token, timezone.now()),
        rules.add_months(today, 1),
        services.HISTORY_POINTS + 2,
        payload.account,
        payload.meter,
    ]
    wrote = False
    try:
        pool = await lane.POOL.get()
        async with pool.connection() as conn:
            cursor = await conn.execute(read_sql, params)
            taken = _take(payload, await cursor.fetchall())
            if taken is None:
                return False
            write = taken.write()
            wrote = True
            cursor = await conn.execute(*write)
            written = await cursor.fetchone()
    except psycopg.errors.UniqueViolation:
        return False  # another submission stored this period meanwhile: the operation replaces
    except Exception as error:
        if wrote and lane.uncertain(error):
            raise  # the write may have committed: a second try would store the reading twice
        log.warning("Readings lane: %r; the reading goes on to the operation", error)
        return False
    if written is None:
        return False  # the period's reading changed meanwhile: the operation takes it afresh
    taken.reading.pk = int(written[0])
    out = reading_out(payload, taken.reading, taken.meter.decimals, replaced=taken.replacing)
    answer = json.dumps(out.model_dump(), cls=NinjaJSONEncoder).encode()
    await lane.respond(scope, send, 201, answer)
    return True
