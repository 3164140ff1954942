import pytest

from tracker.models import Membership, Organization, Region, Sector

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
        "Its owners or an administrator can add you to it."
    )
    assert "Unified social credit code" in response.content.decode()
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
    with django_assert_max_num_queries(4):
        english_client.get("/my/organizations/new/")
    # Every sector ticked: they are stored in one INSERT, not one each. The owner's membership
    # writes its history row too.
    with django_assert_max_num_queries(18):
        register(english_client, sectors=sectors, credit_code=CODE)
