"""Import from the billing system: consumers, accounts, meters, bills, payments, readings.

``python manage.py import_billing FILE [--format csv|json|jsonl] [--report rejected.csv]``

Idempotent: every record is an upsert by its key — consumer by ``consumer_code``, account by
``account`` number, meter by (account, ``meter_serial``), bill by (account, ``bill_period``),
payment by ``payment_reference``; importing the same file twice changes nothing the second
time. Readings from billing only fill gaps: a reading already here for that meter and period
(e.g. one the consumer submitted) is kept. Accounts, meters and bills absent from the file
are left alone.

A record (a CSV row, a JSON object) is all or nothing: any bad field rejects the whole record
with its line number and reason, into the report (printed, and written as CSV with
``--report``); the other records go on. Valid records are written in chunks of 2,000 in one
transaction each; should the database refuse a chunk, its records are written one by one so
that only the culprit is rejected. Progress is printed every 10,000 records.

CSV (UTF-8, optional BOM; comma or semicolon, taken from the header line; a header row
names the columns, in any order; unknown columns are ignored). One row per account and meter:
an account with two meters has two rows, repeating the account's columns.

=================  ========  ====================================================
column             required  meaning
=================  ========  ====================================================
account            yes       personal account number (1-20 letters, digits, ``-``)
consumer_code      yes       the consumer's id in billing (up to 32 characters)
consumer_kind      yes       ``individual`` or ``legal_entity``
segment            indiv.    ``mzhf`` (multi-apartment housing) or ``private``;
                             empty for a legal entity
consumer_name      yes       full name / organisation name
tax_id                       IIN / BIN, 12 digits
phone, email                 contacts on file
city, street, building, apartment, postcode    the consumer's address
iban, bank_name, bic         a legal entity's bank details (for its invoices)
address                      the premises the account is for
contract_number, contract_date
balance                      what the consumer owes (negative: overpaid), 2 decimals
balance_on                   the date of the balance, YYYY-MM-DD
account_active               1/0, true/false, yes/no (default: active)
meter_serial       meter     the meter's serial number; the other meter columns need it
meter_kind         meter     ``hot_water``, ``cold_water``, ``electricity``, ``heat``
meter_digits       meter     digits of the register before the point, 1-12
meter_decimals               digits after the point, 0-3 (default 0)
verification_due             YYYY-MM-DD
window_first_day, window_last_day   the meter's own submission window (both or none)
meter_active                 default: active
reading_period, reading_value       a reading of the row's meter (YYYY-MM, number)
bill_period        bill      YYYY-MM; the other bill columns need it
bill_number, bill_issued_on, bill_due_on
bill_net, bill_vat, bill_total   bill  amounts; total must equal net + VAT
bill_vat_rate                percent (default 0)
bill_lines                   a JSON list of lines ``{"name", "unit", "quantity",
                             "price", "net", "vat", "total"}`` (and optionally
                             ``name_kk``, the name in Kazakh); their totals must
                             add up to ``bill_total``
payment_reference  payment   the payment's id in billing
payment_date, payment_amount  payment  YYYY-MM-DD, amount > 0
payment_bank                 bank or channel
=================  ========  ====================================================

JSON: an array of account records, an object ``{"accounts": [...]}``, or JSON Lines (one
record per line, ``--format jsonl`` or a .jsonl/.ndjson file; streamed, for large files).
A record nests the same fields::

    {"account": "...", "address": "...", "contract_number": "...", "contract_date": "...",
     "balance": "...", "balance_on": "...", "is_active": true,
     "consumer": {"code", "kind", "segment", "name", "tax_id", "phone", "email", "city",
                  "street", "building", "apartment", "postcode", "iban", "bank_name", "bic"},
     "meters": [{"serial", "kind", "digits", "decimals", "verification_due",
                 "window_first_day", "window_last_day", "is_active"}],
     "readings": [{"meter", "period", "value"}],
     "bills": [{"period", "number", "issued_on", "due_on", "net", "vat_rate", "vat",
                "total", "lines": [...]}],
     "payments": [{"reference", "paid_on", "amount", "bank"}]}
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from abonent.cabinet.models import (
    Account,
    Bill,
    CabinetLogin,
    Consumer,
    ConsumerKind,
    HouseholdSegment,
    ImportRun,
    Meter,
    MeterKind,
    Payment,
    Reading,
    ReadingSource,
    ReadingStatus,
)
from abonent.cabinet.upsert import upsert
from abonent.core import audit

CHUNK = 2000
PROGRESS_EVERY = 10_000
FORMATS = ("csv", "json", "jsonl")

CONSUMER_FIELDS = [
    "kind", "segment", "name", "tax_id", "phone", "email", "address_city", "address_street",
    "address_building", "address_apartment", "postcode", "iban", "bank_name", "bic",
]  # fmt: skip
ACCOUNT_FIELDS = [
    "consumer_id", "address", "contract_number", "contract_date", "balance", "balance_on",
    "is_active",
]  # fmt: skip
METER_FIELDS = [
    "kind", "digits", "decimals", "verification_due", "window_first_day", "window_last_day",
    "is_active",
]  # fmt: skip
BILL_FIELDS = [
    "number", "issued_on", "due_on", "amount_net", "vat_rate", "vat_amount", "amount_total",
    "lines",
]  # fmt: skip
PAYMENT_FIELDS = ["account_id", "paid_on", "amount", "bank"]


class RowError(Exception):
    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Rejection:
    line: int
    account: str
    reason: str


@dataclass
class Record:
    line: int
    account: dict[str, Any]
    consumer: dict[str, Any]
    meters: list[dict[str, Any]] = field(default_factory=list)
    readings: list[dict[str, Any]] = field(default_factory=list)
    bills: list[dict[str, Any]] = field(default_factory=list)
    payments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ImportResult:
    run: ImportRun
    rows: int = 0
    accepted: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


# --- reading the file --------------------------------------------------------------------


class _CountingReader(io.RawIOBase):
    """Counts the bytes read, for progress on large files."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.done = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.done += len(data)
        return len(data)


