"""Headless Chromium (Debian's package) for the browser tests, through Playwright."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = settings.BASE_DIR / "test-artifacts"
WIDTHS = (1366, 390)  # desktop, phone


def shot(page, name, *, full_page=True):
    """The current page at both widths, into test-artifacts/<name>-<width>.png.

    `full_page=False` for a state that lives only while a field has the focus (an open list of
    suggestions): Chromium's full-page capture resizes the page, which blurs the field and
    closes the list, so the visible part around the focused field is taken instead."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=ARTIFACTS / f"{name}-{width}.png", full_page=full_page)


def accessibility_violations(page):
    """axe-core's violations on the page as shown (WCAG 2.1 A and AA rules), as
    "rule: first failing element" lines; empty when it passes."""
    results = Axe().run(page, options={
        "resultTypes": ["violations"],
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    })
    return [
        f"{v['id']}: {v['nodes'][0]['html'][:120]}" for v in results.response["violations"]
    ]


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium and fonts-wqy-zenhei."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    ARTIFACTS.mkdir(exist_ok=True)
    return CHROMIUM


@contextmanager
def launched(chromium):
    """A headless Chromium. No ORM call may run inside: Playwright's sync API keeps an event
    loop in this thread, and Django refuses database access there."""
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield browser
        finally:
            browser.close()


def log_in_as_liugang(page, site, then="/check/"):
    """As the `firm_user` fixture's member of 柳钢集团, through the site's login page."""
    page.goto(f"{site}/accounts/login/?next={then}")
    page.fill("#id_login", "liugang@example.com")
    page.fill("#id_password", "pw")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(f"**{then}")


def page_errors(page):
    """A list that fills with the page's script errors and Content-Security-Policy reports
    (not a missing favicon)."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: "Content Security Policy" in m.text and errors.append(m.text))
    return errors


def check_eligibility_as_liugang(page, site):
    """Fill /check/ with 柳钢集团's profile (enterprise in Liuzhou, new materials, two
    university partners) and submit it."""
    page.goto(f"{site}/check/")
    page.select_option("#id_kind", "enterprise")
    pick_region(page, "广西壮族自治区", "柳州市")
    page.get_by_label("新材料").check()
    page.fill("#id_partner_count", "2")
    page.locator("input[name=partner_kinds][value=university]").check()
    page.locator("form.stacked button[type=submit]").click()


def pick_region(page, *names):
    """Choose the province, then the city and county (their lists are fetched on change)."""
    for level, name in zip(["province", "city", "county"], names, strict=False):
        select = f"#id_region_{level}"
        page.locator(f"{select} option", has_text=name).wait_for(state="attached")
        page.select_option(select, label=name)


def log_in(page, site, email="liugang@example.com", password="pw"):
    """On the site's login page, as the `firm_user` fixture's member of 柳钢集团 by default."""
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(f"{site}/")  # the home page, LOGIN_REDIRECT_URL


def log_in_to_the_admin(page, site):
    """As the `staff_user` fixture's administrator."""
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "pw")
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{site}/admin/")

