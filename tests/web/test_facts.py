"""An organization's facts page, and the confirmations of conditions on an application."""

import datetime
from decimal import Decimal

import pytest

from tests.admin.formsets import management
from tracker.models import (
    Application,
    ConditionConfirmation,
    Fact,
    FactThreshold,
    HeldQualification,
    ManualCondition,
    Membership,
    Organization,
    OrganizationFact,
    Qualification,
)
from tracker.services.programs import clone_as_next_edition


def url(organization):
    return f"/my/organizations/{organization.pk}/facts/"


def facts_post(rows=(), qualifications=(), **fields):
    data = {
        **management("facts", len(rows), 0),
        **management("qualifications", len(qualifications), 0),
        **fields,
    }
    for i, (fact, year, value) in enumerate(rows):
        data.update({f"facts-{i}-fact": fact, f"facts-{i}-year": year, f"facts-{i}-value": value})
    for i, (code, until) in enumerate(qualifications):
        data[f"qualifications-{i}-qualification"] = Qualification.objects.get(code=code).pk
        data[f"qualifications-{i}-valid_until"] = until
    return data


def figures(organization):
    return set(organization.facts.values_list("fact", "year", "value"))


@pytest.fixture
def owner(english_client, firm_user):
    english_client.force_login(firm_user)
    return english_client


def test_an_owner_saves_figures_by_year_and_qualifications_with_their_dates(owner, liugang):
    response = owner.post(url(liugang), facts_post(
        rows=[("main_revenue", 2024, "2500"), ("rd_ratio", 2024, "3.6")],
        qualifications=[("high-tech-enterprise", "2026-12-31")],
        registered_on="1958-07-01",
        qualifications_complete="on",
    ))

    assert response.status_code == 302 and response.url == url(liugang)
    assert figures(liugang) == {
        ("main_revenue", 2024, Decimal("2500")), ("rd_ratio", 2024, Decimal("3.6")),
    }
    [held] = HeldQualification.objects.all()
    assert held.valid_until == datetime.date(2026, 12, 31)
    liugang.refresh_from_db()
    assert liugang.registered_on == datetime.date(1958, 7, 1)
    assert liugang.qualifications_complete
    page = owner.get(url(liugang)).content.decode()
    assert "are saved" in page
    assert 'value="2500.00"' in page


def test_a_removed_row_is_deleted_and_the_others_kept(owner, liugang):
    OrganizationFact.objects.create(organization=liugang, fact="employees", year=2023, value=900)
    OrganizationFact.objects.create(organization=liugang, fact="employees", year=2024, value=950)
    page = owner.get(url(liugang))
    data = {
        **management("facts", 2, 2),
        **management("qualifications", 0, 0),
        "facts-0-fact": "employees", "facts-0-year": 2024, "facts-0-value": "950",
        "facts-1-fact": "employees", "facts-1-year": 2023, "facts-1-value": "900",
        "facts-1-DELETE": "on",
    }
    assert page.status_code == 200

    assert owner.post(url(liugang), data).status_code == 302
    assert list(liugang.facts.filter(fact="employees").values_list("year", flat=True)) == [2024]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("main_revenue", 2024, "-5"), "Main-business revenue cannot be negative."),
        (("rd_ratio", 2024, "120"), "R&amp;D expenses as a share of revenue must be at most 100."),
        (("employees", 1900, "10"), "The year must be 1980 or later."),
    ],
)
def test_bad_figures_name_the_field_and_the_limit_and_nothing_is_saved(
    owner, liugang, row, message
):
    before = figures(liugang)

    response = owner.post(url(liugang), facts_post(rows=[row], registered_on="2001-01-01"))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert figures(liugang) == before
    liugang.refresh_from_db()
    assert liugang.registered_on is None


def test_a_figure_given_twice_for_one_year_is_refused(owner, liugang):
    rows = [("employees", 2024, "10"), ("employees", 2024, "12")]

    response = owner.post(url(liugang), facts_post(rows=rows))

    assert "Number of employees of 2024 is given twice: keep one row." in response.content.decode()
    assert not liugang.facts.filter(fact="employees").exists()


def test_a_registration_date_in_the_future_is_refused_naming_the_field(owner, liugang):
    response = owner.post(url(liugang), facts_post(registered_on="2999-01-01"))

    assert "Registered on cannot be after today" in response.content.decode()


