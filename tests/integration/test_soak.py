"""Scale-out soak: two django-q2 clusters on PostgreSQL with the Redis broker deliver 2,000 due
reminders through a greylisting SMTP server, each exactly once, within a bounded time.

Everything is real and runs in real time: the clusters' schedulers enqueue the sweeps in Redis,
the workers of both clusters plan and claim from the same outbox, and the first delivery of
about one message in five is refused, so it must come back through the outbox's own retry.
The figures are printed (`pytest -m soak -s`) and written to test-artifacts/soak.json.
"""

import json
import time

import pytest
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import Schedule, Task

from tests.conftest import make_due_now
from tracker.models import Reminder
from tracker.notifications import schedules

pytestmark = [
    pytest.mark.soak,
    pytest.mark.postgres,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

READERS = 2000
CLUSTERS = ["one", "two"]
SWEEPS = 4  # schedule rows: each scheduler pass queues this many sweeps for the 2 x 2 workers
# The first scheduler pass comes about 30 s after a cluster starts; a refused message waits for
# a pass at least a minute later (schedules run at most once a minute).
TIME_LIMIT = 150
SWEEP = "tracker.tasks.send_due_reminders"


def schedule_sweeps(now):
    """The app's own sweep schedule, due now and every minute instead of every five, and copies
    of it, so that several sweeps run at once on both clusters."""
    schedules.sync(now)
    Schedule.objects.update(minutes=1, next_run=now)
    app = Schedule.objects.get(func=SWEEP)
    Schedule.objects.bulk_create(
        Schedule(name=f"{app.name} copy {n}", func=app.func, schedule_type=app.schedule_type,
                 minutes=1, repeats=-1, next_run=now)
        for n in range(1, SWEEPS)
    )


def empty_the_queue():
    """Tasks an interrupted earlier run left in Redis would start sweeps of their own."""
    broker = get_broker()
    stale = list(broker.connection.scan_iter(f"django_q:{Conf.PREFIX}:*"))
    if stale:
        broker.connection.delete(*stale)


def all_sent():
    outbox = Reminder.objects.all()
    return outbox.count() >= READERS and not outbox.exclude(status=Reminder.Status.SENT).exists()


def sweeps_done(cluster):
    """Sweeps this cluster finished, from its log: "Processed '<func>' (<task>)" (or "Failed
    …"), matched on what follows the verb because the verb is translated."""
    return cluster.log().count(f"'{SWEEP}' (")


def test_two_clusters_deliver_2000_reminders_exactly_once_through_a_greylisting_server(
    pilot_base, add_trackers, greylisting_smtp_server, qcluster
):
    assert settings.REDIS_URL, "the soak test needs the Redis broker: set REDIS_URL"
    smtp = greylisting_smtp_server
    make_due_now(pilot_base, days_left=7)
    add_trackers(pilot_base, READERS - 1)  # plus 柳钢集团's contact
    schedule_sweeps(timezone.now())
    empty_the_queue()

    started = time.monotonic()
    environment = {
        "Q_WORKERS": "2",
        # A retry waits 1, 2, 4 … s instead of 5, 10, 20 … min.
        "REMINDER_BACKOFF_SECONDS": "1",
        # Smaller batches than the default 100: more claims, so concurrent claims meet more
        # often (with a broken claim guard this run delivers dozens of duplicates).
        "REMINDER_BATCH_SIZE": "25",
    }
    clusters = [qcluster(name, smtp.port, **environment) for name in CLUSTERS]
    while not all_sent() and time.monotonic() - started < TIME_LIMIT:
        assert all(cluster.is_running() for cluster in clusters)
        time.sleep(1)
    seconds = round(time.monotonic() - started, 1)
    for cluster in clusters:
        cluster.stop()

    outbox = Reminder.objects.all()
    planned = {
        f"{r.recipient_key}:{r.milestone_id}:{r.lead_days}:v{r.version}" for r in outbox
    }
    keys = [message["X-Reminder-Key"] for message in smtp.messages]
    figures = {
        "reminders": outbox.count(),
        "sent": outbox.filter(status=Reminder.Status.SENT).count(),
        "accepted": len(keys),
        "refused_attempts": len(smtp.refused),
        "duplicates": len(keys) - len(set(keys)),
        "lost": len(planned - set(keys)),
        "attempts": outbox.aggregate(n=Sum("attempts"))["n"],
        "seconds_to_deliver_all": seconds,
        "sweeps_per_cluster": {cluster.name: sweeps_done(cluster) for cluster in clusters},
        "failed_sweeps": Task.objects.filter(func=SWEEP, success=False).count(),
        "stops": {
            cluster.name: {"seconds": cluster.stop_seconds, "by": cluster.stopped_by}
            for cluster in clusters
        },
    }
    report = json.dumps(figures, indent=2)
    (settings.BASE_DIR / "test-artifacts" / "soak.json").write_text(report + "\n")
    print(f"\nsoak figures:\n{report}")

    assert seconds < TIME_LIMIT, "not every reminder was sent in time"
    assert figures["reminders"] == figures["sent"] == READERS
    assert figures["duplicates"] == 0
    assert figures["lost"] == 0
    assert len(keys) == READERS
    # Refused deliveries came back through the outbox: one more attempt each, and no other.
    assert 0 < len(smtp.refused) < READERS // 2
    assert figures["attempts"] == READERS + len(smtp.refused)
    assert figures["failed_sweeps"] == 0
    assert all(runs > 0 for runs in figures["sweeps_per_cluster"].values()), "one cluster idled"
    assert [cluster.survivors() for cluster in clusters] == [[], []]
