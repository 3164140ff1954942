"""The policy finds the firm, in a real browser and a real django-q2 cluster: a firm saves its
self-check as its profile, an administrator publishes a matching program in the admin, and the
firm sees it in its notification centre and in its inbox (a real SMTP server)."""

import datetime
import time

import pytest
from django.utils import timezone

from tests.browser import (
    check_eligibility_as_liugang,
    launched,
    log_in_as_liugang,
    log_in_to_the_admin,
    shot,
)
from tests.integration.test_end_to_end import choose_in_autocomplete
from tracker.models import AlertDelivery, AlertMessage, Organization

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TITLE = "2026年柳州市新材料成果转化项目"


def test_a_firm_hears_of_a_matching_program_the_moment_it_is_published(
    seeded, staff_user, firm_user, live_server, chromium, smtp_server, qcluster
):
    # Real time: the cluster is another process, which no frozen clock reaches.
    today = timezone.localdate()
    # On the broker the site queues on (Redis when REDIS_URL is set, else the database).
    cluster = qcluster("alerts", smtp_server.port, Q_WORKERS="1")
    with launched(chromium) as browser:
        firm = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
        save_the_profile_as_the_firm(firm, live_server.url)
        publish_as_the_administrator(browser, live_server.url, today)

        wait_for_mail(smtp_server, cluster)
        see_it_in_the_notification_centre(firm, live_server.url)

    liugang = Organization.objects.get(name_zh="柳钢集团")
    assert (liugang.region.code, liugang.partner_kinds) == ("450200", ["university"])
    [message] = AlertMessage.objects.filter(program__title_zh=TITLE)
    assert (message.organization, message.verdict) == (liugang, "eligible")
    [mail] = [m for m in smtp_server.messages if "中试" not in m["Subject"]]
    assert mail["To"] == "liugang@example.com"
    assert mail["Subject"].strip() == "贵单位可申报的项目：" + TITLE
    text = mail.get_body(("plain",)).get_content()
    assert "柳钢集团符合" + TITLE in text and "/programs/liuzhou-materials-2026/" in text
    assert AlertDelivery.objects.get(channel="in_app").read_at is not None


def wait_for_mail(smtp_server, cluster, seconds=120):
    """Until the cluster's sweep has mailed someone (or `seconds` passed), checking that the
    cluster is still up."""
    deadline = time.monotonic() + seconds
    while not smtp_server.messages and time.monotonic() < deadline:
        assert cluster.is_running(), cluster.log()[-3000:]
        time.sleep(0.5)


def save_the_profile_as_the_firm(page, site):
    log_in_as_liugang(page, site)
    check_eligibility_as_liugang(page, site)
    form = page.locator("form.save-profile")
    assert form.get_by_label("有新的匹配项目时通知我").is_checked()
    shot(page, "alerts-self-check-save")
    form.get_by_role("button", name="保存为单位画像").click()
    page.locator(".messages li", has_text="答案已保存为柳钢集团的单位画像").wait_for()


def publish_as_the_administrator(browser, site, today):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in_to_the_admin(page, site)
    page.goto(f"{site}/admin/tracker/program/add/")
    page.fill("#id_title_zh", TITLE)
    page.fill("#id_slug", "liuzhou-materials-2026")
    page.fill("#id_year", str(today.year))
    choose_in_autocomplete(page, ".field-authority", "柳州市科学技术局")
    page.check("#id_is_published")
    page.fill("#id_opens_on", (today - datetime.timedelta(days=1)).isoformat())
    page.fill("#id_deadline", (today + datetime.timedelta(days=30)).isoformat())
    page.fill("#id_source_publication", "柳州市科技局网站")
    page.select_option("#id_sector_policy", "required")
    page.locator("#program_sectors-group .add-row a").click()
    choose_in_autocomplete(page, "#program_sectors-0", "新材料")
    page.fill("#id_program_sectors-0-position", "1")
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{site}/admin/tracker/program/")
    page.close()


def see_it_in_the_notification_centre(page, site):
    page.goto(f"{site}/check/")
    page.locator("header.site a.notifications .count", has_text="1").wait_for()
    page.locator("header.site a.notifications").click()
    page.wait_for_url("**/my/notifications/")
    alert = page.locator("article.alert", has_text=TITLE)
    alert.locator("p.text", has_text="判定结果：符合申报条件").wait_for()
    shot(page, "alerts-notification-centre")
    alert.get_by_role("button", name="标为已读").click()
    page.wait_for_url("**/my/notifications/")
    assert page.locator("header.site a.notifications .count").count() == 0
    page.locator("article.alert", has_text=TITLE).get_by_role("link", name="打开项目").click()
    page.get_by_role("heading", name=TITLE).wait_for()
