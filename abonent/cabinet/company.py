"""The company's own details: the supplier on invoices (PC-2) and the bank details for
payments (W-7 "bank details for payments", "payment through banks' web services").

Each value can be set by an environment variable of the same name (ABONENT_COMPANY_BIN,
...); the defaults are demo values, to be replaced with the company's real details."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Company:
    name_ru: str
    name_kk: str
    bin: str
    address_ru: str
    address_kk: str
    iban: str
    bank_ru: str
    bank_kk: str
    bic: str
    kbe: str
    director: str
    accountant: str

    def name(self, language: str) -> str:
        return self.name_kk if language == "kk" else self.name_ru

    def address(self, language: str) -> str:
        return self.address_kk if language == "kk" else self.address_ru

    def bank(self, language: str) -> str:
        return self.bank_kk if language == "kk" else self.bank_ru


def company() -> Company:
    return Company(
        name_ru=_env("ABONENT_COMPANY_NAME_RU", "ТОО «Астанаэнергосбыт»"),
        name_kk=_env("ABONENT_COMPANY_NAME_KK", "«Астанаэнергосбыт» ЖШС"),
        bin=_env("ABONENT_COMPANY_BIN", "000000000000"),
        address_ru=_env("ABONENT_COMPANY_ADDRESS_RU", "г. Астана, ул. Демо-Центральная, 1"),
        address_kk=_env("ABONENT_COMPANY_ADDRESS_KK", "Астана қ., Демо-Орталық к-сі, 1"),
        iban=_env("ABONENT_COMPANY_IBAN", "KZ000000000000000000"),
        bank_ru=_env("ABONENT_COMPANY_BANK_RU", "АО «Народный Банк Казахстана»"),
        bank_kk=_env("ABONENT_COMPANY_BANK_KK", "«Қазақстан Халық Банкі» АҚ"),
        bic=_env("ABONENT_COMPANY_BIC", "HSBKKZKX"),
        kbe=_env("ABONENT_COMPANY_KBE", "17"),
        director=_env("ABONENT_COMPANY_DIRECTOR", "Демо Д. Д."),
        accountant=_env("ABONENT_COMPANY_ACCOUNTANT", "Демо Б. Б."),
    )


@dataclass(frozen=True)
class PaymentLink:
    name: str
    url: str


def payment_links() -> list[PaymentLink]:
    """Banks' web services where consumers pay by account number (W-7); a comma-separated
    ``name|url`` list in ABONENT_PAYMENT_LINKS replaces the default."""
    raw = _env(
        "ABONENT_PAYMENT_LINKS",
        "Kaspi.kz|https://kaspi.kz/pay,Halyk Homebank|https://homebank.kz,"
        "Freedom Bank|https://bankffin.kz",
    )
    links = []
    for item in raw.split(","):
        name, _sep, url = item.partition("|")
        if name.strip() and url.strip().startswith("https://"):
            links.append(PaymentLink(name.strip(), url.strip()))
    return links
