"""Deadline reminders to organizations' group robots, through the outbox, against a real local
HTTP server standing in for WeCom and DingTalk (tests/robots.py)."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.notifications.test_outbox import at, sweep, track
from tests.robots import REVOKED
from tracker.models import Application, Organization, Reminder, Webhook
from tracker.notifications import planning

pytestmark = pytest.mark.django_db

WHEN = at("2025-04-13 09:30")  # 7 days before the seed program's deadline, after 09:00


@pytest.fixture
def robots(robot_server, settings):
    settings.WEBHOOK_TIMEOUT = 1
    return robot_server(secrets={"ding-token": "SECtest-secret"})


def add_robot(organization, robots, kind="wecom", credential="wecom-key", **fields):
    return Webhook.objects.create(
        organization=organization, kind=kind, url=robots.url(kind, credential), **fields
    )


@pytest.fixture
def liugang_robot(pilot_base, robots):
    return add_robot(Organization.objects.get(name_zh="柳钢集团"), robots)


def robot_rows():
    return list(
        Reminder.objects.filter(webhook__isnull=False).order_by("id")
        .values_list("lead_days", "status")
    )


def test_an_organizations_robot_gets_each_reminder_once_when_run_twice(liugang_robot, robots):
    sweep(WHEN)
    sweep(WHEN + datetime.timedelta(minutes=5))
    assert robot_rows() == [(7, "sent")]
    [body] = robots.bodies()
    content = body["markdown"]["content"]
    assert "2025年广西科技成果转化中试研究基地认定" in content or "中试研究基地" in content
    reminder = Reminder.objects.get(webhook=liugang_robot)
    assert f"/my/applications/{reminder.application_id}/" in content
    assert reminder.recipient_key == f"w{liugang_robot.pk}"
    assert len(mail.outbox) == 1  # the organization's contact is mailed as before


def test_a_dingtalk_robot_gets_a_signed_markdown_message_with_a_title(pilot_base, robots):
    organization = Organization.objects.get(name_zh="柳钢集团")
    add_robot(organization, robots, kind="dingtalk", credential="ding-token",
              secret="SECtest-secret")
    sweep(WHEN)
    assert robot_rows() == [(7, "sent")]
    [body] = robots.bodies()
    assert body["markdown"]["title"].startswith("[")
    assert body["markdown"]["text"].startswith("### ")


def test_a_wrong_dingtalk_secret_fails_at_once_with_the_robots_reason(pilot_base, robots):
    organization = Organization.objects.get(name_zh="柳钢集团")
    add_robot(organization, robots, kind="dingtalk", credential="ding-token", secret="SECwrong")
    sweep(WHEN)
    reminder = Reminder.objects.get(webhook__isnull=False)
    assert (reminder.status, reminder.attempts) == ("failed", 1)
    assert reminder.last_error == "errcode 310000: sign not match"
    assert robots.bodies() == []


def test_a_revoked_robot_fails_for_good_and_the_others_still_get_theirs(pilot_base, robots):
    organization = Organization.objects.get(name_zh="柳钢集团")
    add_robot(organization, robots, credential=REVOKED)
    add_robot(organization, robots, credential="second-group")
    sweep(WHEN)
    assert sorted(Reminder.objects.filter(webhook__isnull=False).values_list(
        "webhook__url", "status"
    )) == sorted([(robots.url("wecom", REVOKED), "failed"),
                  (robots.url("wecom", "second-group"), "sent")])
    assert Reminder.objects.get(status="failed").last_error.startswith("errcode 93000")


@pytest.mark.parametrize(
    ("failure", "error"),
    [(500, "RobotError: HTTP 500"), (429, "RobotError: HTTP 429"),
     (45009, "RobotError: errcode 45009: scripted failure"),
     ("hang", "ReadTimeoutError")],
)
def test_a_passing_failure_backs_off_and_a_later_sweep_delivers(
    liugang_robot, robot_server, settings, failure, error
):
    settings.WEBHOOK_TIMEOUT = 1
    robots = robot_server(script=lambda n, path, credential: failure if n == 1 else None)
    liugang_robot.url = robots.url("wecom", "wecom-key")
    liugang_robot.save()
    sweep(WHEN)
    reminder = Reminder.objects.get(webhook=liugang_robot)
    assert (reminder.status, reminder.attempts) == ("pending", 1)
    assert error in reminder.last_error
    assert reminder.next_attempt_at == WHEN + datetime.timedelta(minutes=5)
    sweep(WHEN + datetime.timedelta(minutes=4))
    assert robots.bodies() == []  # still backing off
    sweep(WHEN + datetime.timedelta(minutes=5))
    assert robot_rows() == [(7, "sent")]
    assert len(robots.bodies()) == 1


@pytest.mark.parametrize("status", [400, 403, 404, 302])
def test_a_refusal_other_than_408_or_429_fails_at_once(liugang_robot, robot_server, status):
    robots = robot_server(script=lambda n, path, credential: status)
    liugang_robot.url = robots.url("wecom", "wecom-key")
    liugang_robot.save()
    sweep(WHEN)
    reminder = Reminder.objects.get(webhook=liugang_robot)
    assert (reminder.status, reminder.last_error) == ("failed", f"HTTP {status}")


def test_an_address_off_the_robots_hosts_is_never_called(liugang_robot, robots, settings):
    settings.WEBHOOK_EXTRA_HOSTS = []  # as in production: 127.0.0.1 is nobody's robot
    sweep(WHEN)
    reminder = Reminder.objects.get(webhook=liugang_robot)
    assert reminder.status == "failed"
    assert reminder.last_error.startswith("address refused:")
    assert robots.requests == 0


def test_a_robot_switched_off_gets_nothing_and_its_planned_row_is_cancelled(liugang_robot):
    planning.plan(WHEN)
    assert robot_rows() == [(7, "pending")]
    Webhook.objects.update(enabled=False)
    sweep(WHEN + datetime.timedelta(minutes=1))
    assert robot_rows() == [(7, "cancelled")]


def test_a_submitted_application_cancels_the_robots_row(liugang_robot):
    planning.plan(WHEN)
    Application.objects.update(status=Application.Status.SUBMITTED)
    planning.plan(WHEN + datetime.timedelta(minutes=1))
    assert robot_rows() == [(7, "cancelled")]


def test_a_moved_deadline_sends_the_robot_one_change_notice(liugang_robot, pilot_base, robots):
    sweep(WHEN)
    pilot_base.deadline = datetime.date(2025, 4, 25)
    pilot_base.save()
    sweep(WHEN + datetime.timedelta(minutes=5))
    sweep(WHEN + datetime.timedelta(minutes=10))
    # As for mail: the new date's 14-day row gives way to the change notice, which says it all.
    assert robot_rows() == [(7, "sent"), (14, "superseded"), (-1, "sent")]
    assert len(robots.bodies()) == 2


def test_planning_with_robots_keeps_a_fixed_number_of_queries(pilot_base, robots):
    def plan_queries():
        Reminder.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            planning.plan(WHEN)
        return len(queries)

    few = plan_queries()
    for n in range(20):
        add_robot(track(pilot_base, f"firm{n}").organization, robots, credential=f"k{n}")
    assert plan_queries() == few
    assert Reminder.objects.filter(webhook__isnull=False).count() == 20


def test_a_batch_of_robot_messages_is_sent_with_one_update_each_and_two_other_queries(
    pilot_base, robots, django_assert_num_queries
):
    from tracker.notifications import sending

    for n in range(5):
        add_robot(track(pilot_base, f"firm{n}").organization, robots, credential=f"k{n}")
    planning.plan(WHEN)
    batch = [r for r in sending.claim(100, WHEN) if r.webhook_id]
    with django_assert_num_queries(2 + 5 + 1):
        assert sending.deliver(batch, channel=sending.CHANNELS["webhook"]()) == (5, 0)
    assert len(robots.bodies()) == 5
