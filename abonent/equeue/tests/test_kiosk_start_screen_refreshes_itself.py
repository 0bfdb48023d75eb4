"""Issue #5 review, 5 (Q-2): the kiosk's start screen does not go stale — it reloads itself
after a minute without a touch (kiosk.js, and a <noscript> meta refresh), by ``?idle=1``,
which drops the language the last consumer chose and lands on the clean address."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from abonent.equeue.tests.conftest import Clock


def test_the_start_screen_comes_back_by_itself(client: Client, demo: None, clock: Clock) -> None:
    body = client.get("/queue/sc1/kiosk/").content.decode()
    assert 'data-return-after="60"' in body
    assert 'data-return-url="/queue/sc1/kiosk/?idle=1"' in body
    assert '<meta http-equiv="refresh" content="60;url=/queue/sc1/kiosk/?idle=1">' in body


def test_idle_resets_the_language_to_the_default(client: Client, demo: None, clock: Clock) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    assert '<html lang="kk"' in client.get("/queue/sc1/kiosk/").content.decode()
    r = client.get("/queue/sc1/kiosk/?idle=1")
    assert (r.status_code, r["Location"]) == (302, "/queue/sc1/kiosk/")
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    assert r.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"] == 0
    body = client.get("/queue/sc1/kiosk/").content.decode()
    assert f'<html lang="{settings.LANGUAGE_CODE}"' in body
