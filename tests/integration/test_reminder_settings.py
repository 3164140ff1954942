"""A member turns an organization's reminders on, in English, in a real browser (Debian's
Chromium, headless), at desktop and phone widths."""

import pytest

from tests.browser import launched
from tests.integration.test_signup import shot
from tracker.models import Contact

pytestmark = pytest.mark.integration


def test_a_member_turns_reminders_on_from_the_dashboard(firm_user, live_server, chromium):
    site = live_server.url
    with launched(chromium) as browser:
        page = browser.new_page(locale="zh-CN")
        page.goto(f"{site}/accounts/login/")
        page.fill("#id_login", "liugang@example.com")
        page.fill("#id_password", "pw")
        page.locator("form.stacked button[type=submit]").click()
        page.wait_for_url(f"{site}/")  # the home page, LOGIN_REDIRECT_URL
        page.goto(f"{site}/my/")
        page.locator("a[href='/my/reminders/']").click()
        page.wait_for_url("**/my/reminders/")
        shot(page, "reminders")
        page.locator("input[type=checkbox][name$='-receive']").check()
        page.select_option("select[name$='-language']", "en")
        page.locator("form.stacked button[type=submit]").click()
        page.wait_for_url("**/my/reminders/")
        checked = page.locator("input[type=checkbox][name$='-receive']").is_checked()
        shot(page, "reminders-saved")

    assert checked
    contact = Contact.objects.get(user=firm_user)
    assert (contact.email, contact.language, contact.unsubscribed_at) == (
        "liugang@example.com", "en", None
    )
