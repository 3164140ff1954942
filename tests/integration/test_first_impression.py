"""What a newcomer meets, at today's real date (no frozen time: the example catalog is dated
from the day it is loaded): the home page, the self-check on a phone, and every public page
and the firm's pages checked by axe-core in both languages, at desktop and phone widths."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse

from tests.browser import (
    ARTIFACTS,
    check_eligibility_as_liugang,
    launched,
    log_in_to_the_admin,
    shot,
)
from tracker.models import Application, Contact, Program, Reminder
from tracker.notifications.tokens import unsubscribe_token

pytestmark = pytest.mark.integration

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# axe-core's two highest impacts; "moderate" and "minor" ones are reported, not failed on.
BLOCKING = {"serious", "critical"}


def test_a_newcomer_learns_what_the_site_is_and_lands_on_the_self_checks_results(
    demo_catalog, live_server, chromium
):
    with launched(chromium) as browser:
        page = browser.new_page(locale="zh-CN", viewport=PHONE)
        page.goto(f"{live_server.url}/")
        assert "找到本单位可申报的支持项目" in page.locator("h1").inner_text()
        assert page.get_by_role("link", name="查找项目").count() == 1
        examples = page.locator("article.card", has=page.locator(".badge.demo"))
        assert examples.count() == 3
        assert "【示例】产学研联合攻关项目" in examples.first.inner_text()
        assert "剩余6天" in examples.first.inner_text()
        assert scroll_width(page) <= PHONE["width"]
        shot(page, "home")
        # The first Tab reaches the skip link, shown on focus; it moves on to the content.
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        assert skip.evaluate("e => e === document.activeElement")
        assert skip.evaluate("e => e.getBoundingClientRect().top") >= 0
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "content"

        check_eligibility_as_liugang(page, live_server.url)
        page.wait_for_url("**/check/?*#results")
        results = page.locator("#results")
        results.locator("article.card").first.wait_for()
        # Findings for every open example; the real program is closed today and not among them.
        assert results.locator("article.card").count() == 3
        assert results.locator("article.card .badge.eligible").count() >= 1
        # The page opened on the results, not at the top of the form above them.
        top = results.evaluate("e => e.getBoundingClientRect().top")
        assert 0 <= top < PHONE["height"] / 4
        assert page.evaluate("window.scrollY") > 300
        page.screenshot(path=ARTIFACTS / "self-check-results-390.png")
        page.close()


def public_pages(pilot_base):
    contact = Contact.objects.get(email="liugang-demo@example.com")
    demo = Program.objects.get(slug="demo-joint-research")
    return {
        "home": "/",
        "programs": "/programs/",
        "program": f"/programs/{pilot_base.slug}/",
        "program-demo": f"/programs/{demo.slug}/",
        "self-check": "/check/",
        "self-check-results": "/check/?kind=enterprise&region_province=450000&partner_count=6",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
        "unsubscribe": reverse(
            "tracker:unsubscribe", args=[unsubscribe_token(Reminder.key_for(contact))]
        ),
    }


def member_pages(application):
    return {
        "dashboard": "/my/",
        "application": f"/my/applications/{application.pk}/",
        "statement": f"/my/applications/{application.pk}/statement/",
        "reminders": "/my/reminders/",
    }


def test_every_page_passes_axe_and_fits_a_phone_in_both_languages(
    demo_catalog, pilot_base, liugang, firm_user, live_server, chromium
):
    application = Application.objects.get(organization=liugang, program=pilot_base)
    public, members = public_pages(pilot_base), member_pages(application)
    problems = []
    with launched(chromium) as browser:
        for language in ("zh-hans", "en"):
            page = browser.new_page(viewport=DESKTOP)
            page.context.add_cookies([{
                "name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url
            }])
            problems += audit(page, live_server.url, public, language)
            log_in(page, live_server.url)
            problems += audit(page, live_server.url, members, language)
            page.close()
        the_statement_prints_without_the_site_around_it(browser, live_server.url, members)
    assert problems == [], "\n".join(problems)


def audit(page, site, pages, language):
    """axe-core's serious and critical violations and any horizontal scrolling at 390 px, for
    each page; a screenshot of each at both widths."""
    axe, problems = Axe(), []
    for name, path in pages.items():
        page.set_viewport_size(DESKTOP)
        page.goto(f"{site}{path}")
        for width in (DESKTOP, PHONE):
            page.set_viewport_size(width)
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] in BLOCKING:
                    targets = [node["target"] for node in violation["nodes"]][:3]
                    problems.append(
                        f"{language} {path} @{width['width']}: {violation['id']} "
                        f"({violation['impact']}) {violation['help']} {targets}"
                    )
        if scroll_width(page) > PHONE["width"]:
            problems.append(f"{language} {path}: {scroll_width(page)} px wide at 390 px")
        shot(page, f"{name}-{language}")
    return problems


def the_statement_prints_without_the_site_around_it(browser, site, members):
    page = browser.new_page(viewport=DESKTOP)
    log_in(page, site)
    page.goto(f"{site}{members['statement']}")
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()
    assert not page.locator("footer.site").is_visible()
    assert page.locator("ol.findings > li").count() >= 4
    page.pdf(path=ARTIFACTS / "statement.pdf", format="A4")
    page.screenshot(path=ARTIFACTS / "statement-print.png", full_page=True)
    page.close()


def scroll_width(page):
    return page.evaluate("document.scrollingElement.scrollWidth")


def log_in(page, site):
    page.goto(f"{site}/accounts/login/?next=/my/")
    page.fill("#id_login", "liugang@example.com")
    page.fill("#id_password", "pw")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/my/")


def test_the_program_change_page_fits_a_1366_px_window(
    seeded, pilot_base, staff_user, live_server, chromium
):
    with launched(chromium) as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
        log_in_to_the_admin(page, live_server.url)
        page.goto(f"{live_server.url}/admin/tracker/program/{pilot_base.pk}/change/")
        assert scroll_width(page) <= 1366
        inline = page.locator("#checklist_items-group")
        inline.screenshot(path=ARTIFACTS / "admin-program-checklist-1366.png")
        shot(page, "admin-program-change")
        page.close()
