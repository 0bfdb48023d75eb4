"""The kiosk in Kazakh (Q-2, every page in ru and kk): the language switch on the kiosk
brings the consumer back to the same screen, and the ticket screen is in Kazakh with its
letters. LocaleMiddleware reads the ``abonent_lang`` cookie, then Accept-Language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from abonent.equeue.tests.conftest import Clock
from abonent.equeue.tests.kiosk_helpers import screen_token, tap, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_counted_taps() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_switching_the_language_at_the_kiosk_keeps_the_kiosk(
    client: Client, demo: None, clock: Clock
) -> None:
    start = client.get("/queue/sc1/kiosk/").content.decode()
    assert 'action="/i18n/setlang/"' in start
    assert 'name="next" type="hidden" value="/queue/sc1/kiosk/"' in start

    switched = client.post("/i18n/setlang/", {"language": "kk", "next": "/queue/sc1/kiosk/"})
    assert (switched.status_code, switched["Location"]) == (302, "/queue/sc1/kiosk/")

    body = client.get("/queue/sc1/kiosk/").content.decode()
    assert '<html lang="kk"' in body
    assert "Кеңес, шарттар, құжаттар" in body
    assert "Есептеу, берешек, төлем" in body
    assert "№ 1 сервис-орталығы" in body


def test_the_ticket_screen_is_in_kazakh(client: Client, demo: None, clock: Clock) -> None:
    client.cookies["abonent_lang"] = "kk"
    token = screen_token(client, "sc1")
    screen = client.get(tap(client, "sc1", "household", token)["Location"])

    body = screen.content.decode()
    assert '<html lang="kk"' in body
    assert text_of(screen, "ticket-number") == "A001"
    assert "Кеңес, шарттар, құжаттар" in body
    assert "№ 1 сервис-орталығы" in body
    assert "Консультации" not in body
    # The switch on the ticket screen comes back to this very ticket.
    assert f'name="next" type="hidden" value="/queue/sc1/kiosk/ticket/{token}/"' in body


def test_accept_language_alone_gives_kazakh(client: Client, demo: None, clock: Clock) -> None:
    body = client.get("/queue/sc1/kiosk/", headers={"accept-language": "kk"}).content.decode()

    assert '<html lang="kk"' in body
    assert "Кеңес, шарттар, құжаттар" in body


def test_a_closed_service_opens_on_a_day_named_in_kazakh(
    client: Client, demo: None, clock: Clock
) -> None:
    from datetime import datetime

    from abonent.equeue.tests.conftest import ASTANA

    client.cookies["abonent_lang"] = "kk"
    clock.at = datetime(2026, 11, 21, 14, 0, tzinfo=ASTANA)  # Saturday after 13:00
    body = client.get("/queue/sc1/kiosk/").content.decode()

    # Sunday 22 November is not the month's last Sunday: closed until Monday.
    assert body.count("23 қараша, дүйсенбі") == 2
    assert body.count('data-state="closed"') == 2
