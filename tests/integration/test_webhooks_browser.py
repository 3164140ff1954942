"""An owner adds a WeCom robot to 柳钢集团 and sends it a test message, in a real browser (Debian's
Chromium, headless) at desktop and phone widths, against a local robot server."""

import pytest

from tests.browser import launched, log_in, shot
from tracker.models import Webhook

pytestmark = pytest.mark.integration


def test_an_owner_adds_a_robot_fixes_a_wrong_address_and_sends_a_test(
    firm_user, liugang, live_server, chromium, robot_server
):
    robots = robot_server()
    site = live_server.url
    with launched(chromium) as browser:
        page = browser.new_page(locale="zh-CN")
        log_in(page, site)
        page.goto(f"{site}/my/organizations/{liugang.pk}/")
        page.get_by_role("link", name="群机器人（企业微信、钉钉）").click()
        page.wait_for_url("**/robots/")
        page.fill("#id_name", "申报工作群")
        page.fill("#id_url", "https://evil.example/cgi-bin/webhook/send?key=abc")
        page.locator("form.stacked button[type=submit]").click()
        error = page.locator(".errorlist").first.inner_text()
        shot(page, "robots-error")
        page.fill("#id_url", robots.url("wecom", "a1b2c3d4e5f6"))
        page.locator("form.stacked button[type=submit]").click()
        page.wait_for_url("**/robots/")
        page.get_by_role("button", name="发送测试消息").click()
        page.wait_for_url("**/robots/")
        text = page.locator("main").inner_text()
        shot(page, "robots")

    assert "Webhook 地址必须位于机器人的官方服务器qyapi.weixin.qq.com。" in error
    assert "已向申报工作群发送测试消息，请到群里查看。" in text
    assert "a1b2c3d4e5f6" not in text and "…e5f6" in text
    assert Webhook.objects.get().name == "申报工作群"
    assert len(robots.bodies()) == 1
