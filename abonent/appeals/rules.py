"""Pure rules of the registry — no ORM: admissibility suggestions (C-5, C-6), the language of
an appeal (W-6), the topic of the routing table (C-2) and repeat detection (C-5(c))."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from abonent.appeals.codes import ApplicantType, Channel, Decision, Reason

# Letters found in Kazakh Cyrillic and not in Russian.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
# Common Kazakh words written without the special letters, for short texts.
KAZAKH_WORDS = frozenset(
    {
        "мен",
        "сіз",
        "біз",
        "және",
        "бар",
        "жоқ",
        "үшін",
        "туралы",
        "өтінемін",
        "сәлеметсіз",
        "рахмет",
        "жылы",
        "айы",
        "есепшот",
        "берешек",
        "төлем",
        "мекенжай",
    }
)

# Word stems; matched at the start of words, case-insensitively. Kept deliberately short:
# the rules only suggest, a Chancellery specialist decides.
OBSCENE_STEMS = (
    "хуй",
    "хуе",
    "хуё",
    "пизд",
    "ебан",
    "ёбан",
    "ебат",
    "бляд",
    "сука",
    "мудак",
    "мудил",
    "говнюк",
    "дебил",
    "ублюд",
    "шлюх",
)
THREAT_PHRASES = (
    "убью",
    "убьем",
    "убьём",
    "взорву",
    "подожгу",
    "зарежу",
    "пристрелю",
    "прибью",
    "покалечу",
    "өлтіремін",
    "жарып жіберемін",
    "өртеймін",
)
CRIME_PHRASES = (
    "взрыв",
    "теракт",
    "террор",
    "бомб",
    "заложник",
    "готовится преступлен",
    "готовят преступлен",
    "хищение",
    "взятк",
    "пара алу",
    "жарылыс",
    "лаңкес",
    "угроза безопасности",
    "угроза общественной",
    "угроза государственной",
)

MIN_SUBSTANCE_LETTERS = 15
REPEAT_THRESHOLD = 85.0


@dataclass(frozen=True)
class Applicant:
    type: str
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    org_name: str = ""
    postal_address: str = ""
    phone: str = ""
    email: str = ""

    @property
    def is_anonymous(self) -> bool:
        if self.type == ApplicantType.ANONYMOUS:
            return True
        if self.type == ApplicantType.LEGAL_ENTITY:
            return not self.org_name.strip()
        return not (self.last_name.strip() and self.first_name.strip())

    @property
    def has_contacts(self) -> bool:
        return any(v.strip() for v in (self.postal_address, self.phone, self.email))


@dataclass(frozen=True)
class Suggestion:
    decision: str
    reasons: tuple[str, ...] = field(default_factory=tuple)
    related: tuple[int, ...] = field(default_factory=tuple)


def _letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text.lower())


def detect_language(text: str) -> str:
    """``kk`` when the text has Kazakh letters or words, else ``ru`` (the default)."""
    letters = _letters(text)
    if not letters:
        return "ru"
    kk_letters = sum(1 for c in letters if c in KAZAKH_LETTERS)
    if kk_letters >= 2 or (kk_letters and kk_letters / len(letters) > 0.01):
        return "kk"
    if any(w in KAZAKH_WORDS for w in _words(text)):
        return "kk"
    return "ru"


def is_unreadable(text: str) -> bool:
    """Mostly not letters, or letters without vowels: a scan's garbage or key-mashing."""
    stripped = "".join(text.split())
    if not stripped:
        return False  # empty is "no substance", not "unreadable"
    letters = _letters(stripped)
    if len(letters) / len(stripped) < 0.5:
        return True
    vowels = set("аеёиоуыэюяәөүұіaeiouy")
    lowered = [c.lower() for c in letters]
    return len(letters) >= 10 and sum(c in vowels for c in lowered) / len(letters) < 0.1


def has_substance(text: str) -> bool:
    return len(_letters(text)) >= MIN_SUBSTANCE_LETTERS and len(_words(text)) >= 3


def _normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower().replace("ё", "е")


def is_obscene_or_threatening(text: str) -> bool:
    low = _normalised(text)
    words = _words(low)
    if any(w.startswith(stem.replace("ё", "е")) for w in words for stem in OBSCENE_STEMS):
        return True
    return any(p.replace("ё", "е") in low for p in THREAT_PHRASES)


def reports_crime_or_threat(text: str) -> bool:
    low = _normalised(text)
    return any(p in low for p in CRIME_PHRASES)


def similar_earlier(text: str, earlier: Mapping[int, str]) -> tuple[int, ...]:
    """Ids of earlier appeals whose text is about the same question (C-5(c))."""
    return tuple(
        pk
        for pk, other in earlier.items()
        if fuzz.token_set_ratio(_normalised(text), _normalised(other)) >= REPEAT_THRESHOLD
    )


def suggest_admissibility(
    *,
    applicant: Applicant,
    text: str,
    channel: str,
    earlier_answered: Mapping[int, str] | None = None,
) -> Suggestion:
    """What the rules propose; a Chancellery specialist decides.

    Order: an anonymous report of a crime or security threat is forwarded at once (C-6(b));
    then the "not considered" grounds of C-6; then the "no action" grounds of C-5. A
    complaint-book entry is never refused for a missing name or address (B-5).
    """
    book = channel == Channel.COMPLAINT_BOOK
    if applicant.is_anonymous and reports_crime_or_threat(text):
        return Suggestion(Decision.FORWARDED, (Reason.CRIME_OR_SECURITY_THREAT,))
    not_considered: list[str] = []
    if not book:
        if applicant.is_anonymous:
            not_considered.append(Reason.ANONYMOUS)
        if not applicant.has_contacts:
            not_considered.append(Reason.NO_CONTACT_DETAILS)
    if not has_substance(text) and not is_unreadable(text):
        not_considered.append(Reason.NO_SUBSTANCE)
    if not_considered:
        return Suggestion(Decision.NOT_CONSIDERED, tuple(not_considered))
    no_action: list[str] = []
    if is_obscene_or_threatening(text):
        no_action.append(Reason.OBSCENE_OR_THREATS)
    if is_unreadable(text):
        no_action.append(Reason.UNREADABLE)
    related = similar_earlier(text, earlier_answered or {})
    if related:
        no_action.append(Reason.REPEATED_NO_NEW_ARGUMENTS)
    if no_action:
        return Suggestion(Decision.NO_ACTION, tuple(no_action), related)
    return Suggestion(Decision.ACCEPTED)


def suggest_topic(text: str, keywords: Mapping[int, Iterable[str]]) -> int | None:
    """The topic (routing-table row) whose keyword stems occur most often in the text."""
    words = _words(_normalised(text))
    best, best_hits = None, 0
    for number, stems in sorted(keywords.items()):
        clean = [s.strip().lower() for s in stems if s.strip()]
        hits = sum(1 for w in words for s in clean if w.startswith(s))
        if hits > best_hits:
            best, best_hits = number, hits
    return best


PHONE_RE = re.compile(r"^\+?[\d\s\-()]{6,20}$")


def normalise_phone(raw: str) -> str | None:
    """Kazakhstan numbers to +7 and ten digits; other plausible numbers kept as digits."""
    value = raw.strip()
    if not value:
        return ""
    if not PHONE_RE.match(value):
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits[0] in "78":
        return "+7" + digits[1:]
    if len(digits) == 10 and digits[0] == "7":
        return "+7" + digits
    if 6 <= len(digits) <= 15:
        return ("+" if value.startswith("+") else "") + digits
    return None
