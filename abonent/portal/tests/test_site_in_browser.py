"""#9's done-when in headless Chromium (Debian's), driven by Playwright: every section in
Russian and Kazakh passes the axe-core audit (no serious or critical violations) and has no
horizontal scroll at 200% zoom (a 640 px viewport) or on a phone; the site works with the
keyboard only; the feedback form is sent and its status looked up from the home page; an
office's hours and "opens at" are checked.

axe-core is vendored at abonent/portal/static/portal/vendor/axe.min.js (MPL-2.0, for this
test only) and injected with add_script_tag in a context that bypasses the site's CSP (the
site itself allows only its own scripts)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from abonent.appeals.models import Appeal
from abonent.portal import demo as portal_demo
from abonent.portal import queries
from abonent.portal.tests.conftest import ASTANA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[1] / "static" / "portal" / "vendor" / "axe.min.js"
PAGES = [
    "/",
    "/offices/",
    "/internet-reception/",
    "/individuals/",
    "/pages/home-visits/",
    "/legal-entities/",
    "/tariffs/",
    "/common-house-needs/",
    "/management-reception/",
    "/legal/",
    "/vacancies/",
    "/faq/",
    "/faq/?q=%D1%81%D1%87%D1%91%D1%82",
    "/payment/",
    "/suppliers/",
    "/about/",
    "/documents/",
    "/no-such-page/",
]
H1 = {  # the Kazakh headings prove the page really switched
    "/": "Тұтынушыларға қызмет көрсету",
    "/offices/": "Байланыстар және сервис-орталықтар",
    "/tariffs/": "Тарифтер",
    "/no-such-page/": "Бет табылмады",
}
AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '));
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def website(demo: None) -> Iterator[None]:
    portal_demo.load_demo(with_files=False)
    yield


def _context(page: Any, live_server: Any, lang: str, **options: Any) -> Any:
    ctx = page.context.browser.new_context(**options)
    ctx.add_cookies([{"name": "abonent_lang", "value": lang, "url": live_server.url}])
    return ctx


def test_every_section_in_both_languages_passes_axe_and_fits_at_200_percent(
    website: None, live_server: Any, page: Any
) -> None:
    problems: list[str] = []
    for lang in ("ru", "kk"):
        ctx = _context(
            page, live_server, lang, bypass_csp=True, viewport={"width": 1280, "height": 900}
        )
        audit = ctx.new_page()
        narrow = _context(
            page, live_server, lang, viewport={"width": 640, "height": 800}
        ).new_page()
        phone = _context(page, live_server, lang, viewport={"width": 360, "height": 740}).new_page()
        for path in PAGES:
            audit.goto(live_server.url + path)
            assert audit.locator("html").get_attribute("lang") == lang, path
            assert audit.locator("h1").count() == 1, path
            if lang == "kk" and path in H1:
                assert audit.locator("h1").inner_text() == H1[path]
            audit.add_script_tag(path=str(AXE))
            problems += [f"{lang} {path} {v}" for v in audit.evaluate(AXE_RUN)]
            for view, name in ((narrow, "640px"), (phone, "360px")):
                view.goto(live_server.url + path)
                if view.evaluate(OVERFLOW) > 0:
                    problems.append(f"{lang} {path} scrolls sideways at {name}")
        ctx.close()
        narrow.context.close()
        phone.context.close()
    assert problems == [], "\n".join(problems)


def test_keyboard_only_skip_link_menu_search_and_language(
    website: None, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    # Tab from the top through the menu to the language switch: every stop is visible.
    page.goto(live_server.url + "/faq/")
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.textContent.trim()")
        assert page.evaluate(
            "() => { const r = document.activeElement.getBoundingClientRect();"
            " return r.width > 0 && r.height > 0; }"
        )
        if focused == "Қаз":
            break
    else:
        pytest.fail("the language switch is not reachable by Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.url == live_server.url + "/faq/"
    assert page.locator("html").get_attribute("lang") == "kk"

    # Search with the keyboard, open an answer with Enter.
    page.get_by_label("Сұрақтардан іздеу").focus()
    page.keyboard.type("шот-фактура")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/faq/\?q=.*"))
    summary = page.locator("summary").first
    expect(summary).to_have_text("Шот-фактураның көшірмесін қалай алуға болады?")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details").first).to_have_attribute("open", "")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_feedback_sent_then_its_status_looked_up_from_the_home_page(
    website: None, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Главное меню").get_by_role(
        "link", name="Обратная связь"
    ).click()
    page.wait_for_url(live_server.url + "/feedback/")
    page.locator("#id_last_name").fill("Иванова")
    page.locator("#id_first_name").fill("Мария")
    page.locator("#id_email").fill("maria@example.kz")
    page.locator("#id_kind").select_option("complaint")
    page.locator("#id_text").fill("Третий месяц не приходит счёт за отопление, прошу разобраться.")
    page.locator("#id_consent").check()
    page.locator("form.appeal-form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/feedback/sent/")
    appeal = Appeal.objects.get()
    assert appeal.consent_version != "" and appeal.consent_at is not None  # W-8: recorded
    number = page.locator("[data-incoming-number]").inner_text()
    code = page.locator("[data-access-code]").inner_text()
    assert (number, code) == (appeal.incoming_number, appeal.access_code)

    page.goto(live_server.url + "/")
    page.get_by_label("Входящий номер").fill(number)
    page.get_by_label("Код доступа").fill(code)
    page.get_by_role("button", name="Проверить", exact=True).click()
    page.wait_for_url(live_server.url + "/appeal-status/")
    expect(page.get_by_role("heading", level=2)).to_have_text(f"Обращение № {number}")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", appeal.status)
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_an_office_hours_and_when_it_opens(
    website: None, live_server: Any, page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    monkeypatch.setattr(queries, "now", lambda: datetime(2026, 11, 22, 10, 0, tzinfo=ASTANA))
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Адреса, часы работы и очереди всех офисов").click()
    page.wait_for_url(live_server.url + "/offices/")
    sc1 = page.locator("#office-sc1")
    expect(sc1.locator(".office-hours li")).to_have_text(
        ["Пн–Пт (рабочие дни) 09:00–18:00", "Сб, последнее воскресенье месяца 09:00–13:00"]
    )
    expect(sc1.locator(".office-now")).to_have_text(
        re.compile(r"Закрыто\s+откроется 23\.11\.2026 в 09:00")
    )
    expect(sc1.locator(".queue")).to_contain_text("Офис закрыт; очередь начнётся с открытием.")

    page.get_by_role("button", name="Қаз").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + "/offices/"
    expect(sc1.locator(".office-hours li").first).to_have_text("Дс–Жм (жұмыс күндері) 09:00–18:00")
    expect(sc1.locator(".office-now")).to_have_text(
        re.compile(r"Жабық\s+23\.11\.2026, сағат 09:00 ашылады")
    )
