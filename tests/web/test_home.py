"""The home page (/) and the operator's footer on every page."""

import datetime

import time_machine

from tracker.models import Program

REAL = "guangxi-pilot-base-2025"


def test_the_home_page_says_what_the_service_is_for_and_where_to_start(client, seeded):
    body = client.get("/").content.decode()
    assert "找到本单位可申报的支持项目" in body
    assert "面向申报支持项目的企业、高校和科研机构" in body
    for door in ('href="/programs/"', 'href="/check/"', 'href="/my/"'):
        assert door in body


def test_every_page_names_the_operator_its_contact_and_icp_number(client, seeded, settings):
    settings.SITE_OPERATOR = "柳州市科技服务中心"
    settings.SITE_CONTACT = "0772-0000000"
    settings.SITE_ICP_NUMBER = "桂ICP备00000000号-1"
    for url in ("/", "/programs/", "/check/", f"/programs/{REAL}/", "/accounts/login/"):
        body = client.get(url).content.decode()
        assert "主办单位：柳州市科技服务中心" in body, url
        assert "联系方式：0772-0000000" in body, url
        assert '<a href="https://beian.miit.gov.cn/" rel="noopener">桂ICP备00000000号-1</a>' in body


def test_without_an_operator_the_footer_says_so(client, seeded):
    assert "尚未设置运营单位" in client.get("/").content.decode()


def test_it_lists_what_closes_first_and_the_examples_apart(
    client, demo_catalog, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = client.get("/")
    closing = [row["program"].slug for row in response.context["closing_first"]]
    examples = [row["program"].slug for row in response.context["examples"]]
    # Today the real program is long closed: it is not offered as closing soon, and the
    # examples open today never stand in for it.
    assert closing == []
    assert examples == ["demo-joint-research", "demo-rd-subsidy", "demo-innovation-voucher"]
    body = response.content.decode()
    assert "今日没有来自真实通知的项目正在受理。" in body
    assert body.count('<span class="badge demo">示例数据</span>') == 3


def test_a_real_program_taking_applications_is_listed_as_closing_first(client, demo_catalog):
    with time_machine.travel(datetime.datetime(2025, 4, 10, 2, tzinfo=datetime.UTC), tick=False):
        response = client.get("/")
    [row] = response.context["closing_first"]
    assert row["program"].slug == REAL and row["days_left"] == 10
    assert not Program.objects.get(slug=REAL).is_demo
