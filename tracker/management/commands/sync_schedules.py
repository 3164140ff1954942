from django.core.management.base import BaseCommand

from tracker.notifications import schedules


class Command(BaseCommand):
    help = "Create or update the tracker's django-q2 schedules (idempotent; run after migrate)."

    def handle(self, *args, **options):
        for schedule in schedules.sync():
            self.stdout.write(f"{schedule.name}: next run {schedule.next_run:%Y-%m-%d %H:%M %Z}")
