"""Robot rows in the outbox admin: a refused robot message shows as failed with the robot's
reason and its address masked, and "retry now" sends it once the robot takes it again."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.notifications.test_outbox import at, sweep
from tracker.models import Organization, Reminder, Webhook

CHANGELIST = reverse("admin:tracker_reminder_changelist")
WHEN = at("2025-04-13 09:30")


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def test_a_refused_robot_message_is_failed_in_the_admin_and_retry_now_sends_it(
    staff, pilot_base, robot_server
):
    refusing = {"on": True}
    robots = robot_server(script=lambda n, path, credential: 404 if refusing["on"] else None)
    webhook = Webhook.objects.create(
        organization=Organization.objects.get(name_zh="柳钢集团"), kind="wecom",
        url=robots.url("wecom", "0123456789abcdef"), name="申报群",
    )
    sweep(WHEN)
    reminder = Reminder.objects.get(webhook=webhook)
    assert reminder.status == "failed"

    page = staff.get(f"{CHANGELIST}?channel=webhook&status__exact=failed").content.decode()
    assert "HTTP 404" in page
    assert "…cdef" in page and "0123456789abcdef" not in page
    assert "liugang-demo@example.com" not in page  # the mail row is filtered out

    refusing["on"] = False
    later = WHEN + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        staff.post(CHANGELIST, {"action": "retry_now", "_selected_action": [reminder.pk]})
    sweep(later + datetime.timedelta(minutes=1))
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("sent", 1)
    assert len(robots.bodies()) == 1


def test_the_robots_admin_masks_the_address_and_the_secret(staff, liugang):
    Webhook.objects.create(
        organization=liugang, kind="dingtalk", secret="SECabcdefghijklmnop",
        url="https://oapi.dingtalk.com/robot/send?access_token=feedfacecafebeef",
    )
    page = staff.get(reverse("admin:tracker_webhook_changelist")).content.decode()
    assert "…beef" in page and "feedfacecafebeef" not in page
    webhook = Webhook.objects.get()
    detail = staff.get(reverse("admin:tracker_webhook_change", args=[webhook.pk])).content
    assert b"SECabcdefghijklmnop" not in detail and "…mnop".encode() in detail
