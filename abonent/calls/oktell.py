"""Oktell's call statistics as a CSV export, turned into the same events the PBX posts
(CC-4). The nightly import (``manage.py import_oktell_calls <csv>``) fills in what the web
requests missed: it goes through ``ingest.record_event``, so an event already delivered is
not stored twice and a re-import changes nothing.

The export is one row per connection of Oktell's ``A_Stat_Connections_1x1`` table (a call
chain ``IdChain`` has one row per leg: caller → IVR, caller → operator, ...). Columns, by
header name (order free; ``;``, ``,`` or tab separated; UTF-8, a BOM allowed):

=================  =========  ===============================================================
column             required   meaning and mapping
=================  =========  ===============================================================
IdChain            yes        the call chain (GUID) → ``Call.call_id``
TimeStart          yes        start of the leg, PBX local time (``ABONENT_OKTELL_TIME_ZONE``)
TimeStop           no         end of the leg; empty while it lasts
ConnectionType     yes        Oktell's leg type: 1 inside→outside, 2 inside→IVR, 3 inside→
                              inside, 4 outside→IVR, 5 outside→inside, 6 outside→outside,
                              7 IVR→outside, 8 IVR→inside
AOutNumber         yes        the A side's (caller's) external number
BOutNumber         yes        the B side's (called) external number
ALineNum           no         the A side's line / internal number
BLineNum           no         the B side's line / internal number
IsRecorded         no         1 when the leg was recorded
RecordPath         no         (our addition to the export query) the recording's path under
                              the record folder, or its URL
=================  =========  ===============================================================

A chain becomes:
- ``call.started`` at its first ``TimeStart``; direction ``in`` when a leg comes from outside
  (types 4, 5, 6), ``out`` when one goes outside (1, 7); chains only between inside lines
  (2, 3, 8) are internal calls and are skipped. Phone: the first outside leg's
  ``AOutNumber`` (incoming) or ``BOutNumber`` (outgoing).
- ``call.answered`` at the first leg that connects an operator (type 5 for incoming, 1 for
  outgoing: a 1x1 connection exists only once both sides talk); the operator is that leg's
  internal line (``BLineNum`` for 5, ``ALineNum`` for 1).
- ``call.ended`` at the last ``TimeStop`` when every leg has one.
- ``recording.ready`` when a leg has a ``RecordPath``; ``IsRecorded`` alone sets the
  ``recorded`` flag.

Assumed (not seen in Oktell's documentation, which is not public): the meaning of types 6 and
8 for direction, that ``BLineNum``/``ALineNum`` hold the operator's internal number (map it
to a user with an ``OperatorLine``), and the ``RecordPath`` column. A row that cannot be read
skips its whole chain (a chain with a leg missing would be wrong), reported by line number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from abonent.calls.ingest import EventData
from abonent.calls.models import Direction, Event
from abonent.calls.recordings import is_valid_reference, normalise_reference
from abonent.calls.rules import (
    BadPhone,
    BadTime,
    normalise_call_id,
    normalise_phone,
    parse_pbx_time,
)

REQUIRED = ("IdChain", "TimeStart", "ConnectionType", "AOutNumber", "BOutNumber")
FROM_OUTSIDE = {4, 5, 6}
TO_OUTSIDE = {1, 7}
OPERATOR_LEG = {Direction.IN: 5, Direction.OUT: 1}


class BadFile(ValueError):
    pass


class BadChain(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Leg:
    line: int
    chain: str
    start: datetime
    stop: datetime | None
    kind: int
    a_number: str
    b_number: str
    a_line: str
    b_line: str
    recorded: bool
    record_path: str


@dataclass
class Parsed:
    chains: dict[str, list[Leg]] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)
    broken_chains: set[str] = field(default_factory=set)
    rows: int = 0


def _reader(text: str) -> Iterator[dict[str, str]]:
    head = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(head, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise BadFile("Missing columns: " + ", ".join(missing))
    return reader


def _flag(raw: str) -> bool:
    return raw.strip().lower() in {"1", "true", "yes"}


def parse_export(text: str, zone: tzinfo) -> Parsed:
    """Read the export into legs grouped by chain; rows that cannot be read are reported by
    line number (the header is line 1) and spoil their chain."""
    out = Parsed()
    reader = _reader(text.lstrip("\ufeff"))
    for row in reader:
        out.rows += 1
        line = reader.line_num  # type: ignore[attr-defined]
        chain = normalise_call_id(row.get("IdChain") or "")
        try:
            leg = _leg(row, line, chain, zone)
        except ValueError as exc:
            out.errors.append((line, str(exc)))
            if chain:
                out.broken_chains.add(chain)
            continue
        out.chains.setdefault(chain, []).append(leg)
    return out


def _leg(row: dict[str, str], line: int, chain: str, zone: tzinfo) -> Leg:
    # An uploaded file is not checked by the site's NUL guard; PostgreSQL text refuses NUL.
    if any("\x00" in str(value) for value in row.values() if value is not None):
        raise ValueError("the row contains a NUL character")
    if not chain or len(chain) > 64 or not chain.isprintable():
        raise ValueError("IdChain is empty, too long or not printable")
    try:
        start = parse_pbx_time(row.get("TimeStart") or "", zone)
    except BadTime:
        raise ValueError(f"TimeStart is not a time: {row.get('TimeStart')!r}") from None
    stop = None
    if (row.get("TimeStop") or "").strip():
        try:
            stop = parse_pbx_time(row["TimeStop"], zone)
        except BadTime:
            raise ValueError(f"TimeStop is not a time: {row.get('TimeStop')!r}") from None
        if stop < start:
            raise ValueError("TimeStop is before TimeStart")
    try:
        kind = int((row.get("ConnectionType") or "").strip())
    except ValueError:
        raise ValueError(f"ConnectionType is not a number: {row.get('ConnectionType')!r}") from None
    if not 1 <= kind <= 8:
        raise ValueError(f"ConnectionType {kind} is not 1..8")
    path = normalise_reference((row.get("RecordPath") or "").strip())
    if path and not is_valid_reference(path):
        raise ValueError("RecordPath is neither a URL nor a path inside the record folder")
    return Leg(
        line=line,
        chain=chain,
        start=start,
        stop=stop,
        kind=kind,
        a_number=(row.get("AOutNumber") or "").strip(),
        b_number=(row.get("BOutNumber") or "").strip(),
        a_line=(row.get("ALineNum") or "").strip(),
        b_line=(row.get("BLineNum") or "").strip(),
        recorded=_flag(row.get("IsRecorded") or ""),
        record_path=path,
    )


def chain_events(chain: str, legs: list[Leg]) -> list[EventData]:
    """The events of one call chain (empty for an internal call). Raises ``ValueError``
    when the chain's caller number cannot be read (``BadChain``)."""
    legs = sorted(legs, key=lambda g: (g.start, g.line))
    outside_in = [g for g in legs if g.kind in FROM_OUTSIDE]
    outside_out = [g for g in legs if g.kind in TO_OUTSIDE]
    if outside_in:
        direction, first, raw_phone = Direction.IN, outside_in[0], outside_in[0].a_number
    elif outside_out:
        direction, first, raw_phone = Direction.OUT, outside_out[0], outside_out[0].b_number
    else:
        return []
    try:
        phone = normalise_phone(raw_phone)
    except BadPhone:
        raise BadChain(first.line, f"not a phone number: {raw_phone!r}") from None
    recorded = any(g.recorded for g in legs)
    events = [
        EventData(
            event=Event.STARTED,
            at=legs[0].start,
            phone=phone,
            direction=direction,
            payload={"import": "oktell", "line": legs[0].line},
            call_id=chain,
            recorded=recorded,
        )
    ]
    answer = next((g for g in legs if g.kind == OPERATOR_LEG[direction]), None)
    if answer is not None:
        operator = answer.b_line if direction == Direction.IN else answer.a_line
        events.append(
            EventData(
                event=Event.ANSWERED,
                at=answer.start,
                operator=operator[:64],
                payload={"import": "oktell", "line": answer.line},
                call_id=chain,
                recorded=recorded,
            )
        )
    stops = [g.stop for g in legs]
    if all(s is not None for s in stops):
        last = max(s for s in stops if s is not None)
        events.append(
            EventData(
                event=Event.ENDED,
                at=last,
                payload={"import": "oktell"},
                call_id=chain,
                recorded=recorded,
            )
        )
    with_path = next((g for g in legs if g.record_path), None)
    if with_path is not None:
        events.append(
            EventData(
                event=Event.RECORDING_READY,
                at=with_path.stop or with_path.start,
                recording_url=with_path.record_path,
                payload={"import": "oktell", "line": with_path.line},
                call_id=chain,
                recorded=recorded,
            )
        )
    return events


def all_events(parsed: Parsed) -> Iterable[tuple[str, list[EventData] | BadChain]]:
    """(chain, its events) or (chain, why it was skipped) for every readable chain."""
    for chain, legs in parsed.chains.items():
        if chain in parsed.broken_chains:
            continue
        try:
            yield chain, chain_events(chain, legs)
        except BadChain as exc:
            yield chain, exc
