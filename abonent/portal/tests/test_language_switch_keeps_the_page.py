"""The language switch keeps the page, query string included (#9 point 4)."""

from __future__ import annotations

from django.test import Client


def test_switching_to_kazakh_returns_to_the_same_search(site: object, client: Client) -> None:
    html = client.get("/faq/?q=%D1%81%D1%87%D1%91%D1%82").content.decode()
    assert '<input name="next" type="hidden" value="/faq/?q=%D1%81%D1%87%D1%91%D1%82">' in html
    r = client.post(
        "/i18n/setlang/", {"language": "kk", "next": "/faq/?q=%D1%81%D1%87%D1%91%D1%82"}
    )
    assert (r.status_code, r["Location"]) == (302, "/faq/?q=%D1%81%D1%87%D1%91%D1%82")
    assert '<html lang="kk">' in client.get(r["Location"]).content.decode()


def test_the_switch_marks_each_button_with_its_language(site: object, client: Client) -> None:
    html = client.get("/tariffs/").content.decode()
    assert 'value="kk" lang="kk"' in html
    assert 'value="ru" lang="ru"\n            aria-current="true"' in html
