from django.core.management.base import BaseCommand

from tracker.services.search import reindex_all


class Command(BaseCommand):
    help = (
        "Rebuild the programs' keyword index. Every edit keeps it fresh on its own; run this "
        "once after upgrading to the release that adds the index, or after loading rows with "
        "raw SQL."
    )

    def handle(self, *args, **options):
        reindex_all()
        self.stdout.write(self.style.SUCCESS("Keyword index rebuilt."))
