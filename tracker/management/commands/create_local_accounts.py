import secrets

from allauth.account.models import EmailAddress
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
            if user.email:
                # An account made before the site's logins went through allauth.
                self._verified(user)
            self.stdout.write(
                f"Account '{username}' exists; password unchanged "
                f"(reset it with: python manage.py changepassword {username})."
            )
            return user
        password = secrets.token_urlsafe(12)
        create = User.objects.create_superuser if superuser else User.objects.create_user
        email = f"{username}@localhost"
        user = create(username=username, email=email, password=password)
        self._verified(user)
        self.stdout.write(self.style.SUCCESS(
            f"Created account '{username}' ({email}) with password: {password}  "
            "(shown only this once)"
        ))
        return user

    def _verified(self, user):
        """The site's login is the email address, verified before the first login; nobody
        reads mail for @localhost, so the address is marked verified here."""
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"primary": True, "verified": True}
        )
