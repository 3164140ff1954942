"""The send_reminders command."""

import datetime
import io

import time_machine
from django.core import mail
from django.core.management import call_command

from tracker.models import Reminder

# 09:30 in Shanghai, 7 days before the deadline.
NOW = datetime.datetime(2025, 4, 13, 1, 30, tzinfo=datetime.timezone.utc)


def run(*args):
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_its_dry_run_prints_a_table_and_changes_nothing(pilot_base):
    out = run("--dry-run")
    header, row = out.splitlines()[:2]
    assert header.split() == ["id", "to", "lang", "program", "milestone", "due", "on", "lead",
                              "days", "left", "try"]
    assert row.split()[1:] == [
        "liugang-demo@example.com", "zh-hans", "guangxi-pilot-base-2025", "申报材料截止",
        "2025-04-20", "7", "7", "1",
    ]
    assert "1 reminder(s) would be sent." in out
    assert Reminder.objects.count() == 0 and mail.outbox == []


def test_it_sends_what_is_due(pilot_base):
    assert run() == "planned 1, sent 1, failed 0\n"
    assert len(mail.outbox) == 1
