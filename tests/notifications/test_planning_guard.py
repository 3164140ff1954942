"""The no-op guard of planning.plan(): a sweep that finds nothing new stops after three
queries, and every kind of change planning depends on (recorded by database triggers, or a
milestone's dates and leads) makes the next sweep plan in full again. The writes here go
through queryset.update() on purpose: no save(), no signal."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.notifications.test_outbox import at, rows, track
from tracker.models import (
    Application,
    Contact,
    Milestone,
    Organization,
    OutboxChange,
    Reminder,
    Subscription,
    Webhook,
)
from tracker.notifications import planning, sending

pytestmark = pytest.mark.django_db

WHEN = at("2025-04-13 09:30")
LATER = WHEN + datetime.timedelta(minutes=5)


@pytest.fixture
def planned(pilot_base):
    planning.plan(WHEN)
    assert rows() == [(7, "pending")]
    return pilot_base


def plan_queries(when):
    with CaptureQueriesContext(connection) as queries:
        planning.plan(when)
    return [query["sql"] for query in queries.captured_queries]


def test_a_sweep_that_finds_nothing_new_reads_three_things_and_writes_nothing(planned):
    statements = [
        sql for sql in plan_queries(LATER) if "SAVEPOINT" not in sql and sql != "BEGIN"
    ]
    assert len(statements) == 3, statements
    assert statements[0].startswith("SELECT") and '"tracker_milestone"' in statements[0]
    assert statements[1].startswith("DELETE") and "tracker_outboxchange" in statements[1]
    assert statements[2].startswith("SELECT") and "tracker_planningstate" in statements[2]


def test_a_full_run_takes_the_changes_it_saw(planned):
    track(planned, "new firm")
    assert OutboxChange.objects.exists()
    planning.plan(LATER)
    assert not OutboxChange.objects.exists()
    assert len(rows()) == 2


def change_and_expect(when, change, expected, **filters):
    change()
    planning.plan(when)
    assert rows(**filters) == expected


def test_a_new_tracker_is_planned_by_the_next_sweep(planned):
    contact = track(planned, "new firm")
    change_and_expect(LATER, lambda: None, [(7, "pending")], contact=contact)


def test_a_submitted_application_is_cancelled_by_the_next_sweep(planned):
    change_and_expect(
        LATER, lambda: Application.objects.update(status=Application.Status.SUBMITTED),
        [(7, "cancelled")],
    )


def test_an_unsubscribed_contact_is_cancelled_by_the_next_sweep(planned):
    change_and_expect(
        LATER, lambda: Contact.objects.update(unsubscribed_at=timezone.now()),
        [(7, "cancelled")],
    )


def test_a_new_robot_and_a_robot_switched_off_are_seen_by_the_next_sweeps(planned):
    organization = Organization.objects.get(name_zh="柳钢集团")
    robot = Webhook.objects.create(
        organization=organization, kind="wecom",
        url="http://127.0.0.1:9/cgi-bin/webhook/send?key=k",
    )
    change_and_expect(LATER, lambda: None, [(7, "pending")], webhook=robot)
    change_and_expect(
        LATER + datetime.timedelta(minutes=5), lambda: Webhook.objects.update(enabled=False),
        [(7, "cancelled")], webhook=robot,
    )


def test_a_subscription_ended_by_update_is_cancelled_by_the_next_sweep(planned):
    Milestone.objects.filter(program=planned).update(audience=Milestone.Audience.BUREAU)
    Subscription.objects.create(program=planned, email="bureau@example.com")
    planning.plan(LATER)
    assert rows(subscription__isnull=False) == [(7, "pending")]
    change_and_expect(
        LATER + datetime.timedelta(minutes=5),
        lambda: Subscription.objects.update(unsubscribed_at=timezone.now()),
        [(7, "cancelled")], subscription__isnull=False,
    )


def test_the_next_lead_is_planned_when_its_day_comes_without_any_write(planned):
    change_and_expect(at("2025-04-17 09:30"), lambda: None, [(7, "superseded"), (3, "pending")])


def test_a_failed_row_retried_after_its_reader_left_is_cancelled_not_sent(planned):
    Reminder.objects.update(status=Reminder.Status.FAILED)
    Contact.objects.update(unsubscribed_at=timezone.now())
    planning.plan(LATER)  # takes the change: a failed row is not pending, nothing to cancel
    assert rows() == [(7, "failed")]
    sending.retry_now(Reminder.objects.all(), LATER)
    change_and_expect(LATER + datetime.timedelta(minutes=1), lambda: None, [(7, "cancelled")])


def test_a_row_sent_about_the_old_date_after_the_date_moved_gets_its_change_notice(planned):
    Reminder.objects.update(status=Reminder.Status.SENDING, claimed_at=WHEN)
    planned.deadline = datetime.date(2025, 4, 25)
    planned.save()  # the signature moves: a full run, but the row in sending is not sent yet
    planning.plan(LATER)
    assert (-1, "pending") not in rows()
    # Its sender records it sent afterwards: the trigger says a change notice is due.
    Reminder.objects.filter(status=Reminder.Status.SENDING).update(status=Reminder.Status.SENT)
    planning.plan(LATER + datetime.timedelta(minutes=5))
    assert (-1, "pending") in rows()


def test_a_write_planning_does_not_read_leaves_no_change(planned):
    Application.objects.update(updated_at=timezone.now())
    Contact.objects.update(name="王经理")
    Reminder.objects.update(last_error="x")
    assert not OutboxChange.objects.exists()
