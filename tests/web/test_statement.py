"""The printable eligibility statement of a tracked application: members only."""

import datetime

import pytest
import time_machine
from django.test import Client

from tracker.models import Application

# 2025-04-01 10:30 in Beijing, while the call is open.
PRODUCED = datetime.datetime(2025, 4, 1, 2, 30, tzinfo=datetime.UTC)


@pytest.fixture
def application(liugang, pilot_base):
    return Application.objects.get(organization=liugang, program=pilot_base)


def as_member(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_member_gets_the_statement_with_each_rule_its_clause_and_the_materials(
    firm_user, application, django_assert_max_num_queries
):
    client = as_member(firm_user)
    url = f"/my/applications/{application.pk}/statement/"
    # 22: the page's 15 (the organization is read apart from the application, as for the
    # dashboard's many), the header's count of unread alerts, and 6 for the rules entered as
    # rows (the program's thresholds, qualifications and conditions; the organization's facts
    # and qualifications; the application's confirmations).
    with time_machine.travel(PRODUCED, tick=False), django_assert_max_num_queries(22):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.content.decode()
    assert "<h1>申报条件说明</h1>" in body
    assert "2025年广西科技成果转化中试研究基地认定" in body and "柳钢集团" in body
    assert "2025年4月20日 24时前（北京时间）" in body
    assert "第1版（" in body  # the seed load is the program record's first version
    assert "2025年4月1日 10:30（北京时间）" in body
    for finding in response.context["card"]["verdict"].findings:
        assert str(finding.label) in body
        if finding.citation:
            assert f"通知原文：“{finding.citation}”" in body
    assert "每家中试基地联合共建单位不超过5个。" in body
    assert "认定申报材料" in body and "申报材料 0/2" not in body
    # Links to print from the card.
    card = client.get(f"/my/applications/{application.pk}/").content.decode()
    assert f'href="{url}"' in card


def test_anyone_outside_the_organization_gets_404(other_firm_user, application):
    response = as_member(other_firm_user).get(f"/my/applications/{application.pk}/statement/")
    assert response.status_code == 404


def test_a_visitor_is_sent_to_log_in(client, application):
    response = client.get(f"/my/applications/{application.pk}/statement/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
