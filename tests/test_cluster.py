"""A live django-q2 cluster sends a due reminder through the schedule (the real trigger path).

The cluster is another process: it needs the file-based SQLite test database (or the
PostgreSQL one) and a real SMTP server, since it cannot see this process's mail.outbox.
"""

import contextlib
import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule

from tracker import schedules
from tracker.models import Reminder

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def database_url():
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_cluster(smtp_port, log):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "Q_WORKERS": "1",
    }
    env.pop("REDIS_URL", None)  # the ORM broker, on the test database
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so the workers can be killed too
    )


def stop_cluster(process):
    """SIGTERM to the main process only, a bounded wait, then SIGKILL to the whole group (the
    SIGTERM handler can deadlock in django-q2)."""
    process.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_a_live_cluster_sends_a_due_reminder_through_the_schedule(
    pilot_base, smtp_server, tmp_path
):
    today = pilot_base.local_today()
    pilot_base.opens_on = today - datetime.timedelta(days=30)
    pilot_base.deadline = today + datetime.timedelta(days=3)
    pilot_base.send_hour = 0
    pilot_base.save()
    schedules.sync()
    # Due now: the scheduler's first pass (about 30 s after start) enqueues the sweep.
    Schedule.objects.update(next_run=timezone.now() - datetime.timedelta(seconds=1))

    log_path = tmp_path / "qcluster.log"
    with open(log_path, "w") as log:
        process = start_cluster(smtp_server.port, log)
        try:
            deadline = time.monotonic() + 90
            while not smtp_server.messages and time.monotonic() < deadline:
                assert process.poll() is None, log_path.read_text()
                time.sleep(0.5)
        finally:
            stop_cluster(process)
    assert len(smtp_server.messages) == 1, log_path.read_text()
    message = smtp_server.messages[0]
    assert message["To"] == "liugang-demo@example.com"
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.lead_days) == ("sent", 3)
    assert message["X-Reminder-Key"] == f"c{reminder.contact_id}:{reminder.milestone_id}:3:v2"
    assert Schedule.objects.get().next_run > timezone.now()
