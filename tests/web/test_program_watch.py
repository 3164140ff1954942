""""Notify me when it opens" on an upcoming program, through HTTP and the alerts' sweep."""

import datetime

import pytest
import time_machine
from django.core import mail

from tracker.models import AlertMessage, ProgramWatch
from tracker.notifications import alerts

BEFORE = datetime.datetime(2025, 3, 20, 2, tzinfo=datetime.timezone.utc)  # 10:00, a week early
OPENING_DAY = datetime.datetime(2025, 3, 27, 2, tzinfo=datetime.timezone.utc)
URL = "/programs/guangxi-pilot-base-2025/"


@pytest.fixture
def dflz(english_client, other_firm_user):
    english_client.force_login(other_firm_user)
    return english_client


def test_a_member_is_told_once_the_day_the_program_opens(dflz, pilot_base):
    with time_machine.travel(BEFORE, tick=False):
        page = dflz.get(URL).content.decode()
        assert "Notify Dongfeng Liuzhou Motor when it opens" in page
        response = dflz.post(URL + "watch/", {"organization": _dflz_pk()})
        assert response.status_code == 302
        alerts.sweep()
        assert not AlertMessage.objects.filter(kind="opened").exists()
    with time_machine.travel(OPENING_DAY, tick=False):
        alerts.sweep()
        alerts.sweep()
    [message] = AlertMessage.objects.filter(kind="opened")
    assert message.organization.name_zh == "东风柳汽"
    [sent] = [m for m in mail.outbox if "开始受理" in m.subject]
    assert sent.subject == "项目开始受理：中试基地"
    assert sent.to == ["dflz@example.com"]
    assert "2025年3月27日起受理申报" in sent.body


def test_an_open_program_is_tracked_not_watched(dflz, pilot_base, call_open):
    response = dflz.post(URL + "watch/", {"organization": _dflz_pk()}, follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert message == "This program is not waiting to open: track it instead."
    assert not ProgramWatch.objects.exists()
    assert "when it opens" not in dflz.get(URL).content.decode()


def test_another_organization_cannot_be_signed_up(dflz, pilot_base, liugang):
    with time_machine.travel(BEFORE, tick=False):
        response = dflz.post(URL + "watch/", {"organization": liugang.pk}, follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert message == "Choose one of your organizations."
    assert not ProgramWatch.objects.exists()


def _dflz_pk():
    from tracker.models import Organization

    return Organization.objects.get(name_zh="东风柳汽").pk