def test_another_organizations_facts_page_is_a_404(owner, seeded):
    other = Organization.objects.get(name_zh="东风柳汽")

    assert owner.get(url(other)).status_code == 404
    assert owner.post(url(other), facts_post(rows=[("employees", 2024, "1")])).status_code == 404
    assert not other.facts.exists()


def test_a_member_who_is_not_an_owner_sees_the_facts_but_cannot_change_them(
    owner, firm_user, liugang
):
    Membership.objects.filter(user=firm_user).update(role=Membership.Role.MEMBER)
    OrganizationFact.objects.create(organization=liugang, fact="employees", year=2024, value=950)

    page = owner.get(url(liugang)).content.decode()
    response = owner.post(url(liugang), facts_post(rows=[("employees", 2024, "1")]))

    assert "Only the organization's owners can change its facts." in page
    assert "950" in page
    assert liugang.facts.get(fact="employees").value == 950
    assert response.status_code == 200


def test_the_page_needs_a_login(english_client, liugang):
    assert english_client.get(url(liugang)).status_code == 302


def test_the_page_reads_a_fixed_number_of_queries(owner, liugang, django_assert_max_num_queries):
    for year in range(2015, 2025):
        OrganizationFact.objects.create(
            organization=liugang, fact="employees", year=year, value=900
        )
    for q in Qualification.objects.all():
        HeldQualification.objects.create(
            organization=liugang, qualification=q, valid_until=datetime.date(2027, 1, 1)
        )

    # Session, user, organization, owner check, facts, qualifications, the qualification
    # choices of the rows: none per row.
    with django_assert_max_num_queries(10):
        assert owner.get(url(liugang)).status_code == 200


@pytest.fixture
def condition(pilot_base):
    return ManualCondition.objects.create(
        program=pilot_base, text_zh="近三年未发生重大安全事故",
        text_en="No serious safety accident in three years", clause="近三年内未发生重大安全事故。",
    )


def test_a_firm_confirms_a_condition_on_its_applications_page(
    owner, liugang, pilot_base, condition
):
    application = Application.objects.get(organization=liugang, program=pilot_base)
    page = f"/my/applications/{application.pk}/"
    box = f'value="{condition.pk}" form="confirm-{application.pk}"'
    assert box in owner.get(page).content.decode()

    response = owner.post(
        f"/my/applications/{application.pk}/confirmations/", {"conditions": [condition.pk]}
    )

    assert response.status_code == 302
    confirmation = ConditionConfirmation.objects.get()
    assert confirmation.confirmed_by.email == "liugang@example.com"
    assert " checked>" in owner.get(page).content.decode()


def test_a_condition_of_another_program_cannot_be_confirmed(owner, liugang, pilot_base, condition):
    application = Application.objects.get(organization=liugang, program=pilot_base)
    next_edition = clone_as_next_edition(pilot_base)
    other = ManualCondition.objects.create(program=next_edition, text_zh="某条件")

    owner.post(f"/my/applications/{application.pk}/confirmations/", {"conditions": [other.pk]})

    assert not ConditionConfirmation.objects.exists()
    page = owner.get(f"/my/applications/{application.pk}/").content.decode()
    assert "Those conditions are not this program" in page


def test_another_firms_application_cannot_be_confirmed(
    english_client, other_firm_user, liugang, pilot_base, condition
):
    english_client.force_login(other_firm_user)
    application = Application.objects.get(organization=liugang, program=pilot_base)

    response = english_client.post(
        f"/my/applications/{application.pk}/confirmations/", {"conditions": [condition.pk]}
    )

    assert response.status_code == 404
    assert not ConditionConfirmation.objects.exists()


def test_the_facts_reach_the_applications_verdict(owner, liugang, pilot_base, call_open):
    FactThreshold.objects.create(
        program=pilot_base, fact=Fact.MAIN_REVENUE, year=2024, value=2000,
        clause="2024年主营业务收入不低于2000万元",
    )
    owner.post(url(liugang), facts_post(rows=[("main_revenue", 2024, "1500")]))
    application = Application.objects.get(organization=liugang, program=pilot_base)

    page = owner.get(f"/my/applications/{application.pk}/").content.decode()

    assert "You gave 1500 10,000 yuan, the limit is at least 2000 10,000 yuan." in page
    assert "2024年主营业务收入不低于2000万元" in page
