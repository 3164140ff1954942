"""Alerts to organizations' group robots (WeCom, DingTalk), through the alert outbox, against a
real local HTTP server standing in for the vendors (tests/robots.py)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction

from tests.conftest import CALL_OPEN
from tests.factories import opt_in
from tests.notifications.test_webhook_outbox import add_robot
from tracker.models import AlertDelivery, AlertMessage, Organization
from tracker.notifications import alerts, digests
from tracker.selectors.alerts import notifications, unread_count

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def dflz(seeded):
    """东风柳汽: an enterprise in Liuzhou that tracks nothing, so the pilot-base call is news."""
    return Organization.objects.get(name_zh="东风柳汽")


@pytest.fixture
def robots(robot_server, settings):
    settings.WEBHOOK_TIMEOUT = 1
    return robot_server()


def sweep_at(when):
    with time_machine.travel(when, tick=False):
        return alerts.sweep()


def robot_rows():
    return list(AlertDelivery.objects.filter(channel="webhook").values_list(
        "webhook", "user", "status", "attempts"
    ))


def test_a_published_program_reaches_the_organizations_robot_once_when_run_twice(
    pilot_base, dflz, other_firm_user, robots
):
    robot = add_robot(dflz, robots)
    first = sweep_at(CALL_OPEN)
    second = sweep_at(CALL_OPEN + 5 * MINUTE)

    assert (first["sent"], second["sent"]) == (1, 0)
    assert robot_rows() == [(robot.pk, None, "sent", 1)]
    [body] = robots.bodies()
    content = body["markdown"]["content"]
    assert content.startswith("**可能适合贵单位的项目：中试基地**")
    assert "东风柳汽符合2025年广西科技成果转化中试研究基地认定" in content
    assert "http://127.0.0.1:8000/programs/guangxi-pilot-base-2025/" in content
    # The member did not opt in to new matches: no mail, but the group hears of it.
    assert mail.outbox == []


def test_a_dingtalk_robot_reads_the_alert_in_its_own_language(
    pilot_base, dflz, other_firm_user, robot_server, settings
):
    robots = robot_server(secrets={"ding-token": "SECtest-secret"})
    add_robot(dflz, robots, kind="dingtalk", credential="ding-token", secret="SECtest-secret",
              language="en")
    sweep_at(CALL_OPEN)
    [body] = robots.bodies()
    assert body["markdown"]["title"] == "A program that may suit you: Pilot base"
    assert body["markdown"]["text"].startswith("### A program that may suit you")


def test_a_failing_robot_is_retried_with_backoff_and_gets_the_alert_once(
    pilot_base, dflz, other_firm_user, robot_server, settings
):
    settings.WEBHOOK_TIMEOUT = 1
    robots = robot_server(script=lambda n, path, credential: 500 if n == 1 else None)
    robot = add_robot(dflz, robots)
    sweep_at(CALL_OPEN)
    row = AlertDelivery.objects.get(webhook=robot)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "RobotError: HTTP 500")
    assert row.next_attempt_at == CALL_OPEN + 5 * MINUTE

    sweep_at(CALL_OPEN + 4 * MINUTE)
    assert robots.bodies() == []  # still backing off
    sweep_at(CALL_OPEN + 5 * MINUTE)
    sweep_at(CALL_OPEN + 10 * MINUTE)
    assert robot_rows() == [(robot.pk, None, "sent", 2)]
    assert len(robots.bodies()) == 1


def test_a_disabled_robot_receives_nothing(pilot_base, dflz, other_firm_user, robots):
    add_robot(dflz, robots, enabled=False)
    sweep_at(CALL_OPEN)
    assert robot_rows() == []
    assert robots.bodies() == []
    assert AlertMessage.objects.filter(organization=dflz).count() == 1


def test_the_centre_and_the_digest_show_only_the_members_rows(
    pilot_base, dflz, other_firm_user, robots
):
    add_robot(dflz, robots)
    opt_in(other_firm_user, "daily")
    sweep_at(CALL_OPEN)
    assert len(robots.bodies()) == 1
    [(delivery, text)] = notifications(other_firm_user, "zh-hans")
    assert delivery.channel == "in_app"
    assert unread_count(other_firm_user) == 1
    digests.sweep(CALL_OPEN)
    [digest] = mail.outbox
    assert digest.subject == "每日推送：1条新消息"


def test_a_delivery_names_exactly_one_reader(pilot_base, dflz, other_firm_user, robots):
    robot = add_robot(dflz, robots)
    sweep_at(CALL_OPEN)
    message = AlertMessage.objects.get(organization=dflz)
    for reader in [{"user": other_firm_user, "webhook": robot, "channel": "webhook"},
                   {"user": None, "webhook": None, "channel": "webhook"},
                   {"user": None, "webhook": robot, "channel": "email"},
                   {"user": other_firm_user, "webhook": None, "channel": "webhook"}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            AlertDelivery.objects.create(
                message=message, next_attempt_at=CALL_OPEN, created_at=CALL_OPEN, **reader
            )


def test_the_admins_delivery_list_shows_the_robot(
    pilot_base, dflz, other_firm_user, robots, client, staff_user
):
    add_robot(dflz, robots, name="申报群")
    sweep_at(CALL_OPEN)
    client.force_login(staff_user)
    response = client.get("/admin/tracker/alertdelivery/?channel__exact=webhook")
    assert response.status_code == 200
    assert "申报群" in response.content.decode()
