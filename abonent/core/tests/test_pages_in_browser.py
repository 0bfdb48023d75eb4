"""Page tests in headless Chromium (Debian's), driven by Playwright: the public home page
shows the offices with "open now", and the language switcher keeps the page."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_lists_offices_and_switches_to_kazakh_on_the_same_page(
    demo: None, live_server: Any, page: Any
) -> None:
    page.goto(live_server.url + "/offices/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_role("heading", level=1).inner_text() == "Контакты и сервис-центры"
    assert page.get_by_text("Сервис-центр № 3").is_visible()
    page.get_by_role("button", name="Қаз").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + "/offices/"
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.get_by_role("heading", level=1).inner_text() == "Байланыстар және сервис-орталықтар"
    assert page.get_by_text("№ 3 сервис-орталығы").is_visible()


def test_staff_log_in_with_a_demo_user_shows_the_roles(
    demo: None, live_server: Any, page: Any
) -> None:
    page.goto(live_server.url + "/staff/")
    page.get_by_label("Имя пользователя").fill("hall_admin")
    page.get_by_label("Пароль").fill("demo")
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + "/staff/"
    assert page.get_by_text("Администратор зала").first.is_visible()
