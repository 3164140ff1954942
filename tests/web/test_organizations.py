import datetime
import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import make_partner
from tracker.models import Claim, Invitation, Membership, Organization, Region, Sector
from tracker.notifications.tokens import invitation_token
from tracker.services.organizations import invite

CODE = "91350100M000100Y43"


@pytest.fixture
def founder(english_client, django_user_model, seeded):
    """A firm that has just signed up: logged in, member of no organization."""
    user = django_user_model.objects.create_user("founder", "founder@example.com", "pw")
    english_client.force_login(user)
    return user


def register(client, **fields):
    data = {"name_zh": "新材料公司", "name_en": "", "kind": "enterprise", **fields}
    return client.post("/my/organizations/new/", data)


def test_it_needs_a_login(english_client, db):
    response = english_client.get("/my/organizations/new/")

    assert response.url == "/accounts/login/?next=/my/organizations/new/"


def test_the_dashboard_links_to_it(english_client, founder):
    assert 'href="/my/organizations/new/"' in english_client.get("/my/").content.decode()


def test_registering_makes_the_user_its_owner_and_returns_to_the_dashboard(
    english_client, founder
):
    region = Region.objects.get(code="450200")
    sector = Sector.objects.first()

    response = register(
        english_client, name_en="New Materials Co.", region_province="450000",
        region_city=region.code, sectors=[sector.pk],
        credit_code=CODE.lower(),
    )

    assert response.status_code == 302
    assert response.url == "/my/"
    organization = Organization.objects.get(name_zh="新材料公司")
    assert organization.credit_code == CODE
    assert organization.region == region
    assert list(organization.sectors.all()) == [sector]
    assert Membership.objects.get(user=founder).role == Membership.Role.OWNER
    dashboard = english_client.get("/my/").content.decode()
    assert "New Materials Co. is registered, with you as its owner." in dashboard


def test_the_new_organization_can_track_a_program(english_client, founder, pilot_base):
    register(english_client)
    organization = Organization.objects.get(name_zh="新材料公司")

    english_client.post(f"/programs/{pilot_base.slug}/track/", {"organization": organization.pk})

    assert organization.applications.filter(program=pilot_base).exists()


def test_a_registered_credit_code_typed_in_lower_case_is_refused_with_the_way_in(
    english_client, founder, liugang
):
    liugang.credit_code = CODE
    liugang.save()
    count = Organization.objects.count()

    response = register(english_client, credit_code=CODE.lower())

    assert response.status_code == 200
    [error] = response.context["form"].errors["credit_code"]
    assert error == (
        "An organization with this unified social credit code is already registered. "
        "Ask to join it instead: an owner of it or an administrator approves your request."
    )
    page = response.content.decode()
    assert "Unified social credit code" in page
    assert f'href="/my/organizations/claim/?q={CODE.lower()}"' in page
    assert Organization.objects.count() == count
    assert not Membership.objects.filter(user=founder).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name_zh": ""}, "name_zh"),
        ({"credit_code": "91350100M000100Y44"}, "credit_code"),
        ({"credit_code": "123"}, "credit_code"),
        ({"credit_code": "x" * 500}, "credit_code"),
        ({"kind": "bank"}, "kind"),
        ({"region_province": "99999999999999999999"}, "region"),
        ({"region_province": "450000", "region_county": "450299"}, "region"),
        ({"sectors": ["99999999999999999999"]}, "sectors"),
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(english_client, founder, fields, field):
    count = Organization.objects.count()

    response = register(english_client, **fields)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Organization.objects.count() == count


def test_the_page_is_private(english_client, founder):
    response = english_client.get("/my/organizations/new/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_page_and_a_registration_take_a_bounded_number_of_queries(
    english_client, founder, django_assert_max_num_queries
):
    sectors = [sector.pk for sector in Sector.objects.all()]
    # The first page after a catalog edit also loads the division picker's provinces, kept
    # with the catalog stamp; then: the session, the user, the header's count of unread
    # alerts, the stamp and the sectors.
    english_client.get("/my/organizations/new/")
    with django_assert_max_num_queries(5):
        english_client.get("/my/organizations/new/")
    # Every sector ticked: they are stored in one INSERT, not one each. The owner's membership
    # writes its history row too, and the owner's reminder row is looked for, then inserted.
    with django_assert_max_num_queries(20):
        register(english_client, sectors=sectors, credit_code=CODE)


# --- The team page, invitations and claims ------------------------------------------------------


