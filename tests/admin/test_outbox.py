"""The read-only outbox in the admin (ReminderAdmin, SubscriptionAdmin)."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tracker.models import Milestone, Reminder, Subscription
from tracker.notifications import planning

# 09:30 in Shanghai, 7 days before the deadline.
NOW = datetime.datetime(2025, 4, 13, 1, 30, tzinfo=datetime.timezone.utc)
CHANGELIST = reverse("admin:tracker_reminder_changelist")


@pytest.fixture
def reminder(pilot_base):
    planning.plan(NOW)
    return Reminder.objects.get()


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def test_it_lists_reminders_with_the_last_error(staff, reminder):
    Reminder.objects.update(status="failed", attempts=6, last_error="SMTPRecipientsRefused: 550")
    response = staff.get(CHANGELIST)
    assert response.status_code == 200
    assert b"SMTPRecipientsRefused: 550" in response.content
    assert b"liugang-demo@example.com" in response.content
    detail = staff.get(reverse("admin:tracker_reminder_change", args=[reminder.pk]))
    assert b"SMTPRecipientsRefused: 550" in detail.content
    assert b'name="_save"' not in detail.content


@pytest.mark.parametrize(
    "query",
    ["status__exact=failed", "stuck=yes", "created_at__year=2025&created_at__month=4"],
)
def test_it_filters_by_status_lease_and_date(staff, reminder, query):
    assert staff.get(f"{CHANGELIST}?{query}").status_code == 200


def test_it_filters_by_program(staff, reminder):
    program = reminder.milestone.program_id
    response = staff.get(f"{CHANGELIST}?milestone__program__id__exact={program}")
    assert response.status_code == 200 and b"liugang-demo@example.com" in response.content


def test_it_flags_a_row_stuck_in_sending(staff, reminder):
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Reminder.objects.update(status="sending", claimed_at=an_hour_ago)
    response = staff.get(f"{CHANGELIST}?stuck=yes", HTTP_ACCEPT_LANGUAGE="en")
    assert b"liugang-demo@example.com" in response.content
    assert "卡住：自" in response.content.decode()


def test_it_has_no_add_page(staff, reminder):
    assert staff.get(reverse("admin:tracker_reminder_add")).status_code == 403


def test_retry_now_queues_a_failed_reminder_again(staff, reminder):
    Reminder.objects.update(status="failed", attempts=6)
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        response = staff.post(
            CHANGELIST, {"action": "retry_now", "_selected_action": [reminder.pk]}, follow=True
        )
    assert response.status_code == 200
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("pending", 0)


def test_retry_now_leaves_a_sent_reminder_alone(staff, reminder):
    Reminder.objects.update(status="sent")
    staff.post(CHANGELIST, {"action": "retry_now", "_selected_action": [reminder.pk]})
    assert Reminder.objects.get().status == "sent"


def test_it_lists_subscriptions(staff, pilot_base):
    Subscription.objects.create(
        program=pilot_base, email="county@example.gov.cn", audience=Milestone.Audience.BUREAU
    )
    response = staff.get(reverse("admin:tracker_subscription_changelist") + "?audience=bureau")
    assert b"county@example.gov.cn" in response.content
