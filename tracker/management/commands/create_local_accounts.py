import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from tracker.models import Membership, Organization

# The demo firm account logs in as a member of this seeded organization.
DEMO_FIRM = "柳钢集团"


class Command(BaseCommand):
    help = (
        "Create the local administrator ('admin') and a demo firm user ('demo-firm', member of "
        f"{DEMO_FIRM}) with generated passwords, printed once. Existing accounts are left alone."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        self._create(User, "admin", superuser=True)
        firm = Organization.objects.filter(name_zh=DEMO_FIRM).first()
        if firm is not None:
            user = self._create(User, "demo-firm", superuser=False)
            Membership.objects.get_or_create(
                user=user, organization=firm, defaults={"role": Membership.Role.OWNER}
            )

    def _create(self, User, username, superuser):
        user = User.objects.filter(username=username).first()
        if user is not None:
            self.stdout.write(
                f"Account '{username}' exists; password unchanged "
                f"(reset it with: python manage.py changepassword {username})."
            )
            return user
        password = secrets.token_urlsafe(12)
        create = User.objects.create_superuser if superuser else User.objects.create_user
        user = create(username=username, email=f"{username}@localhost", password=password)
        self.stdout.write(self.style.SUCCESS(
            f"Created account '{username}' with password: {password}  (shown only this once)"
        ))
        return user