def _csv_records(text: IO[str]) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    header = text.readline()
    delimiter = ";" if header.count(";") > header.count(",") else ","
    names = [n.strip().lower() for n in next(csv.reader([header], delimiter=delimiter))]
    if "account" not in names:
        raise ValueError("the header row has no 'account' column")
    reader = csv.reader(text, delimiter=delimiter)
    line = 1
    for row in reader:
        start, line = line + 1, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(names):
            yield start, RowError("row", f"{len(row)} cells for {len(names)} columns")
            continue
        yield start, _nest(dict(zip(names, row, strict=False)))


def _nest(flat: dict[str, str]) -> dict[str, Any]:
    """A flat CSV row as a JSON-shaped record."""

    def pick(*pairs: tuple[str, str]) -> dict[str, str]:
        return {key: flat[col] for key, col in pairs if flat.get(col, "").strip() != ""}

    record: dict[str, Any] = pick(
        ("account", "account"), ("address", "address"), ("contract_number", "contract_number"),
        ("contract_date", "contract_date"), ("balance", "balance"),
        ("balance_on", "balance_on"), ("is_active", "account_active"),
    )  # fmt: skip
    record["consumer"] = pick(
        ("code", "consumer_code"), ("kind", "consumer_kind"), ("segment", "segment"),
        ("name", "consumer_name"), ("tax_id", "tax_id"), ("phone", "phone"), ("email", "email"),
        ("city", "city"), ("street", "street"), ("building", "building"),
        ("apartment", "apartment"), ("postcode", "postcode"), ("iban", "iban"),
        ("bank_name", "bank_name"), ("bic", "bic"),
    )  # fmt: skip
    meter = pick(
        ("serial", "meter_serial"), ("kind", "meter_kind"), ("digits", "meter_digits"),
        ("decimals", "meter_decimals"), ("verification_due", "verification_due"),
        ("window_first_day", "window_first_day"), ("window_last_day", "window_last_day"),
        ("is_active", "meter_active"),
    )  # fmt: skip
    record["meters"] = [meter] if meter else []
    reading = pick(("period", "reading_period"), ("value", "reading_value"))
    if reading:
        reading["meter"] = flat.get("meter_serial", "")
    record["readings"] = [reading] if reading else []
    bill = pick(
        ("period", "bill_period"), ("number", "bill_number"), ("issued_on", "bill_issued_on"),
        ("due_on", "bill_due_on"), ("net", "bill_net"), ("vat_rate", "bill_vat_rate"),
        ("vat", "bill_vat"), ("total", "bill_total"), ("lines", "bill_lines"),
    )  # fmt: skip
    if "lines" in bill:
        try:
            bill["lines"] = json.loads(bill["lines"])
        except ValueError:
            bill["lines"] = "not JSON"
    record["bills"] = [bill] if bill else []
    payment = pick(
        ("reference", "payment_reference"), ("paid_on", "payment_date"),
        ("amount", "payment_amount"), ("bank", "payment_bank"),
    )  # fmt: skip
    record["payments"] = [payment] if payment else []
    return record


