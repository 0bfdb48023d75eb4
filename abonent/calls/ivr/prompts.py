"""The voice menu's system phrases. Staff may word each one in Russian and Kazakh as an
``IvrPrompt`` row (placeholders ``{name}``); without a row the translated default below is
said (placeholders ``%(name)s``). A refusal of a reading (``refused_<code>``) falls back to
the cabinet's message for that code, so every channel explains a refusal the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from abonent.cabinet.services import MESSAGES as READING_MESSAGES
from abonent.calls.ivr.tree import Tree

REFUSED = "refused_"

DEFAULTS: dict[str, Promise] = {
    # CC-3: said before every transfer to an operator.
    "recording_warning": _("Please note that the conversation with the operator is recorded."),
    "closed": _(
        "The contact centre is closed now. Operators answer Monday to Friday from 9:00 to "
        "18:00, except public holidays; the next opening is %(day)s at %(time)s. Self-service "
        "is available now."
    ),
    "cc_open": _("The contact centre is open now, until %(time)s."),
    "cc_closed": _("The contact centre is closed now. It opens on %(day)s at %(time)s."),
    "office_open": _("%(office)s is open now, until %(time)s."),
    "office_closed": _("%(office)s is closed now and opens on %(day)s at %(time)s."),
    "payment_details": _(
        "Payee: %(name)s. BIN: %(bin)s. IBAN: %(iban)s. Bank: %(bank)s. BIC: %(bic)s. "
        "Beneficiary code: %(kbe)s."
    ),
    "payment_banks": _("You can also pay by your account number through %(banks)s."),
    "no_input": _("We did not hear your choice."),
    "invalid_choice": _("There is no such option."),
    "wrong_length": _("The number of digits is wrong."),
    "not_digits": _("Please use the digit keys, and the star key for the decimal point."),
    "unknown_account": _("There is no active account with this number."),
    "no_hot_water_meter": _("This account has no hot-water meter."),
    "choose_meter": _("Hot-water meters on the account: %(count)s."),
    "choose_meter_item": _("For the meter with the number ending in %(tail)s, press %(key)s."),
    "reading_value": _(
        "Enter the reading of the meter with the number ending in %(tail)s. Use the star key "
        "for the decimal point and finish with the hash key."
    ),
    "reading_readback": _(
        "You entered %(value)s. To confirm, press 1. To enter it again, press 2."
    ),
    "reading_high": _(
        "The consumption is much higher than usual. To confirm this reading, press 1. To enter "
        "it again, press 2."
    ),
    "reading_accepted": _("Thank you, the reading %(value)s has been accepted."),
    "reading_next_period": _(
        "Thank you, the reading %(value)s has been accepted for the next period."
    ),
    "balance_debt": _("As of %(date)s, the debt on the account is %(amount)s tenge."),
    "balance_overpaid": _("As of %(date)s, the account is overpaid by %(amount)s tenge."),
    "balance_zero": _("As of %(date)s, the account has no debt."),
    "balance_unknown_date": _("The balance of the account is %(amount)s tenge."),
    "too_many_tries": _("We could not take your entry."),
    "goodbye": _("Thank you for calling. Goodbye."),
}


def phrase(tree: Tree, code: str, language: str, **params: Any) -> str:
    """The phrase ``code`` in the language, with its placeholders filled."""
    row = tree.phrases.get(code)
    if row is not None:
        text = row[1] if language == "kk" and row[1] else row[0]
        try:
            return text.format_map(_Lenient(params))
        except (ValueError, IndexError):  # a stray brace typed in the admin
            return text
    default = DEFAULTS.get(code)
    if default is None and code.startswith(REFUSED):
        default = READING_MESSAGES.get(code.removeprefix(REFUSED))
    if default is None:
        return ""
    with translation.override(language):
        text = str(default)
    return text % params if params else text


class _Lenient(dict[str, Any]):
    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)

    def __missing__(self, key: str) -> str:
        return ""


def join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())
