"""In a real browser: the self-check asks first the question deciding most open programs, and a
firm enters its figures and qualifications on its organization's page."""

import datetime

import pytest

from tests.browser import accessibility_violations, launched, shot
from tests.factories import make_programs_asking_revenue
from tracker.models import HeldQualification, OrganizationFact

pytestmark = pytest.mark.integration


@pytest.fixture
def seven_programs_asking_revenue(pilot_base):
    make_programs_asking_revenue(pilot_base.authority, 7, "2025年柳州市规上工业企业研发奖补第{}批")


def test_the_self_check_asks_the_deciding_question_first(
    seeded, seven_programs_asking_revenue, live_server, during_the_call, chromium
):
    with launched(chromium) as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1366, "height": 900})
        page.goto(f"{live_server.url}/check/")
        lead = page.locator("p.lead")
        assert lead.inner_text() == "“2024年主营业务收入（万元）”决定7个开放项目，请先回答这一项。"
        # The first field of the form is that question, with how much it decides.
        first = page.locator("form.stacked > div").first
        assert "2024年主营业务收入（万元）" in first.inner_text()
        assert "决定7个开放项目。" in first.inner_text()
        shot(page, "self-check-questions")
        assert accessibility_violations(page) == []

        page.fill("#id_fact_main_revenue_2024", "1500")
        page.locator("form.stacked button[type=submit]").click()
        result = page.locator("article", has_text="研发奖补第1批")
        result.locator(".badge.not_eligible").wait_for()
        assert "还差500万元。" in result.inner_text()
        assert "申报单位2024年主营业务收入不低于2000万元。" in result.inner_text()
        shot(page, "self-check-revenue-short")
        assert accessibility_violations(page) == []


def test_a_firm_enters_its_figures_and_qualifications(
    seeded, firm_user, liugang, live_server, during_the_call, chromium
):
    site = live_server.url
    with launched(chromium) as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
        page.goto(f"{site}/accounts/login/?next=/my/organizations/{liugang.pk}/")
        page.fill("#id_login", "liugang@example.com")
        page.fill("#id_password", "pw")
        page.locator("form.stacked button[type=submit]").click()
        page.get_by_role("link", name="项目要求的企业数据与资质").click()
        page.wait_for_url(f"**/my/organizations/{liugang.pk}/facts/")

        page.select_option("#id_facts-0-fact", "rd_ratio")
        page.fill("#id_facts-0-year", "2024")
        page.fill("#id_facts-0-value", "130")
        page.locator("form.facts-form button[type=submit]").click()
        error = page.locator(".errorlist", has_text="研发费用占比不能大于100。")
        error.wait_for()
        shot(page, "organization-facts-error")
        assert accessibility_violations(page) == []

        page.fill("#id_facts-0-value", "3.6")
        page.select_option("#id_qualifications-0-qualification", label="高新技术企业")
        page.fill("#id_qualifications-0-valid_until", "2026-12-31")
        page.fill("#id_registered_on", "1958-07-01")
        page.locator("form.facts-form button[type=submit]").click()
        page.locator(".messages li", has_text="柳钢集团的企业数据已保存。").wait_for()
        # What was saved is shown again in the pickers, ready to change.
        assert page.input_value("#id_registered_on") == "1958-07-01"
        assert page.input_value("#id_qualifications-0-valid_until") == "2026-12-31"
        shot(page, "organization-facts")
        assert accessibility_violations(page) == []

    assert list(OrganizationFact.objects.values_list("fact", "year")) == [("rd_ratio", 2024)]
    assert HeldQualification.objects.get().valid_until == datetime.date(2026, 12, 31)