def _jsonl_records(text: IO[str]) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RowError("line", f"not JSON ({exc.msg})")
            continue
        yield number, item if isinstance(item, dict) else RowError("line", "not a JSON object")


def _json_records(text: IO[str]) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    data = json.load(text)
    items = data.get("accounts") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError("a JSON file holds a list of accounts or {'accounts': [...]}")
    for number, item in enumerate(items, start=1):
        yield number, item if isinstance(item, dict) else RowError("record", "not an object")


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return "jsonl"
    return "json" if suffix == ".json" else "csv"


# --- checking a record -------------------------------------------------------------------

_ACCOUNT = re.compile(r"[0-9A-Za-z-]{1,20}")
_PERIOD = re.compile(r"(\d{4})-(\d{2})")
_TRUE, _FALSE = {"1", "true", "yes", "y", "да"}, {"0", "false", "no", "n", "нет"}
_YES_NO = _TRUE | _FALSE
_LIMITS = {n: Decimal(10) ** n for n in range(1, 19)}  # every row checks a few amounts


def _text(data: dict[str, Any], key: str, where: str, *, limit: int, required: bool = False) -> str:
    raw = data.get(key)
    value = "" if raw is None else str(raw).strip()
    if "\x00" in value:  # PostgreSQL text cannot hold it: a rejected row, not a failed run
        raise RowError(where, "contains a NUL character")
    if required and not value:
        raise RowError(where, "missing")
    if len(value) > limit:
        raise RowError(where, f"longer than {limit} characters")
    return value


