"""A newcomer signs up, verifies the address from the mail, and registers the organization, in a
real browser (Debian's Chromium, headless), at desktop and phone widths."""

import re

import pytest
from django.core import mail

from tests.browser import launched, shot
from tracker.models import Membership

pytestmark = pytest.mark.integration

EMAIL = "founder@example.com"
PASSWORD = "a-long-enough-passphrase-2025"


def sign_up(page, site):
    page.goto(f"{site}/accounts/signup/")
    shot(page, "signup")
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    shot(page, "signup-verify")


def verify_log_in_and_register(page, site, link):
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/")
    page.fill("#id_login", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(f"{site}/")  # the home page, LOGIN_REDIRECT_URL
    page.goto(f"{site}/my/organizations/new/")
    shot(page, "organization-new")
    page.fill("#id_name_zh", "柳州新材料中试有限公司")
    page.select_option("#id_kind", "enterprise")
    page.fill("#id_credit_code", "91350100m000100y43")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/my/")
    assert "柳州新材料中试有限公司" in page.content()
    shot(page, "organization-registered")


def test_a_newcomer_signs_up_verifies_and_registers_the_organization(
    seeded, live_server, chromium
):
    # Playwright keeps an event loop in this thread, where Django refuses database access:
    # the browser runs in two steps, with the mail read in between.
    with launched(chromium) as browser:
        page = browser.new_page(locale="zh-CN")
        sign_up(page, live_server.url)
    [message] = mail.outbox
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    with launched(chromium) as browser:
        page = browser.new_page(locale="zh-CN")
        verify_log_in_and_register(page, live_server.url, link)

    membership = Membership.objects.select_related("organization", "user").get()
    assert (membership.user.email, membership.role) == (EMAIL, Membership.Role.OWNER)
    assert membership.organization.credit_code == "91350100M000100Y43"
