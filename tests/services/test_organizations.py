import pytest
from django.core.exceptions import ValidationError

from tracker.models import Membership, Organization, Region, Sector
from tracker.services.organizations import create_organization

CODE = "91350100M000100Y43"


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("founder", "founder@example.com", "pw")


def test_the_creator_becomes_the_owner_of_the_new_organization(user, seeded):
    region = Region.objects.first()
    sectors = list(Sector.objects.all()[:2])

    organization = create_organization(
        user=user, kind="enterprise", name_zh="新材料公司", name_en="New Materials Co.",
        region=region, sectors=sectors, credit_code=CODE.lower(),
    )

    assert organization.credit_code == CODE
    assert organization.region == region
    assert set(organization.sectors.all()) == set(sectors)
    membership = Membership.objects.get(organization=organization)
    assert (membership.user, membership.role) == (user, Membership.Role.OWNER)


def test_a_registered_credit_code_is_refused_on_its_field_and_nothing_is_written(user, db):
    create_organization(user=user, kind="enterprise", name_zh="先到公司", credit_code=CODE)

    with pytest.raises(ValidationError) as error:
        create_organization(
            user=user, kind="enterprise", name_zh="后到公司", credit_code=f" {CODE.lower()} "
        )

    assert error.value.error_dict["credit_code"][0].code == "credit_code_taken"
    assert list(Organization.objects.values_list("name_zh", flat=True)) == ["先到公司"]
    assert Membership.objects.count() == 1


def test_organizations_without_a_credit_code_do_not_collide(user, db):
    create_organization(user=user, kind="enterprise", name_zh="甲公司")
    create_organization(user=user, kind="university", name_zh="乙大学")

    assert Organization.objects.count() == 2


def test_an_invalid_credit_code_writes_nothing(user, db):
    with pytest.raises(ValidationError) as error:
        create_organization(user=user, kind="enterprise", name_zh="公司", credit_code="123")

    assert "credit_code" in error.value.message_dict
    assert not Organization.objects.exists()
    assert not Membership.objects.exists()
