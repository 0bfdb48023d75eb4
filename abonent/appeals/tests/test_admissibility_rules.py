"""The rules' admissibility suggestion (C-5, C-6, B-5) and language detection (W-6)."""

import pytest

from abonent.appeals.rules import (
    Applicant,
    detect_language,
    normalise_phone,
    suggest_admissibility,
    suggest_topic,
)

PERSON = Applicant(type="individual", last_name="Иванов", first_name="Иван", phone="+77011234567")
ANON = Applicant(type="anonymous")
TEXT = "Прошу сделать перерасчёт начислений за горячую воду за октябрь."


def suggest(applicant=PERSON, text=TEXT, channel="post", earlier=None):
    s = suggest_admissibility(
        applicant=applicant, text=text, channel=channel, earlier_answered=earlier
    )
    return s.decision, list(s.reasons)


def test_a_complete_appeal_is_accepted() -> None:
    assert suggest() == ("accepted", [])


def test_no_contact_details_is_not_considered() -> None:
    nobody = Applicant(type="individual", last_name="Иванов", first_name="Иван")
    assert suggest(nobody) == ("not_considered", ["no_contact_details"])


def test_anonymous_is_not_considered() -> None:
    assert suggest(ANON) == ("not_considered", ["anonymous", "no_contact_details"])


def test_a_name_without_surname_counts_as_anonymous() -> None:
    half = Applicant(type="individual", first_name="Иван", email="i@example.kz")
    assert suggest(half) == ("not_considered", ["anonymous"])


def test_anonymous_report_of_a_crime_is_forwarded() -> None:
    text = "Сообщаю, что в подвале дома готовится теракт, там хранят взрывчатку."
    assert suggest(ANON, text) == ("forwarded", ["crime_or_security_threat"])


def test_a_signed_report_of_a_crime_is_an_ordinary_appeal() -> None:
    text = "Сообщаю, что в подвале дома готовится теракт, там хранят взрывчатку."
    assert suggest(PERSON, text)[0] == "accepted"


@pytest.mark.parametrize("text", ["", "   ", "помогите", "ну и где?"])
def test_no_substance_is_not_considered(text: str) -> None:
    assert suggest(text=text) == ("not_considered", ["no_substance"])


def test_obscene_language_means_no_action() -> None:
    assert suggest(text="Вы там все дебилы, опять насчитали лишнего за воду!") == (
        "no_action",
        ["obscene_or_threats"],
    )


def test_threats_mean_no_action() -> None:
    assert suggest(text="Если не сделаете перерасчёт, я вас убью, так и знайте.") == (
        "no_action",
        ["obscene_or_threats"],
    )


def test_garbage_is_unreadable() -> None:
    assert suggest(text="#### %%%% 1234 5678 ///// ???? !!!! ++++ ==== ~~~~ ^^^^ 0000") == (
        "no_action",
        ["unreadable"],
    )


def test_a_repeat_of_an_answered_question_without_new_arguments() -> None:
    earlier = {7: TEXT, 8: "Совсем другой вопрос о договоре на теплоснабжение офиса."}
    s = suggest_admissibility(
        applicant=PERSON, text=TEXT + " ", channel="post", earlier_answered=earlier
    )
    assert (s.decision, list(s.reasons), s.related) == (
        "no_action",
        ["repeated_no_new_arguments"],
        (7,),
    )


def test_the_complaint_book_does_not_refuse_anonymous_entries() -> None:
    assert suggest(ANON, channel="complaint_book") == ("accepted", [])


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Прошу пересчитать начисления за октябрь.", "ru"),
        ("Қазан айындағы есептеулерді қайта қарауды сұраймын.", "kk"),
        ("Сәлеметсіз бе, есепшот бойынша сұрақ бар.", "kk"),
        ("мен туралы ақпарат", "kk"),
        ("", "ru"),
    ],
)
def test_language_is_detected(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_topic_is_suggested_from_keywords() -> None:
    keywords = {2: ["показан", "счетчик"], 4: ["начисл", "задолж", "оплат"]}
    assert suggest_topic("Не приняли показания счетчика", keywords) == 2
    assert suggest_topic("Откуда задолженность, оплата прошла", keywords) == 4
    assert suggest_topic("Добрый день", keywords) is None


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("8 701 123 45 67", "+77011234567"),
        ("+7 (701) 123-45-67", "+77011234567"),
        ("7011234567", "+77011234567"),
        ("", ""),
        ("call me", None),
        ("12", None),
    ],
)
def test_phones_are_normalised(raw: str, clean: str | None) -> None:
    assert normalise_phone(raw) == clean
