"""The registry's pages in headless Chromium (Debian's), driven by Playwright: a consumer
sends the feedback form in Kazakh; the Chancellery registers a letter, assigns it and
registers the answer on the appeal page (htmx-enhanced forms under a 'self'-only CSP)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from abonent.appeals.models import Appeal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KK_TEXT = "Қазан айындағы ыстық су үшін төлемді қайта есептеуді сұраймын, рахмет сізге."
RU_TEXT = "Прошу проверить начисления за отопление за ноябрь, сумма завышена вдвое."
RU_ANSWER = "Начисления проверены, перерасчёт выполнен и учтён в счёте за декабрь."


def test_a_consumer_sends_the_feedback_form_in_kazakh(
    demo: None, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(live_server.url + "/feedback/")
    page.get_by_role("button", name="Қаз").click()
    page.wait_for_load_state()
    assert page.url == live_server.url + "/feedback/"
    assert page.locator("html").get_attribute("lang") == "kk"
    expect(page.locator("#id_org_name")).to_be_hidden()  # legal-entity fields wait their turn
    page.locator("#id_last_name").fill("Сәрсенбаев")
    page.locator("#id_first_name").fill("Ерлан")
    page.locator("#id_email").fill("erlan@example.kz")
    page.locator("#id_kind").select_option("claim")
    page.locator("#id_text").fill(KK_TEXT)
    page.locator("#id_consent").check()
    page.locator("form.appeal-form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/feedback/sent/")

    appeal = Appeal.objects.get()
    expect(page.locator("[data-incoming-number]")).to_have_text(appeal.incoming_number)
    expect(page.locator("[data-access-code]")).to_have_text(appeal.access_code)
    assert (appeal.channel, appeal.kind, appeal.language, appeal.last_name) == (
        "web",
        "claim",
        "kk",
        "Сәрсенбаев",
    )
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


def test_the_chancellery_registers_assigns_and_answers_a_letter(
    demo: None, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    page.goto(live_server.url + "/staff/appeals/new/")
    page.locator("#id_username").fill("chancellery")
    page.locator("#id_password").fill("demo")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/staff/appeals/new/")
    page.console_errors.clear()  # the log-in page is not the registry's

    page.locator("#id_channel").select_option("post")
    page.locator("#id_last_name").fill("Омарова")
    page.locator("#id_first_name").fill("Айгуль")
    page.locator("#id_phone").fill("+7 701 555 44 33")
    page.locator("#id_text").fill(RU_TEXT)
    page.locator("form.appeal-form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/staff/appeals/\d+/$"))
    appeal = Appeal.objects.get()
    assert appeal.channel == "post" and appeal.language == "ru"

    # open it from the journal
    page.goto(live_server.url + "/staff/appeals/")
    page.get_by_role("link", name=appeal.incoming_number).click()
    page.wait_for_url(live_server.url + f"/staff/appeals/{appeal.pk}/")
    expect(page.locator("#appeal-status")).to_have_attribute("data-status", "registered")

    # a refusal comes back as a 4xx that htmx swaps in: the error shows at its form, in place
    page.locator("#decision-decision").select_option("no_action")
    page.locator("#action-decision button[type=submit]").click()
    expect(page.locator("#action-decision [role=alert]")).to_be_visible()
    assert page.url == live_server.url + f"/staff/appeals/{appeal.pk}/"
    expect(page.locator("#appeal-status")).to_have_attribute("data-status", "registered")

    page.locator("#assign-department").select_option("sales")
    page.locator("#assign-executor").select_option("executor")
    page.locator("#action-assign button[type=submit]").click()
    expect(page.locator("#appeal-status")).to_have_attribute("data-status", "assigned")
    expect(page.locator("[data-field=executor]")).to_contain_text("Петров")

    expect(page.locator("#answer-language")).to_have_value("ru")
    page.locator("#answer-text").fill(RU_ANSWER)
    page.locator("#answer-outcome").select_option("satisfied")
    page.locator("#answer-method").select_option("post")
    page.locator("#action-answer button[type=submit]").click()
    status = page.locator("#appeal-status")
    expect(status).to_have_attribute("data-status", "answered")
    expect(status).to_be_visible()
    assert page.url == live_server.url + f"/staff/appeals/{appeal.pk}/"

    appeal.refresh_from_db()
    assert (appeal.status, appeal.department.code, appeal.executor.username) == (
        "answered",
        "sales",
        "executor",
    )
    expect(page.locator("[data-field=answer_number]")).to_have_text(appeal.answer.outgoing_number)
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
