"""A fake Oktell for tests: it speaks to Abonent the way the PBX does.

- Its scenarios' web-request blocks post form bodies (``application/x-www-form-urlencoded``)
  with the scenario's variables, local PBX times without an offset (``2026-03-17
  10:00:05``), caller numbers as the trunk gives them (``87011234567``) and the operator's
  internal number, with ``Authorization: Bearer <token>`` in the request's headers.
- Its statistics export is one row per connection of ``A_Stat_Connections_1x1``
  (``IdChain``, ``TimeStart``, ``TimeStop``, ``ConnectionType``, ``AOutNumber``,
  ``BOutNumber``, ``ALineNum``, ``BLineNum``, ``IsRecorded``, ``RecordPath``), ``;``
  separated, SQL Server's ``YYYY-MM-DD HH:MM:SS.fff`` local times.

Every call it makes also goes into ``self.calls`` (the chain of legs it would have in its
statistics), so a test can export exactly what it replayed.
"""

from __future__ import annotations

import csv
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.test import Client

COLUMNS = [
    "Id",
    "IdChain",
    "TimeStart",
    "TimeStop",
    "ConnectionType",
    "AOutNumber",
    "BOutNumber",
    "ALineNum",
    "BLineNum",
    "IsRecorded",
    "RecordPath",
]
CC_NUMBER = "87172000000"  # the contact centre's public number (B side of incoming legs)
URL = "/api/v1/telephony/events"


def pbx_time(moment: datetime) -> str:
    """Oktell's local time as its scenarios format it (no offset)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def sql_time(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


@dataclass
class Leg:
    kind: int
    start: datetime
    stop: datetime | None
    a_number: str
    b_number: str
    a_line: str = ""
    b_line: str = ""
    recorded: bool = False
    record_path: str = ""


@dataclass
class Chain:
    chain_id: str
    legs: list[Leg] = field(default_factory=list)


class FakeOktell:
    def __init__(self, client: Client, token: str) -> None:
        self.client = client
        self.token = token
        self.calls: list[Chain] = []
        self.responses: list[Any] = []

    # ---- the web-request block -------------------------------------------------------

    def post(self, event: str, call_id: str, at: datetime, **fields: str) -> Any:
        body = {"event": event, "call_id": call_id, "at": pbx_time(at), **fields}
        response = self.client.post(URL, body, HTTP_AUTHORIZATION=f"Bearer {self.token}")
        self.responses.append(response)
        return response

    # ---- scenarios -------------------------------------------------------------------

    @staticmethod
    def new_chain_id() -> str:
        return str(uuid.uuid4()).upper()

    def answered_call(
        self,
        *,
        phone: str,
        operator: str,
        start: datetime,
        wait: int = 20,
        talk: int = 95,
        record_path: str = "",
        chain_id: str | None = None,
    ) -> Chain:
        """Caller → IVR (recorded-call warning) → queue → operator answers → hangs up."""
        chain = Chain(chain_id or self.new_chain_id())
        answered = start + timedelta(seconds=wait)
        ended = answered + timedelta(seconds=talk)
        chain.legs = [
            Leg(4, start, answered, phone, CC_NUMBER, b_line="IVR"),
            Leg(5, answered, ended, phone, CC_NUMBER, b_line=operator, recorded=True,
                record_path=record_path),
        ]  # fmt: skip
        self.calls.append(chain)
        self.post("call.started", chain.chain_id, start, phone=phone)
        self.post("call.answered", chain.chain_id, answered, phone=phone, operator=operator)
        self.post("call.ended", chain.chain_id, ended, phone=phone, operator=operator)
        return chain

    def missed_call(self, *, phone: str, start: datetime, wait: int = 45) -> Chain:
        """Caller waits in the queue and hangs up before an operator is free."""
        chain = Chain(self.new_chain_id())
        ended = start + timedelta(seconds=wait)
        chain.legs = [Leg(4, start, ended, phone, CC_NUMBER, b_line="IVR")]
        self.calls.append(chain)
        self.post("call.started", chain.chain_id, start, phone=phone)
        self.post("call.ended", chain.chain_id, ended, phone=phone)
        return chain

    def duplicate_delivery(self, *, phone: str, operator: str, start: datetime) -> Chain:
        """The web request timed out on Oktell's side, so each event is sent twice."""
        chain = self.answered_call(phone=phone, operator=operator, start=start)
        answered, ended = chain.legs[1].start, chain.legs[1].stop
        assert ended is not None
        self.post("call.started", chain.chain_id, start, phone=phone)
        self.post("call.answered", chain.chain_id, answered, phone=phone, operator=operator)
        self.post("call.ended", chain.chain_id, ended, phone=phone, operator=operator)
        return chain

    def out_of_order(self, *, phone: str, operator: str, start: datetime) -> Chain:
        """Deliveries retried from a queue arrive shuffled: ended, answered, started."""
        chain = Chain(self.new_chain_id())
        answered = start + timedelta(seconds=10)
        ended = answered + timedelta(seconds=60)
        chain.legs = [
            Leg(4, start, answered, phone, CC_NUMBER, b_line="IVR"),
            Leg(5, answered, ended, phone, CC_NUMBER, b_line=operator),
        ]
        self.calls.append(chain)
        self.post("call.ended", chain.chain_id, ended, phone=phone)
        self.post("call.answered", chain.chain_id, answered, phone=phone, operator=operator)
        self.post("call.started", chain.chain_id, start, phone=phone)
        return chain

    def recording_later(self, chain: Chain, *, record_path: str, ready: datetime) -> Any:
        """The record is converted after the call and announced minutes later."""
        for leg in chain.legs:
            if leg.kind == 5:
                leg.record_path = record_path
        return self.post("recording.ready", chain.chain_id, ready, recording_url=record_path)

    # ---- the statistics export -------------------------------------------------------

    def write_csv(self, path: Path, chains: list[Chain] | None = None) -> Path:
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, delimiter=";")
            writer.writerow(COLUMNS)
            for chain in chains if chains is not None else self.calls:
                for leg in chain.legs:
                    writer.writerow(
                        [
                            str(uuid.uuid4()).upper(),
                            chain.chain_id,
                            sql_time(leg.start),
                            sql_time(leg.stop),
                            leg.kind,
                            leg.a_number,
                            leg.b_number,
                            leg.a_line,
                            leg.b_line,
                            int(leg.recorded),
                            leg.record_path.replace("/", "\\"),
                        ]
                    )
        return path
