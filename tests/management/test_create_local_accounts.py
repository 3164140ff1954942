import io
import re

from allauth.account.models import EmailAddress
from django.core.management import call_command

from tracker.models import Membership


def create_local_accounts():
    out = io.StringIO()
    call_command("create_local_accounts", stdout=out)
    return dict(re.findall(r"\((\S+@localhost)\) with password: (\S+)", out.getvalue()))


def test_the_demo_firm_logs_in_on_the_site_with_its_verified_address(english_client, seeded):
    passwords = create_local_accounts()

    response = english_client.post(
        "/accounts/login/",
        {"login": "demo-firm@localhost", "password": passwords["demo-firm@localhost"]},
    )

    assert response.status_code == 302
    assert "_auth_user_id" in english_client.session
    assert Membership.objects.get(user__username="demo-firm").role == Membership.Role.OWNER


def test_the_administrator_logs_in_on_the_site_too(english_client, seeded):
    passwords = create_local_accounts()

    english_client.post(
        "/accounts/login/",
        {"login": "admin@localhost", "password": passwords["admin@localhost"]},
    )

    assert "_auth_user_id" in english_client.session


def test_an_account_made_before_allauth_gets_its_verified_address_on_a_rerun(
    django_user_model, db
):
    user = django_user_model.objects.create_superuser("admin", "admin@localhost", "pw")

    create_local_accounts()

    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("admin@localhost", True, True)
    assert user.check_password("pw")
