"""Self-service that asks for an account number (C-2 rows 2 and 4, PC-1).

- Balance: the account number → its balance as of the billing system's date.
- Hot-water meter reading: the account number → the meter (keys 1..n when the account has
  several hot-water meters, each named by the last characters of its serial) → the value
  (digits, the star key as the decimal point) → read back, 1 to confirm, 2 to enter again →
  the cabinet's one validation service (``submit_reading``, source ``ivr``). A refusal is
  said in the caller's language and counts as a try; "much higher than usual" asks for a
  second confirmation, as the cabinet does.

The flow's progress is kept in the session's state: ``{"step", "account", "meters": [[serial,
digits, decimals], ...], "meter", "value"}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from abonent.cabinet import services as cabinet
from abonent.cabinet.models import Account, Meter, MeterKind, ReadingSource, ReadingStatus
from abonent.calls.ivr import rules
from abonent.calls.ivr.models import NodeKind
from abonent.calls.ivr.replies import COLLECT, MENU_KEY, Expect, Reply
from abonent.calls.ivr.tree import Node
from abonent.core.errors import InvalidInput

if TYPE_CHECKING:
    from abonent.calls.ivr.dialogue import Dialogue

ACCOUNT = "account"
METER = "meter"
VALUE = "value"
CONFIRM = "confirm"
HIGH = "high"
# Keys 1..9 choose a meter: more hot-water meters on one account go to the operator.
MAX_METERS = 9


def ask_account(d: Dialogue, node: Node) -> Reply:
    return d.ask(node, Expect(node.min_digits, node.max_digits, rules.TERMINATOR))


def handle(d: Dialogue, node: Node, keys: str) -> Reply:
    flow = d.flow()
    step = flow.get("step", ACCOUNT)
    if step == METER:
        return _meter_chosen(d, node, flow, keys)
    if step == VALUE:
        return _value_entered(d, node, flow, keys)
    if step in (CONFIRM, HIGH):
        return _confirmed(d, node, flow, keys)
    return _account_entered(d, node, keys)


def _account_entered(d: Dialogue, node: Node, keys: str) -> Reply:
    refused = rules.check_digits(keys, node.min_digits, node.max_digits)
    if refused is not None:
        return d.fail(refused, ask_account(d, node))
    if node.kind == NodeKind.BALANCE:
        return _balance(d, node, keys)
    meters = list(
        Meter.objects.filter(
            account__number=keys,
            account__is_active=True,
            is_active=True,
            kind=MeterKind.HOT_WATER,
        )
        .order_by("serial")
        .values_list("serial", "digits", "decimals")[: MAX_METERS + 1]
    )
    if not meters:
        known = Account.objects.filter(number=keys, is_active=True).exists()
        return d.fail("no_hot_water_meter" if known else "unknown_account", ask_account(d, node))
    flow: dict[str, Any] = {"step": METER, "account": keys, "meters": [list(m) for m in meters]}
    if len(meters) > MAX_METERS:
        return d.transfer(d.tree.nodes.get("operator"))
    if len(meters) == 1:
        flow.update(step=VALUE, meter=list(meters[0]))
        d.set_flow(flow)
        return _ask_value(d, node, flow)
    d.set_flow(flow)
    return _ask_meter(d, node, flow)


def _balance(d: Dialogue, node: Node, number: str) -> Reply:
    found = Account.objects.filter(number=number, is_active=True).values_list(
        "balance", "balance_on"
    )
    row = found.first()
    if row is None:
        return d.fail("unknown_account", ask_account(d, node))
    balance, on = row
    amount = rules.spoken_amount(balance)
    if on is None:
        text = d.say("balance_unknown_date", amount=amount)
    else:
        code = "balance_debt" if balance > 0 else "balance_overpaid" if balance < 0 else ""
        day = f"{on:%d.%m.%Y}"
        text = d.say(code, date=day, amount=amount) if code else d.say("balance_zero", date=day)
    d.session.served = True
    d.then(node)
    return Reply("play", text, "balance", result="balance_told")


def _ask_meter(d: Dialogue, node: Node, flow: dict[str, Any]) -> Reply:
    meters = flow["meters"]
    items = [
        d.say("choose_meter_item", tail=rules.serial_tail(serial), key=n)
        for n, (serial, _digits, _decimals) in enumerate(meters, start=1)
    ]
    text = " ".join([d.say("choose_meter", count=len(meters)), *items])
    return Reply(COLLECT, text, "choose_meter", MENU_KEY)


def _meter_chosen(d: Dialogue, node: Node, flow: dict[str, Any], keys: str) -> Reply:
    meters = flow["meters"]
    if not keys:
        return d.fail(rules.NO_INPUT, _ask_meter(d, node, flow))
    if not (keys.isascii() and keys.isdigit() and 1 <= int(keys) <= len(meters)):
        return d.fail("invalid_choice", _ask_meter(d, node, flow))
    flow.update(step=VALUE, meter=meters[int(keys) - 1])
    d.set_flow(flow)
    return _ask_value(d, node, flow)


def _ask_value(d: Dialogue, node: Node, flow: dict[str, Any]) -> Reply:
    serial, digits, decimals = flow["meter"]
    text = d.say("reading_value", tail=rules.serial_tail(serial))
    keys = rules.reading_keys(digits, decimals)
    return Reply(COLLECT, text, "reading_value", Expect(1, keys, rules.TERMINATOR))


def _readback(d: Dialogue, flow: dict[str, Any]) -> Reply:
    text = d.say("reading_readback", value=rules.spoken_number(flow["value"]))
    return Reply(COLLECT, text, "reading_readback", MENU_KEY)


def _high(d: Dialogue) -> Reply:
    return Reply(COLLECT, d.say("reading_high"), "reading_high", MENU_KEY)


def _value_entered(d: Dialogue, node: Node, flow: dict[str, Any], keys: str) -> Reply:
    _serial, digits, decimals = flow["meter"]
    value, refused = rules.parse_reading(keys, rules.reading_keys(digits, decimals))
    if refused is not None or value is None:
        return d.fail(refused or rules.NOT_DIGITS, _ask_value(d, node, flow))
    flow.update(step=CONFIRM, value=value)
    d.set_flow(flow)
    return _readback(d, flow)


def _confirmed(d: Dialogue, node: Node, flow: dict[str, Any], keys: str) -> Reply:
    again = _high(d) if flow["step"] == HIGH else _readback(d, flow)
    if keys == "2":
        flow.update(step=VALUE)
        flow.pop("value", None)
        d.set_flow(flow)
        return _ask_value(d, node, flow)
    if keys != "1":
        return d.fail(rules.NO_INPUT if not keys else "invalid_choice", again)
    return _submit(d, node, flow)


def _submit(d: Dialogue, node: Node, flow: dict[str, Any]) -> Reply:
    serial = flow["meter"][0]
    try:
        done = cabinet.submit_reading(
            account=flow["account"],
            meter=serial,
            value=flow["value"],
            source=ReadingSource.IVR,
            confirm=flow["step"] == HIGH,
            actor=d.actor,
        )
    except InvalidInput as exc:
        if exc.code == cabinet.NEEDS_CONFIRMATION:
            flow.update(step=HIGH)
            d.set_flow(flow)
            return replace_result(_high(d), cabinet.NEEDS_CONFIRMATION)
        flow.update(step=VALUE)
        flow.pop("value", None)
        d.set_flow(flow)
        said = d.say(f"refused_{exc.code}")
        return d.fail(exc.code, _ask_value(d, node, flow), said=said)
    value = rules.spoken_number(cabinet.shown(done.reading.value, done.decimals) or "")
    code = (
        "reading_next_period"
        if done.reading.status == ReadingStatus.NEXT_PERIOD
        else "reading_accepted"
    )
    d.session.served = True
    d.then(node)
    return Reply("play", d.say(code, value=value), code, result="reading_accepted")


def replace_result(reply: Reply, result: str) -> Reply:
    return Reply(reply.action, reply.prompt, reply.prompt_code, reply.expect, result=result)
