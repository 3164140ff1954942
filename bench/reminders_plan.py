"""Planning the reminder outbox at scale: `python bench/reminders_plan.py`.

200 programs and 100,000 tracking applications (one contact each) in a throwaway database.
Prints, for planning.plan(): the query count at 10,000 and at 100,000 applications (it must
not grow), its time against one hand-written INSERT … SELECT making the same rows in the same
run (goal: at most 2x), the time of the 5-minute sweep that finds nothing new against the full
run (goal: at most 10%), the time of a full rerun after a write (which inserts nothing), and,
for the record, what bulk_create(ignore_conflicts=True) of the same rows costs.
"""

import datetime
import logging
import statistics
import time

import throwaway_db

LABEL = throwaway_db.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from tracker.models import Application, OutboxChange, Program, Reminder  # noqa: E402
from tracker.notifications import planning  # noqa: E402

logging.getLogger("tracker").setLevel(logging.WARNING)
PROGRAMS = 200
SMALL, LARGE = 10_000, 100_000
DAYS_AHEAD = [1, 3, 5, 7, 10, 14, 20, 30]  # spread the programs over every lead
REPEATS = 3


def make_programs(now):
    authority = throwaway_db.make_authority()
    today = timezone.localtime(now).date()
    return [
        Program.objects.create(
            slug=f"program-{n}", year=2025, title_zh=f"项目{n}", authority=authority,
            source_publication="bench", opens_on=today - datetime.timedelta(days=60),
            deadline=today + datetime.timedelta(days=DAYS_AHEAD[n % len(DAYS_AHEAD)]),
            is_published=True, send_hour=0,
        )
        for n in range(PROGRAMS)
    ]


def timed(function):
    Reminder.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        inserted = function()
        elapsed = time.perf_counter() - started
    return elapsed, len(queries), inserted


HAND_WRITTEN = """
WITH due (milestone_id, lead_days) AS (VALUES {values})
INSERT INTO tracker_reminder (milestone_id, lead_days, version, due_on, application_id,
    contact_id, subscription_id, recipient_key, status, attempts, next_attempt_at, last_error,
    created_at)
SELECT m.id, due.lead_days, m.version, m.due_on, a.id, c.id, NULL, 'c' || c.id, 'pending', 0,
    %s, '', %s
FROM due
JOIN tracker_milestone m ON m.id = due.milestone_id
JOIN tracker_application a ON a.program_id = m.program_id
JOIN tracker_contact c ON c.organization_id = a.organization_id
WHERE m.audience = 'applicant' AND a.status IN ('interested', 'preparing')
    AND c.unsubscribed_at IS NULL
ON CONFLICT DO NOTHING
"""


def hand_written(now):
    with transaction.atomic():
        due, _ = planning.due_leads(now)
    values = ", ".join(f"({int(pk)}, {int(lead)})" for pk, lead in due.items())

    def run():
        with connection.cursor() as cursor:
            cursor.execute(HAND_WRITTEN.format(values=values), [now, now])
        return Reminder.objects.count()  # SQLite reports no rowcount for WITH … INSERT

    return run


def bulk_create_same_rows(now):
    with transaction.atomic():
        due, _ = planning.due_leads(now)
    applicants = planning._lead_rows(due, now)[0]
    rows = [
        Reminder(**{key.removeprefix("outbox_"): value for key, value in row.items()})
        for row in applicants
    ]
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))


def main():
    now = timezone.now()
    print(f"Database: {LABEL}")
    started = time.perf_counter()
    programs = make_programs(now)
    throwaway_db.add_trackers(programs, 0, SMALL)
    _, small_queries, small_rows = timed(lambda: planning.plan(now))
    throwaway_db.add_trackers(programs, SMALL, LARGE)
    print(f"Data: {PROGRAMS} programs, {LARGE:,} tracking applications and contacts "
          f"(built in {time.perf_counter() - started:.1f} s)")
    assert Application.objects.aggregate(n=Count("id"))["n"] == LARGE

    ours, raw = [], []
    for _ in range(REPEATS):
        elapsed, large_queries, large_rows = timed(lambda: planning.plan(now))
        ours.append(elapsed)
        elapsed, _, raw_rows = timed(hand_written(now))
        raw.append(elapsed)
        assert raw_rows == large_rows, (raw_rows, large_rows)
    # Everything is planned now. A sweep with nothing new (the usual case), then one after a
    # write that changes nothing (an OutboxChange row, as any reader write leaves): that one
    # plans in full again and inserts nothing.
    planning.plan(now)
    noop = []
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as noop_queries:
            started = time.perf_counter()
            assert planning.plan(now) == 0
            noop.append(time.perf_counter() - started)
    OutboxChange.objects.create(source="bench")
    with CaptureQueriesContext(connection) as rerun_queries:
        started = time.perf_counter()
        again = planning.plan(now)
        rerun = time.perf_counter() - started
    bulk, bulk_queries, bulk_rows = timed(lambda: bulk_create_same_rows(now))

    ours_s, raw_s = statistics.median(ours), statistics.median(raw)
    print(f"plan() queries: {small_queries} at {SMALL:,} applications ({small_rows:,} rows), "
          f"{large_queries} at {LARGE:,} ({large_rows:,} rows)")
    print(f"plan():                      {ours_s:6.2f} s  (median of {REPEATS})")
    print(f"hand-written INSERT … SELECT: {raw_s:6.2f} s  (same {raw_rows:,} rows)")
    print(f"ratio plan()/hand-written:   {ours_s / raw_s:6.2f}x  (goal <= 2x)")
    noop_s = statistics.median(noop)
    print(f"no-op sweep (nothing new):   {noop_s * 1000:6.1f} ms, {len(noop_queries)} queries "
          f"(median of {REPEATS})")
    print(f"ratio no-op/full plan():     {noop_s / ours_s:6.1%}  (goal <= 10%)")
    print(f"full rerun after a write:    {rerun:6.2f} s, {len(rerun_queries)} queries, "
          f"{again} rows inserted")
    print(f"bulk_create(ignore_conflicts=True) of the same rows: {bulk:.2f} s, "
          f"{bulk_queries} queries ({bulk_rows:,} rows)")


if __name__ == "__main__":
    main()
