"""Concurrent senders on PostgreSQL: SKIP LOCKED plus the conditional claim, for real.

CI runs the whole suite a second time with DATABASE_URL pointing to PostgreSQL.
"""

import datetime
import threading

import pytest
from django.db import connection

from tracker.models import Reminder
from tracker.notifications import planning, sending

pytestmark = [
    pytest.mark.integration,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

READERS = 1000
SENDERS = 4


def test_four_concurrent_senders_deliver_each_of_1000_reminders_once(
    pilot_base, smtp_server, add_trackers
):
    today = pilot_base.local_today()
    pilot_base.opens_on, pilot_base.deadline = today, today + datetime.timedelta(days=3)
    pilot_base.send_hour = 0
    pilot_base.save()
    add_trackers(pilot_base, READERS - 1)  # plus 柳钢集团's contact
    assert planning.plan() == READERS

    start = threading.Barrier(SENDERS)
    sent_by = [0] * SENDERS
    errors = []

    def sender(index):
        try:
            start.wait()
            while batch := sending.claim(25):
                sent_by[index] += sending.deliver(batch)[0]
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    keys = [message["X-Reminder-Key"] for message in smtp_server.messages]
    assert len(keys) == READERS and len(set(keys)) == READERS
    assert sum(sent_by) == READERS
    assert sum(1 for n in sent_by if n) >= 2, sent_by  # the senders really overlapped
    assert Reminder.objects.filter(status="sent").count() == READERS
