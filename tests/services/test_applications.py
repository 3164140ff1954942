import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from tracker.models import Application, CoBuilder, Organization, OrganizationKind
from tracker.services.applications import add_co_builder


def make_partners(n, prefix="合作单位"):
    return [
        Organization.objects.create(name_zh=f"{prefix}{i}", kind=OrganizationKind.UNIVERSITY)
        for i in range(n)
    ]


@pytest.fixture
def liugang_application(liugang, pilot_base):
    """柳钢集团's seeded application, with 北京科技大学 and 武汉科技大学 already co-building."""
    return Application.objects.get(organization=liugang, program=pilot_base)


def test_the_seeded_application_has_its_two_university_partners(liugang_application):
    names = {c.organization.name_zh for c in liugang_application.co_builders.all()}
    assert names == {"北京科技大学", "武汉科技大学"}


def test_it_adds_co_builders_up_to_the_limit_of_5(liugang_application):
    for partner in make_partners(3):
        add_co_builder(liugang_application, partner)
    assert liugang_application.co_builders.count() == 5


def test_it_refuses_a_sixth_co_builder_naming_the_limit(liugang_application):
    for partner in make_partners(3):
        add_co_builder(liugang_application, partner)
    sixth = make_partners(1, prefix="第六家")[0]
    with pytest.raises(ValidationError) as info:
        add_co_builder(liugang_application, sixth)
    assert info.value.code == "max_co_builders"
    assert info.value.params == {"limit": 5, "count": 6}
    assert "5" in info.value.messages[0]
    assert liugang_application.co_builders.count() == 5


def test_it_allows_any_number_when_the_program_has_no_limit(liugang_application):
    program = liugang_application.program
    program.max_co_builders = None
    program.save()
    for partner in make_partners(6):
        add_co_builder(liugang_application, partner)
    assert liugang_application.co_builders.count() == 8


def test_it_refuses_the_lead_as_its_own_co_builder(liugang_application, liugang):
    with pytest.raises(ValidationError) as info:
        add_co_builder(liugang_application, liugang)
    assert info.value.error_dict["organization"][0].code == "co_builder_is_lead"


def test_it_refuses_the_same_partner_twice(liugang_application):
    partner = liugang_application.co_builders.first().organization
    with pytest.raises(ValidationError) as info:
        add_co_builder(liugang_application, partner)
    assert info.value.error_dict["organization"][0].code == "co_builder_duplicate"


def test_the_database_refuses_a_duplicate_partner_row(liugang_application):
    partner = liugang_application.co_builders.first().organization
    with pytest.raises(IntegrityError), transaction.atomic():
        CoBuilder.objects.create(application=liugang_application, organization=partner)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_cannot_both_add_the_fifth_partner(seeded):
    """Both threads see 4 co-builders; the row lock makes the second one count again."""
    application = Application.objects.get(organization__name_zh="柳钢集团")
    for partner in make_partners(2):
        add_co_builder(application, partner)
    candidates = make_partners(2, prefix="并发")
    barrier = threading.Barrier(2)
    outcomes = []

    def add(partner):
        try:
            barrier.wait(timeout=10)
            add_co_builder(Application.objects.get(pk=application.pk), partner)
            outcomes.append("added")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(p,)) for p in candidates]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["added", "max_co_builders"]
    assert application.co_builders.count() == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_partner_submitted_twice_at_once_is_added_once_without_an_error_page(seeded):
    application = Application.objects.get(organization__name_zh="柳钢集团")
    partner = make_partners(1, prefix="重复")[0]
    barrier = threading.Barrier(2)
    outcomes = []

    def add():
        try:
            barrier.wait(timeout=10)
            add_co_builder(Application.objects.get(pk=application.pk), partner)
            outcomes.append("added")
        except ValidationError as exc:
            outcomes.append(exc.error_dict["organization"][0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=add) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["added", "co_builder_duplicate"]
