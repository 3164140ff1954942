"""The django-q2 schedules, synced from code (tracker/schedules.py, sync_schedules)."""

import datetime
import io

import time_machine
from django.core.management import call_command
from django_q.models import Schedule

from tracker.notifications import schedules

NOW = datetime.datetime(2025, 4, 13, 1, 30, tzinfo=datetime.timezone.utc)


def test_it_creates_the_sweep_schedule_due_at_once(db):
    with time_machine.travel(NOW, tick=False):
        call_command("sync_schedules", stdout=io.StringIO())
    schedule = Schedule.objects.get(name="tracker.send_due_reminders")
    assert (schedule.name, schedule.func) == (
        "tracker.send_due_reminders", "tracker.tasks.send_due_reminders"
    )
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 5, -1)
    assert schedule.next_run == NOW


def test_it_is_idempotent_and_keeps_the_next_run(db):
    schedules.sync(NOW)
    Schedule.objects.update(next_run=NOW + datetime.timedelta(minutes=3), minutes=60)
    schedules.sync(NOW + datetime.timedelta(minutes=1))
    schedule = Schedule.objects.get(name="tracker.send_due_reminders")
    assert schedule.minutes == 5
    assert schedule.next_run == NOW + datetime.timedelta(minutes=3)


def test_it_removes_a_schedule_of_ours_no_longer_listed(db):
    Schedule.objects.create(name="old", func="tracker.tasks.gone")
    Schedule.objects.create(name="theirs", func="other.tasks.keep")
    schedules.sync(NOW)
    assert sorted(Schedule.objects.values_list("name", flat=True)) == [
        "theirs", "tracker.send_alerts", "tracker.send_digests", "tracker.send_due_reminders",
        "tracker.write_open_data",
    ]


def test_it_schedules_the_alerts_sweep_as_the_safety_net_of_its_trigger(db):
    schedules.sync(NOW)
    schedule = Schedule.objects.get(name="tracker.send_alerts")
    assert (schedule.func, schedule.minutes, schedule.next_run) == (
        "tracker.tasks.send_alerts", 5, NOW
    )
