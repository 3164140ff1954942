"""A visitor and a firm use the site in a real browser (Debian's Chromium, headless)."""

import datetime

import pytest
import time_machine

from tests.browser import ARTIFACTS, check_eligibility_as_liugang, launched
from tracker.models import ChecklistTick

pytestmark = pytest.mark.integration

TITLE = "2025年广西科技成果转化中试研究基地认定"


@pytest.fixture
def during_the_call():
    # Ticking, so that the browser's waits and the server's sessions see time pass.
    moment = datetime.datetime(2025, 4, 1, 2, tzinfo=datetime.timezone.utc)
    with time_machine.travel(moment, tick=True):
        yield


def test_a_visitor_checks_eligibility_and_a_firm_ticks_its_checklist(
    seeded, firm_user, live_server, during_the_call, chromium
):
    with launched(chromium) as browser:
        visit_as_a_visitor_then_as_the_firm(browser, live_server.url)

    [tick] = ChecklistTick.objects.select_related("item")
    assert (tick.item.title_zh, tick.ticked_by) == ("认定申报材料", firm_user)


def visit_as_a_visitor_then_as_the_firm(browser, site):
    page = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})

    check_eligibility_as_liugang(page, site)
    result = page.locator("article", has_text=TITLE)
    result.locator(".badge.eligible").wait_for()
    assert result.locator(".findings .badge.preferred").count() == 2
    page.screenshot(path=ARTIFACTS / "self-check.png", full_page=True)

    page.goto(f"{site}/accounts/login/?next=/my/")
    page.fill("#id_username", "liugang")
    page.fill("#id_password", "pw")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/my/")
    checklist = page.locator("form[action$='/ticks/']")
    checklist.get_by_label("认定申报材料").check()
    checklist.locator("button[type=submit]").click()
    page.wait_for_url("**/my/#application-*")
    assert page.locator("form[action$='/ticks/'] input[type=checkbox]").first.is_checked()
    page.screenshot(path=ARTIFACTS / "dashboard.png", full_page=True)

    page.goto(f"{site}/programs/guangxi-pilot-base-2025/")
    page.screenshot(path=ARTIFACTS / "program.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{site}/programs/")
    page.get_by_role("link", name=TITLE).wait_for()
    page.screenshot(path=ARTIFACTS / "programs.png", full_page=True)
