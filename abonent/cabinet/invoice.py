"""The invoice copy (счёт-фактура, PC-2, W-7) of a legal entity as a PDF, in Russian or
Kazakh, built from the billing data (models.Bill) and the company's details.

The invoice's wording is the fixed wording of a tax document in each language, so it lives
here as data (ru, kk) rather than in the interface's message catalogue; bill lines may carry
a Kazakh name (``name_kk``) from billing, and known service names are translated below.
Fonts: DejaVu Sans (full Kazakh Cyrillic; Debian package fonts-dejavu-core).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string

from abonent.cabinet.company import company
from abonent.cabinet.models import Bill

LANGUAGES = ("ru", "kk")

LABELS: dict[str, dict[str, str]] = {
    "title": {
        "ru": "Счёт-фактура № {number} от {date}",
        "kk": "{date} ж. № {number} шот-фактура",
    },
    "copy": {
        "ru": "Копия, сформирована в личном кабинете {date}",
        "kk": "Көшірме, жеке кабинетте {date} жасалған",
    },
    "period": {"ru": "Расчётный период", "kk": "Есеп айырысу кезеңі"},
    "due": {"ru": "Срок оплаты", "kk": "Төлеу мерзімі"},
    "supplier": {"ru": "Поставщик", "kk": "Жеткізуші"},
    "buyer": {"ru": "Получатель (покупатель)", "kk": "Алушы (сатып алушы)"},
    "bin": {"ru": "БИН", "kk": "БСН"},
    "address": {"ru": "Адрес", "kk": "Мекенжайы"},
    "iban": {"ru": "ИИК", "kk": "ЖСК"},
    "bank": {"ru": "Банк", "kk": "Банк"},
    "bic": {"ru": "БИК", "kk": "БСК"},
    "kbe": {"ru": "Кбе", "kk": "БеК"},
    "contract": {
        "ru": "Договор (контракт) на поставку",
        "kk": "Жеткізуге арналған шарт (келісімшарт)",
    },
    "contract_of": {"ru": "№ {number} от {date}", "kk": "{date} ж. № {number}"},
    "account": {"ru": "Лицевой счёт", "kk": "Дербес шот"},
    "n": {"ru": "№", "kk": "№"},
    "name": {
        "ru": "Наименование товаров (работ, услуг)",
        "kk": "Тауарлардың (жұмыстардың, көрсетілетін қызметтердің) атауы",
    },
    "unit": {"ru": "Ед. изм.", "kk": "Өлш. бірл."},
    "quantity": {"ru": "Кол-во", "kk": "Саны"},
    "price": {"ru": "Цена (тариф) без НДС, тенге", "kk": "ҚҚС-сыз бағасы (тарифі), теңге"},
    "net": {"ru": "Стоимость без НДС, тенге", "kk": "ҚҚС-сыз құны, теңге"},
    "vat_rate": {"ru": "НДС: ставка", "kk": "ҚҚС: мөлшерлемесі"},
    "vat": {"ru": "НДС: сумма, тенге", "kk": "ҚҚС: сомасы, теңге"},
    "total": {"ru": "Всего стоимость с НДС, тенге", "kk": "ҚҚС-мен барлық құны, теңге"},
    "sum": {"ru": "Всего по счёту", "kk": "Шот бойынша барлығы"},
    "director": {"ru": "Руководитель", "kk": "Басшы"},
    "accountant": {"ru": "Главный бухгалтер", "kk": "Бас бухгалтер"},
}

# Service names and units billing sends in Russian, in Kazakh.
KAZAKH_NAMES = {
    "Тепловая энергия": "Жылу энергиясы",
    "Горячее водоснабжение": "Ыстық сумен жабдықтау",
    "Электрическая энергия": "Электр энергиясы",
    "Отопление": "Жылыту",
    "кВт·ч": "кВт·сағ",
}


def money(value: Decimal | str) -> str:
    """101518.56 -> "101 518,56" (a no-break space between thousands, a decimal comma)."""
    text = f"{Decimal(value):,.2f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def number(value: Decimal | str) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


def price(value: Decimal | str) -> str:
    """A tariff: as money when it has at most two decimals, else all its decimals."""
    exact = Decimal(value).normalize()
    return money(exact) if -min(exact.as_tuple().exponent, 0) <= 2 else number(exact)  # type: ignore[operator]


def _date(day: date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


@dataclass(frozen=True)
class InvoiceLine:
    n: int
    name: str
    unit: str
    quantity: str
    price: str
    net: str
    vat_rate: str
    vat: str
    total: str


def _lines(bill: Bill, language: str) -> list[InvoiceLine]:
    rate = f"{number(bill.vat_rate)} %"
    out = []
    for n, line in enumerate(bill.lines, start=1):
        name, unit = str(line.get("name", "")), str(line.get("unit", ""))
        if language == "kk":
            name = str(line.get("name_kk") or KAZAKH_NAMES.get(name, name))
            unit = KAZAKH_NAMES.get(unit, unit)
        out.append(
            InvoiceLine(
                n=n,
                name=name,
                unit=unit,
                quantity=number(line["quantity"]),
                price=money(line["price"])
                if Decimal(line["price"]) % 1 == 0
                else number(line["price"]),
                net=money(line["net"]),
                vat_rate=rate,
                vat=money(line["vat"]),
                total=money(line["total"]),
            )
        )
    return out


def invoice_context(bill: Bill, language: str, today: date) -> dict[str, Any]:
    """Everything the template prints, already in ``language``."""
    lang = language if language in LANGUAGES else "ru"
    labels = {key: texts[lang] for key, texts in LABELS.items()}
    account, buyer, supplier = bill.account, bill.account.consumer, company()
    contract = ""
    if account.contract_number:
        contract = labels["contract_of"].format(
            number=account.contract_number, date=_date(account.contract_date)
        )
    return {
        "lang": lang,
        "L": labels,
        "title": labels["title"].format(number=bill.number or bill.pk, date=_date(bill.issued_on)),
        "copy": labels["copy"].format(date=_date(today)),
        "period": f"{bill.period:%m.%Y}",
        "due": _date(bill.due_on),
        "supplier": {
            "name": supplier.name(lang),
            "bin": supplier.bin,
            "address": supplier.address(lang),
            "iban": supplier.iban,
            "bank": supplier.bank(lang),
            "bic": supplier.bic,
            "kbe": supplier.kbe,
        },
        "buyer": {
            "name": buyer.name,
            "bin": buyer.tax_id,
            "address": buyer.address,
            "iban": buyer.iban,
            "bank": buyer.bank_name,
            "bic": buyer.bic,
        },
        "account": account.number,
        "premises": account.address,
        "contract": contract,
        "lines": _lines(bill, lang),
        "sum": {
            "net": money(bill.amount_net),
            "vat": money(bill.vat_amount),
            "total": money(bill.amount_total),
        },
        "director": supplier.director,
        "accountant": supplier.accountant,
    }


def invoice_html(bills: list[Bill], language: str, today: date) -> str:
    pages = [invoice_context(bill, language, today) for bill in bills]
    lang = pages[0]["lang"] if pages else "ru"
    return render_to_string("cabinet/pdf/invoice.html", {"pages": pages, "lang": lang})


def invoice_pdf(bills: list[Bill], language: str, today: date) -> bytes:
    """One invoice per page, for the given bills (one legal entity, one period)."""
    from weasyprint import HTML

    return bytes(HTML(string=invoice_html(bills, language, today)).write_pdf())