def _decimal(raw: Any, where: str, *, places: int, limit: int = 12) -> Decimal:
    if isinstance(raw, bool) or raw is None or raw == "":
        raise RowError(where, "missing")
    text = str(raw).strip().replace(",", ".").replace(" ", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowError(where, f"not a number: {str(raw)[:40]!r}") from None
    if not value.is_finite() or -value.as_tuple().exponent > places:  # type: ignore[operator]
        raise RowError(where, f"at most {places} digits after the point")
    if abs(value) >= _LIMITS[limit]:
        raise RowError(where, "too large")
    return value


def _int(raw: Any, where: str, low: int, high: int) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise RowError(where, f"not a whole number: {str(raw)[:40]!r}") from None
    if not low <= value <= high:
        raise RowError(where, f"must be {low}-{high}")
    return value


def _date(raw: Any, where: str) -> date | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise RowError(where, f"not a date YYYY-MM-DD: {str(raw)[:40]!r}") from None


def _period(raw: Any, where: str) -> date:
    match = _PERIOD.fullmatch(str(raw or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise RowError(where, f"not a month YYYY-MM: {str(raw)[:40]!r}")
    return date(int(match.group(1)), int(match.group(2)), 1)


def _bool(raw: Any, where: str) -> bool:
    if raw is None or raw == "" or raw is True:
        return True
    if raw is False:
        return False
    text = str(raw).strip().lower()
    if text in _YES_NO:
        return text in _TRUE
    raise RowError(where, f"not yes/no: {text[:20]!r}")


# An enum's ``values`` builds a new list on every access; each row checks three.
_CONSUMER_KINDS = ConsumerKind.values
_SEGMENTS = HouseholdSegment.values
_METER_KINDS = MeterKind.values


def _choice(raw: Any, where: str, choices: list[str], *, required: bool = True) -> str:
    value = str(raw or "").strip()
    if not value and not required:
        return ""
    if value not in choices:
        raise RowError(where, f"must be one of {', '.join(choices)}")
    return value


def _list(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise RowError(key, "must be a list of objects")
    return items


def _consumer(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise RowError("consumer", "missing")
    kind = _choice(data.get("kind"), "consumer_kind", _CONSUMER_KINDS)
    segment = _choice(data.get("segment"), "segment", _SEGMENTS, required=False)
    if kind == ConsumerKind.INDIVIDUAL and not segment:
        raise RowError("segment", "an individual needs mzhf or private")
    if kind == ConsumerKind.LEGAL_ENTITY and segment:
        raise RowError("segment", "must be empty for a legal entity")
    tax_id = _text(data, "tax_id", "tax_id", limit=12)
    if tax_id and not (len(tax_id) == 12 and tax_id.isdigit()):
        raise RowError("tax_id", "an IIN/BIN has 12 digits")
    email = _text(data, "email", "email", limit=254)
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise RowError("email", "not an e-mail address")
    text = {
        "code": ("code", 32, True), "name": ("name", 300, True), "phone": ("phone", 32, False),
        "address_city": ("city", 100, False), "address_street": ("street", 200, False),
        "address_building": ("building", 32, False),
        "address_apartment": ("apartment", 32, False), "postcode": ("postcode", 16, False),
        "iban": ("iban", 34, False), "bank_name": ("bank_name", 200, False),
        "bic": ("bic", 16, False),
    }  # fmt: skip
    out: dict[str, Any] = {"kind": kind, "segment": segment, "tax_id": tax_id, "email": email}
    for name, (key, limit, required) in text.items():
        where = f"consumer_{key}" if key in {"code", "name"} else key
        out[name] = _text(data, key, where, limit=limit, required=required)
    return out


def _meter(data: dict[str, Any]) -> dict[str, Any]:
    first, last = data.get("window_first_day"), data.get("window_last_day")
    window: tuple[int | None, int | None] = (None, None)
    if first not in (None, "") or last not in (None, ""):
        window = (_int(first, "window_first_day", 1, 31), _int(last, "window_last_day", 1, 31))
        if window[0] > window[1]:  # type: ignore[operator]
            raise RowError("window_first_day", "after window_last_day")
    return {
        "serial": _text(data, "serial", "meter_serial", limit=40, required=True),
        "kind": _choice(data.get("kind"), "meter_kind", _METER_KINDS),
        "digits": _int(data.get("digits"), "meter_digits", 1, 12),
        "decimals": _int(data.get("decimals") or 0, "meter_decimals", 0, 3),
        "verification_due": _date(data.get("verification_due"), "verification_due"),
        "window_first_day": window[0],
        "window_last_day": window[1],
        "is_active": _bool(data.get("is_active"), "meter_active"),
    }


def _bill(data: dict[str, Any]) -> dict[str, Any]:
    net = _decimal(data.get("net"), "bill_net", places=2)
    vat = _decimal(data.get("vat", "0"), "bill_vat", places=2)
    total = _decimal(data.get("total"), "bill_total", places=2)
    if net + vat != total:
        raise RowError("bill_total", f"{total} is not net {net} + VAT {vat}")
    raw_lines = data.get("lines") or []
    if not isinstance(raw_lines, list) or not all(isinstance(x, dict) for x in raw_lines):
        raise RowError("bill_lines", "must be a JSON list of objects")
    lines: list[dict[str, str]] = []
    lines_total = Decimal(0)
    for i, line in enumerate(raw_lines, start=1):
        where = f"bill_lines[{i}]"
        checked: dict[str, str | Decimal] = {
            "name": _text(line, "name", f"{where}.name", limit=300, required=True),
            "unit": _text(line, "unit", f"{where}.unit", limit=20),
            "quantity": _decimal(line.get("quantity"), f"{where}.quantity", places=3),
            "price": _decimal(line.get("price"), f"{where}.price", places=4),
            "net": _decimal(line.get("net"), f"{where}.net", places=2),
            "vat": _decimal(line.get("vat", "0"), f"{where}.vat", places=2),
            "total": _decimal(line.get("total"), f"{where}.total", places=2),
        }
        if line.get("name_kk"):
            checked["name_kk"] = _text(line, "name_kk", f"{where}.name_kk", limit=300)
        lines_total += Decimal(str(checked["total"]))
        lines.append({k: str(v) for k, v in checked.items()})
    if lines and lines_total != total:
        raise RowError("bill_lines", "the lines do not add up to bill_total")
    rate = _decimal(data.get("vat_rate") or "0", "bill_vat_rate", places=2, limit=3)
    if not 0 <= rate <= 100:
        raise RowError("bill_vat_rate", "must be 0-100")
    return {
        "period": _period(data.get("period"), "bill_period"),
        "number": _text(data, "number", "bill_number", limit=40),
        "issued_on": _date(data.get("issued_on"), "bill_issued_on"),
        "due_on": _date(data.get("due_on"), "bill_due_on"),
        "amount_net": net,
        "vat_rate": rate,
        "vat_amount": vat,
        "amount_total": total,
        "lines": lines,
    }


def _payment(data: dict[str, Any]) -> dict[str, Any]:
    amount = _decimal(data.get("amount"), "payment_amount", places=2)
    if amount <= 0:
        raise RowError("payment_amount", "must be above zero")
    paid_on = _date(data.get("paid_on"), "payment_date")
    if paid_on is None:
        raise RowError("payment_date", "missing")
    return {
        "reference": _text(data, "reference", "payment_reference", limit=64, required=True),
        "paid_on": paid_on,
        "amount": amount,
        "bank": _text(data, "bank", "payment_bank", limit=100),
    }


def _reading(data: dict[str, Any], meters: dict[str, dict[str, Any]]) -> dict[str, Any]:
    serial = str(data.get("meter") or "").strip()
    meter = meters.get(serial)
    if meter is None:
        raise RowError("reading", f"meter {serial[:40]!r} is not among the record's meters")
    value = _decimal(data.get("value"), "reading_value", places=meter["decimals"])
    if value < 0 or value >= Decimal(10) ** meter["digits"]:
        raise RowError("reading_value", "outside the meter's register")
    return {
        "meter": serial,
        "period": _period(data.get("period"), "reading_period"),
        "value": value,
    }


def check_record(line: int, data: dict[str, Any]) -> Record:
    """The record with every field checked and converted; RowError names the first problem."""
    number = _text(data, "account", "account", limit=20, required=True)
    if not _ACCOUNT.fullmatch(number):
        raise RowError("account", "only letters, digits and '-'")
    account = {
        "number": number,
        "address": _text(data, "address", "address", limit=300),
        "contract_number": _text(data, "contract_number", "contract_number", limit=50),
        "contract_date": _date(data.get("contract_date"), "contract_date"),
        "balance": _decimal(data.get("balance") or "0", "balance", places=2),
        "balance_on": _date(data.get("balance_on"), "balance_on"),
        "is_active": _bool(data.get("is_active"), "account_active"),
    }
    meters = [_meter(m) for m in _list(data, "meters")]
    by_serial = {m["serial"]: m for m in meters}
    return Record(
        line=line,
        account=account,
        consumer=_consumer(data.get("consumer")),
        meters=meters,
        readings=[_reading(r, by_serial) for r in _list(data, "readings")],
        bills=[_bill(b) for b in _list(data, "bills")],
        payments=[_payment(p) for p in _list(data, "payments")],
    )


# --- writing -------------------------------------------------------------------------------


def _write_chunk(records: list[Record], result: ImportResult) -> None:
    """Upsert the chunk's records in one transaction (the caller opens it); the counts
    land in ``result`` only once the transaction has committed."""
    stamp = timezone.now()
    consumers = {r.consumer["code"]: {**r.consumer, "updated_at": stamp} for r in records}
    consumer_ids, _new = upsert(
        Consumer, list(consumers.values()), unique=["code"], key="code",
        update=[*CONSUMER_FIELDS, "updated_at"],
    )  # fmt: skip
    accounts = {
        r.account["number"]: {
            **r.account, "consumer_id": consumer_ids[r.consumer["code"]], "updated_at": stamp,
        }
        for r in records
    }  # fmt: skip
    known = -1
    if connection.vendor != "postgresql":  # PostgreSQL tells the new rows apart itself
        known = Account.objects.filter(number__in=accounts).count()
    account_ids, new = upsert(
        Account, list(accounts.values()), unique=["number"], key="number",
        update=[*ACCOUNT_FIELDS, "updated_at"],
    )  # fmt: skip
    new = new if known < 0 else len(accounts) - known
    result.count("accounts_created", new)
    result.count("accounts_updated", len(accounts) - new)
    # An account billing moved to another consumer: the old consumer's account-bound
    # logins lose it (auth.principal_for already shows them nothing) and are switched off.
    moved = (
        CabinetLogin.objects.filter(account_id__in=account_ids.values(), is_active=True)
        .exclude(consumer_id=F("account__consumer_id"))
        .update(is_active=False)
    )
    if moved:
        result.count("logins_deactivated", moved)
    meters = {
        (r.account["number"], m["serial"]): {
            **m, "account_id": account_ids[r.account["number"]], "updated_at": stamp,
        }
        for r in records
        for m in r.meters
    }  # fmt: skip
    upsert(Meter, list(meters.values()), unique=["account_id", "serial"],
           update=[*METER_FIELDS, "updated_at"])  # fmt: skip
    result.count("meters", len(meters))
    _write_readings(records, account_ids, result)
    bills = {
        (r.account["number"], b["period"]): {
            **b, "account_id": account_ids[r.account["number"]], "updated_at": stamp,
        }
        for r in records
        for b in r.bills
    }  # fmt: skip
    upsert(Bill, list(bills.values()), unique=["account_id", "period"],
           update=[*BILL_FIELDS, "updated_at"])  # fmt: skip
    result.count("bills", len(bills))
    payments = {
        p["reference"]: {**p, "account_id": account_ids[r.account["number"]]}
        for r in records
        for p in r.payments
    }
    upsert(Payment, list(payments.values()), unique=["reference"], update=PAYMENT_FIELDS)
    result.count("payments", len(payments))


def _write_readings(
    records: list[Record], account_ids: dict[str, int], result: ImportResult
) -> None:
    wanted = {
        (r.account["number"], x["meter"], x["period"]): x for r in records for x in r.readings
    }
    if not wanted:
        return
    meter_ids = {
        (number, serial): pk
        for pk, number, serial in Meter.objects.filter(
            account_id__in={account_ids[n] for n, _s, _p in wanted}
        ).values_list("id", "account__number", "serial")
    }
    rows = [
        {
            "meter_id": meter_ids[(number, serial)],
            "period": period,
            "value": x["value"],
            "consumption": None,
            "rollover": False,
            "flag_reason": "",
            "submitted_by_id": None,
            "source": ReadingSource.BILLING.value,
            "status": ReadingStatus.ACCEPTED.value,
            "submitted_at": timezone.now(),
            "reviewed_at": None,
            "reviewed_by_id": None,
            "review_note": "",
        }
        for (number, serial, period), x in wanted.items()
    ]
    # Readings from billing only fill gaps: one already here (a consumer's) is kept.
    upsert(Reading, rows, unique=["meter_id", "period"])
    result.count("readings", len(rows))


def _write(records: list[Record], result: ImportResult) -> None:
    pending = ImportResult(run=result.run)
    with transaction.atomic():
        _write_chunk(records, pending)
    result.accepted += len(records)
    for key, n in pending.counts.items():
        result.count(key, n)


def _flush(chunk: list[Record], result: ImportResult) -> None:
    if not chunk:
        return
    try:
        _write(chunk, result)
        return
    except DatabaseError:
        pass
    for record in chunk:  # the database refused the chunk: find the culprit, keep the rest
        try:
            _write([record], result)
        except DatabaseError as exc:
            reason = f"database: {str(exc).splitlines()[0][:200]}"
            result.rejections.append(Rejection(record.line, record.account["number"], reason))


def import_records(
    records: Iterable[tuple[int, dict[str, Any] | RowError]],
    result: ImportResult,
    *,
    progress: Callable[[ImportResult], None] | None = None,
    progress_every: int = PROGRESS_EVERY,
    chunk_size: int = CHUNK,
) -> None:
    chunk: list[Record] = []
    for line, item in records:
        result.rows += 1
        try:
            if isinstance(item, RowError):
                raise item
            chunk.append(check_record(line, item))
        except RowError as exc:
            number = "" if isinstance(item, RowError) else str(item.get("account") or "")[:20]
            result.rejections.append(Rejection(line, number, str(exc)))
        if len(chunk) >= chunk_size:
            _flush(chunk, result)
            chunk = []
        if progress is not None and result.rows % progress_every == 0:
            progress(result)
    _flush(chunk, result)


def import_billing(
    path: Path | str,
    *,
    file_format: str | None = None,
    actor: Any = None,
    progress: Callable[[ImportResult, float | None], None] | None = None,
    progress_every: int = PROGRESS_EVERY,
    chunk_size: int = CHUNK,
) -> ImportResult:
    """Import one billing file (see the module docstring); returns counts and rejections.
    A file that cannot be read at all (no header, not JSON) raises ValueError."""
    path = Path(path)
    fmt = file_format or detect_format(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    user = actor if getattr(actor, "is_authenticated", False) else None
    run = ImportRun.objects.create(file_name=path.name[:300], file_format=fmt, started_by=user)
    result = ImportResult(run=run)
    size = path.stat().st_size or 1
    with path.open("rb") as raw:
        counter = _CountingReader(raw)
        text = io.TextIOWrapper(io.BufferedReader(counter), encoding="utf-8-sig", newline="")
        reader = {"csv": _csv_records, "json": _json_records, "jsonl": _jsonl_records}[fmt]

        def tick(res: ImportResult) -> None:
            share = min(counter.done / size, 1.0)
            _record_progress(res, share)
            if progress is not None:
                progress(res, share)

        try:
            import_records(
                reader(text), result, progress=tick, progress_every=progress_every,
                chunk_size=chunk_size,
            )  # fmt: skip
        except UnicodeDecodeError as exc:
            _finish(result, user, failure="not UTF-8")
            raise ValueError(f"the file is not UTF-8 ({exc.reason})") from None
        except ValueError as exc:
            _finish(result, user, failure=str(exc))
            raise
        except Exception as exc:
            # Whatever stops the run half-way (the database gone...), the run is finished
            # with the reason and the rows done so far, then the error goes on.
            _finish(result, user, failure=f"{type(exc).__name__}: {exc}"[:500])
            raise
    _finish(result, user)
    return result


def import_items(items: Iterable[dict[str, Any]], *, name: str, actor: Any = None) -> ImportResult:
    """Import JSON-shaped records already in memory (the demo data, an API upload)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    run = ImportRun.objects.create(file_name=name[:300], file_format="json", started_by=user)
    result = ImportResult(run=run)
    try:
        import_records(enumerate(items, start=1), result)
    except Exception as exc:
        _finish(result, user, failure=f"{type(exc).__name__}: {exc}"[:500])
        raise
    _finish(result, user)
    return result


def _record_progress(result: ImportResult, share: float) -> None:
    """How far a running import has got, for the staff page (one UPDATE per progress step,
    committed at once: the chunks have their own transactions)."""
    ImportRun.objects.filter(pk=result.run.pk).update(
        rows=result.rows,
        accepted=result.accepted,
        rejected=len(result.rejections),
        progress=share,
    )


@transaction.atomic
def _finish(result: ImportResult, user: Any, *, failure: str = "") -> None:
    run = result.run
    run.finished_at = timezone.now()
    run.rows, run.accepted, run.rejected = result.rows, result.accepted, len(result.rejections)
    run.counts = {**result.counts, **({"failure": failure} if failure else {})}
    run.progress = 1.0 if not failure else run.progress
    run.rejections = [
        {"line": r.line, "account": r.account, "reason": r.reason}
        for r in result.rejections[: ImportRun.REJECTIONS_KEPT]
    ]
    run.save(
        update_fields=[
            "finished_at", "rows", "accepted", "rejected", "counts", "progress", "rejections"
        ]
    )  # fmt: skip
    audit.record(
        actor=user,
        action="billing.imported",
        obj=run,
        after={"rows": run.rows, "accepted": run.accepted, "rejected": run.rejected, **run.counts},
        note=run.file_name if not failure else f"{run.file_name}: stopped: {failure}"[:1000],
    )


def write_report(rejections: Iterable[Rejection], out: IO[str]) -> None:
    writer = csv.writer(out)
    writer.writerow(["line", "account", "reason"])
    for r in rejections:
        writer.writerow([r.line, r.account, r.reason])
