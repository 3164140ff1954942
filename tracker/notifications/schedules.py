"""The django-q2 schedules the app needs, created from code only (never typed into the admin:
one unparsable row stops the scheduler for every schedule)."""

from django.utils import timezone
from django_q.models import Schedule

SCHEDULES = [
    {
        "name": "tracker.send_due_reminders",
        "func": "tracker.tasks.send_due_reminders",
        "schedule_type": Schedule.MINUTES,
        "minutes": 5,
        "repeats": -1,
    },
    {
        # The safety net of the trigger queued when a program is saved (services.alerts).
        "name": "tracker.send_alerts",
        "func": "tracker.tasks.send_alerts",
        "schedule_type": Schedule.MINUTES,
        "minutes": 5,
        "repeats": -1,
    },
    {
        # Hourly; digests.plan() waits for the digest hour and plans each day's digests once.
        "name": "tracker.send_digests",
        "func": "tracker.tasks.send_digests",
        "schedule_type": Schedule.HOURLY,
        "repeats": -1,
    },
    {
        # The open data's bulk extract (/data/programs.jsonl and .csv), rewritten whole.
        "name": "tracker.write_open_data",
        "func": "tracker.tasks.write_open_data",
        "schedule_type": Schedule.DAILY,
        "repeats": -1,
    },
]


def sync(now=None):
    """Create or update each schedule by name; drop ours that are no longer listed.

    `Schedule.name` is not unique in the database, so this (run after migrate) is the only
    writer. `next_run` is set explicitly on creation so the first sweep runs at once; an existing
    schedule keeps its next run.
    """
    now = now or timezone.now()
    names = [spec["name"] for spec in SCHEDULES]
    for spec in SCHEDULES:
        fields = {key: value for key, value in spec.items() if key != "name"}
        Schedule.objects.update_or_create(
            name=spec["name"], defaults=fields, create_defaults={**fields, "next_run": now}
        )
    Schedule.objects.filter(func__startswith="tracker.tasks.").exclude(name__in=names).delete()
    return Schedule.objects.filter(name__in=names)
