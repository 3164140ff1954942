"""The whole path of a firm that finds the site on its own, in a real browser (Debian's Chromium,
headless) against a live server whose mail goes to a real SMTP server: sign up and verify from the
mail, register the organization, invite a teammate who signs up through the link, track the
pilot-base program, add an existing and a new partner (the existing one's owner confirms), give an
item to the teammate with a file, tick, let the teammate see it, submit with the confirmation.
Screenshots of each new page at desktop and phone widths."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress

from tests.browser import launched, shot
from tracker.models import (
    Application,
    Attachment,
    ItemWork,
    Membership,
    Organization,
)

pytestmark = pytest.mark.integration

PASSWORD = "a-long-enough-passphrase-2025"
FOUNDER, TEAMMATE = "founder@example.com", "teammate@example.com"
PARTNER_OWNER = "owner@ustb.example.com"
FIRM = "柳州新材料中试有限公司"
NEW_PARTNER = "柳州新材料中试研究院"
ITEM = "认定申报材料"
PDF = b"%PDF-1.7\n" + b"0" * 2048


def link_in_mail(smtp_server, to, pattern):
    """The link matching `pattern` in the newest mail to `to` that has one."""
    for message in reversed(smtp_server.messages):
        if to in message["To"]:
            found = re.search(pattern, message.get_body(("plain",)).get_content())
            if found:
                return found.group(0)
    raise AssertionError(f"no mail to {to} with {pattern}")


def log_in(page, site, email, password=PASSWORD):
    page.goto(f"{site}/accounts/login/?next=/my/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/my/")


def sign_up_verify_and_register(browser, site, smtp_server):
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{site}/accounts/signup/")
    page.fill("#id_email", FOUNDER)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    page.goto(link_in_mail(smtp_server, FOUNDER, r"https?://\S+/accounts/confirm-email/\S+/"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/login/")
    log_in(page, site, FOUNDER)
    page.goto(f"{site}/my/organizations/new/")
    page.fill("#id_name_zh", FIRM)
    page.select_option("#id_kind", "enterprise")
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/my/")
    return page


def invite_the_teammate(page, site):
    page.get_by_role("link", name=FIRM).click()
    page.wait_for_url("**/my/organizations/*/")
    page.fill("#id_email", TEAMMATE)
    page.locator("form[action$='/invite/'] button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("main", has_text=TEAMMATE).wait_for()
    shot(page, "onboarding-team")


def join_through_the_invitation(browser, link):
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(link)
    shot(page, "onboarding-invitation")
    page.locator("main .actions a").first.click()  # sign up
    page.wait_for_url("**/accounts/signup/**")
    # The invited address is filled in, and needs no second verification mail.
    assert page.input_value("#id_email") == TEAMMATE
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/invitations/**")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/my/**")
    assert FIRM in page.content()
    return page


def track_and_add_partners(page, site):
    page.goto(f"{site}/programs/guangxi-pilot-base-2025/")
    page.get_by_role("button", name="关注本项目").click()
    page.wait_for_url("**/my/**")
    card = page.locator("article.card", has_text=FIRM)
    field = card.locator("input[name=partner]")
    field.press_sequentially("北京科技")
    card.locator(".suggestions [role=option]").first.wait_for()
    field.press("ArrowDown")
    field.press("Enter")  # picks the suggestion
    field.press("Enter")  # adds it
    page.wait_for_url("**/my/applications/*/")
    card.locator("ul.co-builders li", has_text="北京科技大学").wait_for()
    # Not in the database: the typed name comes back with the offer to enter it.
    card.locator("input[name=partner]").fill(NEW_PARTNER)
    card.locator("form.partner-search button[type=submit]").click()
    page.wait_for_url("**/my/applications/*/")
    card.locator(".new-partner[open]").wait_for()
    assert card.locator("input[name=name_zh]").input_value() == NEW_PARTNER
    card.locator("select[name=kind]").select_option("research_institute")
    card.locator(".new-partner button[type=submit]").click()
    page.wait_for_url("**/my/applications/*/")
    card.locator("ul.co-builders li", has_text=NEW_PARTNER).wait_for()


def confirm_as_the_partners_owner(browser, site):
    page = browser.new_context(locale="zh-CN").new_page()
    log_in(page, site, PARTNER_OWNER, "pw")
    requests = page.locator("#partnership-requests")
    requests.wait_for()
    shot(page, "onboarding-partnership-request")
    # The seed's 柳钢集团 named this university too: only the new firm's request is answered.
    requests.locator("li", has_text=FIRM).get_by_role("button", name="确认").click()
    page.wait_for_url("**/my/**")
    assert page.locator("#partnership-requests li", has_text=FIRM).count() == 0


def open_the_application(page, site):
    """From the dashboard's line of the firm's application to its page."""
    page.goto(f"{site}/my/")
    page.locator("li.application-line", has_text=FIRM).locator("h2 a").click()
    page.wait_for_url("**/my/applications/*/")


def give_the_item_to_the_teammate_with_a_file_and_tick(page, site):
    open_the_application(page, site)
    card = page.locator("article.card", has_text=FIRM)
    assert card.locator("ul.co-builders li", has_text="北京科技大学").locator(
        ".badge.confirmed"
    ).count() == 1
    row = card.locator("ul.checklist > li", has_text=ITEM)
    row.locator("details.item-work summary").click()
    row.locator("select[name=owner]").select_option(label=TEAMMATE)
    row.locator("textarea[name=note]").fill("盖章扫描件")
    row.locator("input[type=file]").set_input_files(
        {"name": "认定申报书.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    row.locator("form.item-form button[type=submit]").click()
    page.wait_for_url("**/my/applications/*/")
    card.locator(".messages li.success").wait_for()
    card.locator("ul.checklist").get_by_label(ITEM).check()
    card.locator("form[action$='/ticks/'] button[type=submit]").click()
    page.wait_for_url("**/my/applications/*/")
    assert card.locator("ul.checklist").get_by_label(ITEM).is_checked()
    shot(page, "onboarding-card")


def the_teammate_sees_it(page, site):
    open_the_application(page, site)
    card = page.locator("article.card", has_text=FIRM)
    assert "认定申报书.pdf" in card.inner_html()
    assert TEAMMATE in card.locator("ul.checklist > li", has_text=ITEM).inner_text()
    assert card.locator("ul.checklist").get_by_label(ITEM).is_checked()


def submit_with_confirmation(page):
    page.reload()
    card = page.locator("article.card", has_text=FIRM)
    card.locator("form.status button[value=preparing]").click()
    page.wait_for_url("**/my/applications/*/")
    submit = card.locator("form.submit")
    submit.locator("button[type=submit]").click()
    # Without the confirmation box ticked, the browser refuses to send the form.
    assert submit.locator("input[name=confirm]:invalid").count() == 1
    submit.locator("input[name=confirm]").check()
    submit.locator("button[type=submit]").click()
    page.wait_for_url("**/my/applications/*/")
    card.locator("p.locked").wait_for()
    shot(page, "onboarding-submitted")


@pytest.fixture
def partner_owner(django_user_model, seeded):
    user = django_user_model.objects.create_user("ustb", PARTNER_OWNER, "pw")
    EmailAddress.objects.create(user=user, email=PARTNER_OWNER, primary=True, verified=True)
    ustb = Organization.objects.get(name_zh="北京科技大学")
    Membership.objects.create(user=user, organization=ustb, role=Membership.Role.OWNER)
    return user


def test_a_firm_signs_up_builds_its_team_and_partners_and_submits(
    seeded, partner_owner, live_server, smtp_server, during_the_call, chromium, settings
):
    site = settings.SITE_URL = live_server.url  # the links in the mails
    # Playwright keeps an event loop in this thread, where Django refuses database access:
    # everything in the browser first, then the database is read.
    with launched(chromium) as browser:
        founder = sign_up_verify_and_register(browser, site, smtp_server)
        invite_the_teammate(founder, site)
        invitation = link_in_mail(smtp_server, TEAMMATE, r"https?://\S+/invitations/\S+/")
        teammate = join_through_the_invitation(browser, invitation)
        track_and_add_partners(founder, site)
        confirm_as_the_partners_owner(browser, site)
        give_the_item_to_the_teammate_with_a_file_and_tick(founder, site)
        the_teammate_sees_it(teammate, site)
        submit_with_confirmation(founder)

    application = Application.objects.get(organization__name_zh=FIRM)
    assert application.status == Application.Status.SUBMITTED
    team = application.organization.memberships.order_by("created_at")
    assert [(m.user.email, m.role) for m in team] == [
        (FOUNDER, Membership.Role.OWNER),
        (TEAMMATE, Membership.Role.MEMBER),
    ]
    partners = {c.organization.name_zh: c for c in application.co_builders.all()}
    assert partners["北京科技大学"].confirmed_by == partner_owner
    assert partners[NEW_PARTNER].confirmed_at is None
    assert partners[NEW_PARTNER].organization.added_by.email == FOUNDER
    work = ItemWork.objects.get(application=application, item__title_zh=ITEM)
    assert (work.owner.email, work.note) == (TEAMMATE, "盖章扫描件")
    # The due date nobody typed: the program's number of days before its deadline.
    program = application.program
    assert work.due_on == program.deadline - datetime.timedelta(days=program.item_due_days)
    [attachment] = Attachment.objects.filter(application=application)
    assert (attachment.original_name, attachment.size) == ("认定申报书.pdf", len(PDF))
