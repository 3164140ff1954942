from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from tracker.notifications import planning, sending

COLUMNS = ["id", "to", "lang", "program", "milestone", "due on", "lead", "days left", "try"]


class Command(BaseCommand):
    help = "Plan and send the reminders due now (what the django-q2 schedule runs)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would go out now; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        if not dry_run:
            totals = sending.send_due()
            self.stdout.write(", ".join(f"{name} {n}" for name, n in totals.items()))
            return
        now = timezone.now()
        with transaction.atomic():
            # Plan for real inside a transaction that is rolled back, so the table shows exactly
            # what a sweep would send, retirements and change notices included.
            planning.plan(now)
            rows = [self.row(reminder) for reminder in sending.due_for_sending(now)]
            transaction.set_rollback(True)
        self.print_table(rows)
        self.stdout.write(f"{len(rows)} reminder(s) would be sent.")

    @staticmethod
    def row(reminder):
        program = reminder.milestone.program
        reader = reminder.reader
        lead = "change" if reminder.is_change_notice else str(reminder.lead_days)
        days_left = (reminder.milestone.due_on - program.local_today()).days
        return [
            str(reminder.pk), reminder.address, reader.language, program.slug,
            reminder.milestone.title_zh, str(reminder.milestone.due_on), lead, str(days_left),
            str(reminder.attempts + 1),
        ]

    def print_table(self, rows):
        lines = [COLUMNS, *rows]
        widths = [max(map(len, column)) for column in zip(*lines, strict=True)]
        for line in lines:
            cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
