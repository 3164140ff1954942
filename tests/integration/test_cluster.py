"""A live django-q2 cluster sends a due reminder through the schedule (the real trigger path).

The cluster is another process: it needs the file-based SQLite test database (or the
PostgreSQL one) and a real SMTP server, since it cannot see this process's mail.outbox.
"""

import datetime
import time

import pytest
from django.utils import timezone
from django_q.models import Schedule

from tests.conftest import make_due_now
from tracker.models import Reminder
from tracker.notifications import schedules

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_live_cluster_sends_a_due_reminder_through_the_schedule(
    pilot_base, smtp_server, qcluster
):
    make_due_now(pilot_base, days_left=3)
    schedules.sync()
    # Due now: the scheduler's first pass (about 30 s after start) enqueues the sweep.
    Schedule.objects.update(next_run=timezone.now() - datetime.timedelta(seconds=1))

    cluster = qcluster("one", smtp_server.port, REDIS_URL="", Q_WORKERS="1")  # the ORM broker
    deadline = time.monotonic() + 90
    while not smtp_server.messages and time.monotonic() < deadline:
        assert cluster.is_running()
        time.sleep(0.5)
    cluster.stop()
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "liugang-demo@example.com"
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.lead_days) == ("sent", 3)
    assert message["X-Reminder-Key"] == f"c{reminder.contact_id}:{reminder.milestone_id}:3:v2"
    assert Schedule.objects.get(name="tracker.send_due_reminders").next_run > timezone.now()
