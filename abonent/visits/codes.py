"""Visit codes (V-3). A code is never stored: it is derived from a random salt kept on the
visit with the server's secret key, so a notice sent later (or a letter printed later) can
still carry it, while a copy of the database alone reveals none. Lookups go by a keyed hash,
unique among active visits."""

from __future__ import annotations

from django.utils.crypto import get_random_string, salted_hmac

from abonent.visits.rules import CODE_ALPHABET, CODE_LENGTH


def new_salt() -> str:
    return get_random_string(32)


def derive(salt: str) -> str:
    number = int.from_bytes(
        salted_hmac("abonent.visits.code", salt, algorithm="sha256").digest(), "big"
    )
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def hash_code(code: str) -> str:
    return salted_hmac("abonent.visits.code-hash", code, algorithm="sha256").hexdigest()
