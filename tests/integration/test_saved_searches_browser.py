"""Saved searches in a real browser and a real django-q2 cluster: a member saves the program
list's filters, an administrator publishes a program the list would show under them, and the
member sees it in the notification centre and gets the mail (a real SMTP server)."""

import pytest
from django.utils import timezone

from tests.browser import accessibility_violations, launched, log_in_as_liugang, shot
from tests.integration.test_alerts_browser import (
    TITLE,
    publish_as_the_administrator,
    wait_for_mail,
)
from tracker.models import AlertMessage, Authority, SavedSearch

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SEARCH = "柳州市科技局的项目"


def test_a_member_hears_of_a_program_published_into_a_saved_search(
    seeded, staff_user, firm_user, live_server, chromium, smtp_server, qcluster
):
    today = timezone.localdate()
    authority = Authority.objects.get(name_zh="柳州市科学技术局").pk
    cluster = qcluster("searches", smtp_server.port, Q_WORKERS="1")
    with launched(chromium) as browser:
        member = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
        save_the_search(member, live_server.url, authority)
        publish_as_the_administrator(browser, live_server.url, today)

        wait_for_mail(smtp_server, cluster)
        see_it_in_the_notification_centre(member, live_server.url)
        see_the_search_on_the_settings_page(member, live_server.url)

    [search] = SavedSearch.objects.filter(user=firm_user)
    assert search.querystring == f"authority={authority}"
    [message] = AlertMessage.objects.filter(kind="saved_search")
    assert (message.program.title_zh, message.saved_search) == (TITLE, search)
    [mail] = smtp_server.messages
    assert mail["To"] == "liugang@example.com"
    assert mail["Subject"].strip() == f"您保存的搜索“{SEARCH}”有新项目：{TITLE}"


def save_the_search(page, site, authority):
    log_in_as_liugang(page, site, then="/programs/")
    page.select_option("#id_authority", str(authority))
    page.get_by_role("button", name="搜索", exact=True).click()
    page.wait_for_url(f"**/programs/?*authority={authority}*")
    page.locator("details.save-search summary").click()
    page.get_by_label("搜索名称").fill(SEARCH)
    shot(page, "saved-search-save")
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="保存搜索").click()
    page.locator(".messages li", has_text=f"搜索“{SEARCH}”已保存").wait_for()


def see_it_in_the_notification_centre(page, site):
    page.goto(f"{site}/programs/")
    page.locator("header.site a.notifications .count", has_text="1").wait_for()
    page.locator("header.site a.notifications").click()
    page.wait_for_url("**/my/notifications/")
    alert = page.locator("article.alert", has_text=f"您保存的搜索“{SEARCH}”有新项目")
    alert.locator("p.text", has_text=f"现符合您保存为“{SEARCH}”的筛选条件").wait_for()
    shot(page, "saved-search-notification-centre")


def see_the_search_on_the_settings_page(page, site):
    page.goto(f"{site}/my/alerts/")
    page.locator(".saved-searches li", has_text=SEARCH).wait_for()
    shot(page, "saved-search-settings")
    assert accessibility_violations(page) == []
