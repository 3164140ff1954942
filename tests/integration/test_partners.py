"""A lead adds co-building units in a real browser (Debian's Chromium, headless): one picked
among the suggestions shown while typing, one entered as a new organization; screenshots at
desktop and phone widths."""

import pytest

from tests.browser import launched, shot
from tracker.models import Application, CoBuilder, Organization

pytestmark = pytest.mark.integration


def add_partners(page, site, application_pk):
    page.goto(f"{site}/accounts/login/?next=/my/")
    page.fill("#id_login", "liugang@example.com")
    page.fill("#id_password", "pw")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/my/")
    # The dashboard lists the applications; the checklist and the forms are on each one's page.
    page.locator("ol.application-lines h2 a").first.click()
    page.wait_for_url("**/my/applications/*/")
    field = page.locator(f"#partner-{application_pk}")
    field.press_sequentially("广西")
    page.locator(f"#suggestions-{application_pk} [role=option]").first.wait_for()
    field.scroll_into_view_if_needed()
    shot(page, "partners-suggestions", full_page=False)
    field.press("ArrowDown")
    field.press("Enter")  # picks the highlighted suggestion
    field.press("Enter")  # submits the form
    page.wait_for_url("**/my/applications/*/")
    card = page.locator(f"#application-{application_pk}")
    card.locator("ul.co-builders li", has_text="广西大学").wait_for()

    card.locator(".new-partner summary").click()
    page.fill(f"#new-name-{application_pk}", "柳州新材料中试研究院")
    page.select_option(f"#new-kind-{application_pk}", "research_institute")
    card.locator(".new-partner button[type=submit]").click()
    page.wait_for_url("**/my/applications/*/")
    page.locator(f"#application-{application_pk} li", has_text="柳州新材料中试研究院").wait_for()
    shot(page, "partners-added")


def test_a_lead_picks_a_suggested_partner_and_enters_a_new_one(
    seeded, firm_user, live_server, chromium
):
    Organization.objects.create(name_zh="广西大学", kind="university")
    application = Application.objects.get(organization__name_zh="柳钢集团")

    with launched(chromium) as browser:
        add_partners(browser.new_page(locale="zh-CN"), live_server.url, application.pk)

    names = set(
        CoBuilder.objects.filter(application=application).values_list(
            "organization__name_zh", flat=True
        )
    )
    assert {"广西大学", "柳州新材料中试研究院"} <= names
    assert not CoBuilder.objects.get(organization__name_zh="广西大学").confirmed_at
