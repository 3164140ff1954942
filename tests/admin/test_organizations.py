import pytest
from django.urls import reverse

from tests.admin.formsets import management
from tracker.models import Claim, Membership, Organization, Region


def test_a_bad_credit_code_is_a_form_error_naming_the_field(admin_client, seeded):
    response = admin_client.post(
        reverse("admin:tracker_organization_add"),
        {
            "kind": "enterprise",
            "name_zh": "测试公司",
            "credit_code": "91350100M000100Y44",
            **management("contacts", 0, 0),
            **management("memberships", 0, 0),
            **management("facts", 0, 0),
            **management("held_qualifications", 0, 0),
        **management("facts", 0, 0),
        **management("held_qualifications", 0, 0),
        },
    )
    assert response.status_code == 200
    assert "校验码" in response.content.decode()
    assert not Organization.objects.filter(name_zh="测试公司").exists()


def test_organizations_are_found_by_credit_code(admin_client, seeded):
    Organization.objects.create(
        name_zh="测试公司", kind="enterprise", credit_code="91350100M000100Y43"
    )
    response = admin_client.get(
        reverse("admin:tracker_organization_changelist"), {"q": "91350100M000100Y43"}
    )
    assert "测试公司" in response.content.decode()


def organization_form(**fields):
    return {
        "kind": "enterprise",
        "name_zh": "测试公司",
        **fields,
        **management("contacts", 0, 0),
        **management("memberships", 0, 0),
        **management("facts", 0, 0),
        **management("held_qualifications", 0, 0),
    }


@pytest.mark.parametrize(
    "typed",
    ["91350100m000100y43", "  91350100M000100Y43 ", "９１３５０１００Ｍ０００１００Ｙ４３"],
    ids=["lower-case", "spaces", "full-width"],
)
def test_a_valid_credit_code_typed_otherwise_is_stored_normalised(admin_client, seeded, typed):
    response = admin_client.post(
        reverse("admin:tracker_organization_add"), organization_form(credit_code=typed)
    )
    assert response.status_code == 302
    assert Organization.objects.get(name_zh="测试公司").credit_code == "91350100M000100Y43"


def test_a_normalised_code_is_still_refused_as_a_duplicate(admin_client, seeded):
    Organization.objects.create(
        name_zh="先有公司", kind="enterprise", credit_code="91350100M000100Y43"
    )
    response = admin_client.post(
        reverse("admin:tracker_organization_add"),
        organization_form(credit_code="91350100m000100y43"),
    )
    assert response.status_code == 200
    assert not Organization.objects.filter(name_zh="测试公司").exists()


def test_a_sector_id_too_large_for_the_database_is_a_form_error(admin_client, seeded):
    response = admin_client.post(
        reverse("admin:tracker_organization_add"),
        organization_form(sectors=["99999999999999999999999"]),
    )
    assert response.status_code == 200
    assert "sectors" in response.context["adminform"].form.errors
    assert not Organization.objects.filter(name_zh="测试公司").exists()


@pytest.fixture
def claimant(django_user_model, db):
    return django_user_model.objects.create_user("claimant", "claimant@example.com", "pw")


def test_an_administrator_approves_a_claim_and_the_first_claimant_owns_the_organization(
    admin_client, seeded, claimant
):
    organization = Organization.objects.filter(memberships=None).first()
    claim = Claim.objects.create(organization=organization, user=claimant)

    admin_client.post(
        reverse("admin:tracker_claim_changelist"),
        {"action": "approve", "_selected_action": [claim.pk]},
    )

    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED
    assert Membership.objects.get(user=claimant).role == Membership.Role.OWNER


def test_a_decided_claim_is_left_alone_with_a_warning(admin_client, seeded, claimant, settings):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    organization = Organization.objects.first()
    claim = Claim.objects.create(
        organization=organization, user=claimant, status=Claim.Status.DECLINED
    )

    response = admin_client.post(
        reverse("admin:tracker_claim_changelist"),
        {"action": "approve", "_selected_action": [claim.pk]},
        follow=True,
    )

    assert "This request has already been decided." in response.content.decode()
    assert not Membership.objects.filter(user=claimant).exists()


def test_invitations_are_listed_read_only(admin_client, seeded):
    response = admin_client.get(reverse("admin:tracker_invitation_changelist"))

    assert response.status_code == 200
    assert admin_client.get(reverse("admin:tracker_invitation_add")).status_code == 403


def test_the_region_is_chosen_by_searching_a_name_or_code(admin_client, seeded):
    page = admin_client.get(reverse("admin:tracker_organization_add")).content.decode()
    assert 'data-field-name="region"' in page  # the autocomplete, not ~3,200 options
    assert page.count("<option") < 100

    found = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "柳州", "app_label": "tracker", "model_name": "organization",
         "field_name": "region"},
    ).json()["results"]
    assert {"id": str(Region.objects.get(code="450202").pk), "text": "城中区"} in found


@pytest.mark.parametrize("region", ["x", "99999999999999999999", "-1"])
def test_a_posted_region_that_is_no_division_is_a_form_error(admin_client, seeded, region):
    response = admin_client.post(
        reverse("admin:tracker_organization_add"), organization_form(region=region)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["region"]


def test_the_province_filter_includes_its_cities_and_counties(admin_client, seeded):
    Organization.objects.create(
        name_zh="城中公司", kind="enterprise", region=Region.objects.get(code="450202")
    )
    changelist = reverse("admin:tracker_organization_changelist")

    guangxi = admin_client.get(changelist, {"province": "450000"}).content.decode()
    hubei = admin_client.get(changelist, {"province": "420000"}).content.decode()

    assert "城中公司" in guangxi and "柳钢集团" in guangxi
    assert "城中公司" not in hubei and "武汉科技大学" in hubei
    assert admin_client.get(changelist, {"province": "x"}).status_code == 200