def test_the_team_page_is_404_for_anyone_outside_the_organization(
    english_client, other_firm_user, liugang
):
    english_client.force_login(other_firm_user)

    assert english_client.get(f"/my/organizations/{liugang.pk}/").status_code == 404
    response = english_client.post(f"/my/organizations/{liugang.pk}/invite/", {"email": "a@b.cn"})
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_the_team_page_takes_a_bounded_number_of_queries(
    english_client, firm_user, liugang, django_user_model, django_assert_max_num_queries
):
    for n in range(10):
        user = django_user_model.objects.create_user(f"m{n}", f"m{n}@example.com", "pw")
        Membership.objects.create(user=user, organization=liugang)
        Invitation.objects.create(
            organization=liugang, email=f"i{n}@example.com", invited_by=firm_user,
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
        Claim.objects.create(organization=liugang, user=user)
    english_client.force_login(firm_user)

    with django_assert_max_num_queries(12):
        response = english_client.get(f"/my/organizations/{liugang.pk}/")

    page = response.content.decode()
    assert "m9@example.com" in page and "i9@example.com" in page
    assert "i9@example.com was invited as Member." in page


def test_an_owner_invites_by_email_and_the_invitee_signs_up_through_the_link(
    english_client, firm_user, liugang, django_capture_on_commit_callbacks, mailoutbox
):
    english_client.force_login(firm_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = english_client.post(
            f"/my/organizations/{liugang.pk}/invite/",
            {"email": "newcomer@example.com", "role": "member"},
        )
    assert response.status_code == 302
    [mail] = mailoutbox
    link = re.search(r"http://\S+/invitations/\S+/", mail.body).group(0)
    path = link.split("8000", 1)[-1]
    english_client.logout()
    english_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # logout() drops the cookies

    page = english_client.get(path).content.decode()
    assert "You are invited to join Liuzhou Steel Group as Member." in page
    assert f'href="/accounts/signup/?next={quote(path, safe="")}"' in page
    signup = english_client.get(f"/accounts/signup/?next={path}")
    assert 'value="newcomer@example.com"' in signup.content.decode()
    response = english_client.post(
        f"/accounts/signup/?next={path}",
        {"email": "newcomer@example.com", "password1": "a long passphrase 42",
         "password2": "a long passphrase 42", "next": path},
    )
    # The mail reached that address: no second verification mail, straight back to the link.
    assert response.url == path
    response = english_client.post(path)
    assert response.url == f"/my/organizations/{liugang.pk}/"
    assert Membership.objects.get(user__email="newcomer@example.com").organization == liugang
    assert english_client.post(path).status_code == 410


def test_a_bad_invitation_link_is_a_clear_page_not_an_error(english_client, db):
    response = english_client.get("/invitations/forged/")

    assert response.status_code == 410
    assert "This invitation link is not valid." in response.content.decode()


def test_the_last_owner_leaving_is_refused_with_a_clear_message(
    english_client, firm_user, liugang
):
    english_client.force_login(firm_user)

    response = english_client.post(f"/my/organizations/{liugang.pk}/leave/", follow=True)

    assert "make someone else owner first, then leave." in response.content.decode()
    assert Membership.objects.filter(user=firm_user, organization=liugang).exists()


def test_an_owner_makes_a_member_owner_then_leaves(
    english_client, firm_user, liugang, other_firm_user
):
    membership = Membership.objects.create(user=other_firm_user, organization=liugang)
    english_client.force_login(firm_user)

    english_client.post(
        f"/my/organizations/{liugang.pk}/members/{membership.pk}/role/", {"role": "owner"}
    )
    response = english_client.post(f"/my/organizations/{liugang.pk}/leave/")

    assert response.url == "/my/"
    assert list(liugang.memberships.values_list("user", "role")) == [
        (other_firm_user.pk, "owner")
    ]


def test_a_claim_shows_nothing_of_the_organization_until_an_owner_approves_it(
    english_client, founder, firm_user, liugang
):
    liugang.credit_code = CODE
    liugang.save()
    found = english_client.get("/my/organizations/claim/", {"q": CODE.lower()}).content.decode()
    assert "Liuzhou Steel Group" in found
    assert "liugang@example.com" not in found

    english_client.post(
        "/my/organizations/claim/", {"organization": liugang.pk, "message": "R&D office"}
    )

    claim = Claim.objects.get(user=founder)
    assert english_client.get(f"/my/organizations/{liugang.pk}/").status_code == 404
    english_client.force_login(firm_user)
    english_client.post(
        f"/my/organizations/{liugang.pk}/claims/{claim.pk}/decide/", {"approve": "1"}
    )
    english_client.force_login(founder)
    assert english_client.get(f"/my/organizations/{liugang.pk}/").status_code == 200


def test_a_member_who_is_not_an_owner_cannot_approve_a_claim(
    english_client, founder, other_firm_user, liugang
):
    Membership.objects.create(user=other_firm_user, organization=liugang)
    claim = Claim.objects.create(organization=liugang, user=founder)
    english_client.force_login(other_firm_user)

    response = english_client.post(
        f"/my/organizations/{liugang.pk}/claims/{claim.pk}/decide/", {"approve": "1"},
        follow=True,
    )

    assert "Only an owner of Liuzhou Steel Group can do this." in response.content.decode()
    assert not Membership.objects.filter(user=founder).exists()


def test_the_dashboard_links_each_organization_to_its_team_page(
    english_client, firm_user, liugang
):
    english_client.force_login(firm_user)

    assert f'href="/my/organizations/{liugang.pk}/"' in english_client.get("/my/").content.decode()


def test_the_claim_page_and_the_invitation_page_take_a_bounded_number_of_queries(
    english_client, founder, firm_user, liugang, django_assert_max_num_queries
):
    for n in range(5):
        Claim.objects.create(organization=make_partner(f"申请单位{n}"), user=founder)
    with django_assert_max_num_queries(6):
        page = english_client.get("/my/organizations/claim/", {"q": "柳钢集团"})
    assert page.status_code == 200 and "Liuzhou Steel Group" in page.content.decode()

    token = invitation_token(invite(liugang, "founder@example.com", "member", firm_user))
    with django_assert_max_num_queries(6):
        assert english_client.get(f"/invitations/{token}/").status_code == 200
