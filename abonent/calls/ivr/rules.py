"""Key presses as the voice menu reads them: pure functions, no ORM.

Codes of refused input (the step answers 422 with one of them): ``no_input`` (nothing
pressed), ``not_digits`` (a key other than the digits, or for a reading more than one star),
``wrong_length`` (too few or too many digits)."""

from __future__ import annotations

from decimal import Decimal

NO_INPUT = "no_input"
NOT_DIGITS = "not_digits"
WRONG_LENGTH = "wrong_length"
TERMINATOR = "#"
DECIMAL_KEY = "*"


def keys_of(raw: str) -> str:
    """What was pressed, without the terminating hash key the PBX may pass on."""
    keys = raw.strip()
    return keys[:-1] if keys.endswith(TERMINATOR) else keys


def check_digits(keys: str, min_digits: int, max_digits: int) -> str | None:
    """None when ``keys`` are ``min_digits..max_digits`` digits; else the refusal code."""
    if not keys:
        return NO_INPUT
    if not (keys.isascii() and keys.isdigit()):
        return NOT_DIGITS
    if not min_digits <= len(keys) <= max_digits:
        return WRONG_LENGTH
    return None


def reading_keys(digits: int, decimals: int) -> int:
    """The most keys a reading of the meter takes: its digits, its decimals and the star."""
    return digits + decimals + (1 if decimals else 0)


def parse_reading(keys: str, max_keys: int) -> tuple[str | None, str | None]:
    """A reading typed with the star as the decimal point → (its decimal text, None), or
    (None, refusal code). Whether the value fits the meter is the cabinet's check."""
    if not keys:
        return None, NO_INPUT
    if not keys.isascii() or keys.count(DECIMAL_KEY) > 1:
        return None, NOT_DIGITS
    whole, _star, fraction = keys.partition(DECIMAL_KEY)
    if not (whole + fraction).isdigit():
        return None, NOT_DIGITS
    if len(keys) > max_keys:
        return None, WRONG_LENGTH
    text = whole or "0"
    return (f"{text}.{fraction}" if fraction else text), None


def spoken_number(value: str | Decimal) -> str:
    """A decimal as said in Russian and Kazakh: a comma before the fraction."""
    return str(value).replace(".", ",")


def spoken_amount(value: Decimal) -> str:
    """Tenge with tiyn: ``12 345,50``; the thousands apart so that TTS reads a number."""
    whole, _dot, cents = f"{abs(value):.2f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{' '.join(groups)},{cents}"


def serial_tail(serial: str, length: int = 4) -> str:
    """The serial's last letters and digits, one by one (``HW-1002-B`` → ``0 0 2 B``)."""
    chars = [c for c in serial if c.isalnum()]
    return " ".join(chars[-length:])


def spelled(text: str) -> str:
    """An identifier said character by character (an IBAN, a BIC)."""
    return " ".join(c for c in text if not c.isspace())
