from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.interchange import seeds


class Command(BaseCommand):
    help = "Load the seed programs and demo data from seeds/*.yaml (idempotent, all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Seed files (default: seeds/*.yaml).")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also load the example catalog (seeds/demo/*.yaml), dated relative to today.",
        )

    def handle(self, *args, paths, demo, **options):
        files = paths or seeds.seed_files(settings.BASE_DIR / "seeds", demo=demo)
        try:
            counts = seeds.load(files)
        except seeds.SeedError as exc:
            raise CommandError(str(exc)) from exc
        summary = ", ".join(f"{section} {n}" for section, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Seeds loaded: {summary}"))
