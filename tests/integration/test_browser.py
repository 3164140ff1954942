"""A visitor and a firm use the site in a real browser (Debian's Chromium, headless)."""


import pytest
from django.urls import reverse

from tests.browser import (
    ARTIFACTS,
    check_eligibility_as_liugang,
    launched,
    log_in_to_the_admin,
    shot,
)
from tracker.models import ChecklistTick, Contact, Reminder
from tracker.notifications.tokens import unsubscribe_token

pytestmark = pytest.mark.integration

TITLE = "2025年广西科技成果转化中试研究基地认定"


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
    page.fill("#id_login", "liugang@example.com")
    page.fill("#id_password", "pw")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/my/")
    shot(page, "dashboard")
    # The dashboard lists the applications; the checklist and the forms are on each one's page.
    page.locator("ol.application-lines h2 a").first.click()
    page.wait_for_url("**/my/applications/*/")
    # The checkboxes sit in the list, outside the ticks form they belong to (form="…"): each
    # item also has its own form for who prepares it and its files.
    page.locator("ul.checklist").get_by_label("认定申报材料").check()
    page.locator("form[action$='/ticks/'] button[type=submit]").click()
    page.wait_for_url("**/my/applications/*/")
    assert page.locator("ul.checklist input[type=checkbox][form^='ticks-']").first.is_checked()
    # The result shows where the firm acted: in the card the page scrolled to, on screen.
    saved = page.locator("article.card .messages li", has_text="材料清单已保存")
    assert saved.evaluate("e => e.getBoundingClientRect().bottom <= window.innerHeight")
    page.screenshot(path=ARTIFACTS / "application-ticked.png", full_page=True)

    page.goto(f"{site}/programs/guangxi-pilot-base-2025/")
    page.screenshot(path=ARTIFACTS / "program.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{site}/programs/")
    page.get_by_role("link", name=TITLE).wait_for()
    page.screenshot(path=ARTIFACTS / "programs.png", full_page=True)


def test_the_content_security_policy_blocks_nothing_the_pages_use(
    seeded, staff_user, firm_user, pilot_base, live_server, chromium
):
    """Every page in Chromium with the policy on: no violation reported, and the admin's
    scripted widgets still work."""
    contact = Contact.objects.get(email="liugang-demo@example.com")
    token = unsubscribe_token(Reminder.key_for(contact))
    unsubscribe = reverse("tracker:unsubscribe", args=[token])
    with launched(chromium) as browser:
        violations = visit_the_site_and_the_admin(
            browser, live_server.url, pilot_base.pk, unsubscribe
        )

    assert violations == [], "\n".join(violations)


def visit_the_site_and_the_admin(browser, site, program_pk, unsubscribe):
    violations = []

    def record(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page.on("console", record)
    page.goto(f"{site}/accounts/login/?next=/my/")
    page.fill("#id_login", "liugang@example.com")
    page.fill("#id_password", "pw")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/my/")
    # The stylesheet is a file now: the layout must still be applied.
    assert page.locator("header.site").evaluate("e => getComputedStyle(e).display") == "flex"
    page.screenshot(path=ARTIFACTS / "csp-dashboard.png", full_page=True)
    for path in ["/programs/", "/programs/guangxi-pilot-base-2025/", "/check/?kind=enterprise"]:
        page.goto(f"{site}{path}")
        page.wait_for_load_state()
    page.context.clear_cookies()
    page.goto(f"{site}{unsubscribe}")
    # In the site's layout: its header, and the message in a card of readable width.
    assert page.locator("header.site").evaluate("e => getComputedStyle(e).display") == "flex"
    assert page.locator("section.card").evaluate("e => getComputedStyle(e).maxWidth") != "none"
    page.screenshot(path=ARTIFACTS / "csp-unsubscribe.png", full_page=True)

    log_in_to_the_admin(page, site)

    page.goto(f"{site}/admin/tracker/program/add/")
    # Prepopulated fields: the slug follows the English title as it is typed.
    page.locator("#id_title_en").press_sequentially("Pilot Base 2026")
    assert page.input_value("#id_slug") == "pilot-base-2026"
    # The regions autocomplete (select2): a search by name offers the division.
    page.locator("#id_regions + .select2 .select2-search__field").click()
    page.keyboard.type("柳州")
    page.locator(".select2-results__option", has_text="柳州市").first.click()
    assert page.locator("#id_regions option:checked").count() == 1

    page.goto(f"{site}/admin/tracker/organization/add/")
    page.locator("#id_sectors_from option").first.dblclick()
    assert page.locator("#id_sectors_to option").count() == 1

    # The impact preview's nonced script: "Back" returns to the form in the browser history.
    change = f"{site}/admin/tracker/program/{program_pk}/change/"
    page.goto(change)
    page.fill("#id_max_co_builders", "1")
    page.locator("input[name=_save]").click()
    page.locator("#impact-summary").wait_for()
    page.locator("#impact-back").click()
    page.wait_for_url(change)
    assert page.input_value("#id_max_co_builders") == "1"

    # The export page's "Select all", bound from a file since its inline handler is blocked.
    page.goto(f"{site}/admin/tracker/program/export/")
    page.locator("input.select-toggle").uncheck()
    assert page.locator(".selectable-field-export-row input[type=checkbox]:checked").count() == 0
    page.screenshot(path=ARTIFACTS / "csp-admin-export.png", full_page=True)
    page.close()
    return violations
