"""The whole path in a real browser: an administrator enters a program in the admin, a firm finds
it with the self-check, tracks it and ticks its materials, and the reminder reaches a real SMTP
server."""

import datetime

import pytest

from tests.browser import (
    ARTIFACTS,
    check_eligibility_as_liugang,
    launched,
    log_in_as_liugang,
    log_in_to_the_admin,
)
from tracker import tasks
from tracker.models import Application, ChecklistTick, Program

pytestmark = pytest.mark.integration

TITLE = "2025年柳州市新材料中试平台认定"


def test_a_program_entered_in_the_admin_reaches_a_firm_and_its_inbox(
    seeded, staff_user, firm_user, live_server, during_the_call, chromium, smtp_server
):
    # 10:00 in Beijing on 1 April 2025: past the send hour, 7 days before the new call's deadline.
    with launched(chromium) as browser:
        enter_the_program_as_the_administrator(browser, live_server.url)
        find_track_and_tick_it_as_the_firm(browser, live_server.url)

    program = Program.objects.get(title_zh=TITLE)
    assert (program.deadline, program.max_co_builders) == (datetime.date(2025, 4, 8), 3)
    assert [s.name_zh for s in program.sectors_in_order()] == ["新材料"]
    application = Application.objects.get(program=program, organization__name_zh="柳钢集团")
    assert ChecklistTick.objects.filter(application=application).count() == 1

    tasks.send_due_reminders()

    [message] = [m for m in smtp_server.messages if TITLE in m["Subject"]]
    assert message["To"] == "liugang-demo@example.com"
    assert message["X-Reminder-Key"].endswith(":7:v1")
    text = message.get_body(("plain",)).get_content()
    assert "2025年4月8日" in text
    # The ticked material is no longer listed as missing; the other one is.
    assert "申报书" not in text and "自评报告" in text
    (ARTIFACTS / "end-to-end-reminder.eml").write_bytes(message.as_bytes())


def enter_the_program_as_the_administrator(browser, site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in_to_the_admin(page, site)

    page.goto(f"{site}/admin/tracker/program/add/")
    page.fill("#id_title_zh", TITLE)
    page.fill("#id_title_en", "2025 Liuzhou new-materials pilot platform certification")
    page.fill("#id_slug", "liuzhou-new-materials-pilot-2025")
    page.fill("#id_year", "2025")
    choose_in_autocomplete(page, ".field-authority", "柳州市科学技术局")
    page.check("#id_is_published")
    page.fill("#id_opens_on", "2025-03-25")
    page.fill("#id_deadline", "2025-04-08")
    page.fill("#id_source_publication", "柳州市科技局网站")
    page.fill("#id_max_co_builders", "3")
    page.select_option("#id_preferred_partnership", "academia_enterprise")

    page.locator("#program_sectors-group .add-row a").click()
    choose_in_autocomplete(page, "#program_sectors-0", "新材料")
    page.fill("#id_program_sectors-0-position", "1")
    for n, title in enumerate(["申报书", "自评报告"]):
        page.locator("#checklist_items-group .add-row a").click()
        page.fill(f"#id_checklist_items-{n}-title_zh", title)
        page.fill(f"#id_checklist_items-{n}-position", str(n + 1))
    page.screenshot(path=ARTIFACTS / "end-to-end-admin-form.png", full_page=True)
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{site}/admin/tracker/program/")
    page.locator("#result_list").get_by_role("link", name=TITLE).wait_for()
    page.screenshot(path=ARTIFACTS / "end-to-end-admin-saved.png", full_page=True)
    page.close()


def choose_in_autocomplete(page, container, text):
    """The admin's autocomplete (select2): open it, type, pick the matching option."""
    page.locator(f"{container} .select2-selection").first.click()
    # Typed where the focus went: the regions' autocomplete has a search field of its own.
    page.keyboard.type(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def find_track_and_tick_it_as_the_firm(browser, site):
    page = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    log_in_as_liugang(page, site)
    check_eligibility_as_liugang(page, site)
    result = page.locator("article", has_text=TITLE)
    result.locator(".badge.eligible").wait_for()
    page.screenshot(path=ARTIFACTS / "end-to-end-self-check.png", full_page=True)

    result.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="关注本项目").click()
    # The checkboxes sit in the list, outside the ticks form they belong to (form="…").
    card = page.locator("article", has_text=TITLE)
    checklist = card.locator("ul.checklist")
    checklist.get_by_label("申报书").check()
    card.locator("form[action$='/ticks/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert checklist.get_by_label("申报书").is_checked()
    page.screenshot(path=ARTIFACTS / "end-to-end-dashboard.png", full_page=True)

    # A tracked program starts as "interested"; preparing it offers the submit form, which
    # needs the confirmation box ticked (a required checkbox: no JavaScript) and then locks
    # the checklist.
    card.locator("form.status button[value=preparing]").click()
    page.wait_for_load_state()
    card.locator("form.submit input[name=confirm]").check()
    card.locator("form.submit button[type=submit]").click()
    page.wait_for_load_state()
    card.locator("p.locked").wait_for()
    assert card.locator("ul.checklist input[name=items]").first.is_disabled()
    page.screenshot(path=ARTIFACTS / "end-to-end-submitted.png", full_page=True)

    # The call is open until 8 April: the submission can be undone, which unlocks the
    # checklist and puts the firm back among the readers of the deadline reminders.
    card.locator("form.status button[value=preparing]").click()
    page.wait_for_load_state()
    card.locator("form.submit").wait_for()
    assert card.locator("p.locked").count() == 0
    assert card.locator("ul.checklist input[name=items]").first.is_enabled()
    page.close()
