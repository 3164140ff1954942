import datetime
import threading

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from tracker.models import Application, CoBuilder, Membership, Organization, OrganizationKind
from tracker.services.applications import (
    add_co_builder,
    add_new_partner,
    change_status,
    confirm_partnership,
    decline_partnership,
    remove_co_builder,
    set_ticked_items,
)


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


# Status transitions and the lock that submitting puts on the checklist and the partners.

CLOSED = datetime.datetime(2025, 4, 21, 2, tzinfo=datetime.timezone.utc)  # 10:00 in Beijing


def with_status(application, status):
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return application


@pytest.mark.parametrize(
    "current, new",
    [
        ("interested", "preparing"),
        ("interested", "withdrawn"),
        ("preparing", "submitted"),
        ("preparing", "withdrawn"),
        ("submitted", "preparing"),
        ("submitted", "withdrawn"),
        ("withdrawn", "preparing"),
    ],
)
def test_a_firm_makes_each_of_its_moves_while_the_program_is_open(
    liugang_application, call_open, current, new
):
    change_status(with_status(liugang_application, current), new)

    assert liugang_application.status == new
    liugang_application.refresh_from_db()
    assert liugang_application.status == new


@pytest.mark.parametrize("outcome", ["certified", "rejected"])
def test_only_an_administrator_records_the_outcome(liugang_application, outcome):
    with_status(liugang_application, "submitted")

    with pytest.raises(ValidationError) as info:
        change_status(liugang_application, outcome)
    assert info.value.error_dict["status"][0].code == "status_admin_only"

    change_status(liugang_application, outcome, by_admin=True)
    liugang_application.refresh_from_db()
    assert liugang_application.status == outcome


def test_an_outcome_needs_a_submitted_application_even_for_an_administrator(liugang_application):
    with pytest.raises(ValidationError) as info:
        change_status(liugang_application, "certified", by_admin=True)

    assert info.value.error_dict["status"][0].code == "status_transition"


@pytest.mark.parametrize("current", ["submitted", "withdrawn"])
def test_after_the_deadline_a_firm_cannot_go_back_to_preparing(liugang_application, current):
    with_status(liugang_application, current)

    with time_machine.travel(CLOSED, tick=False), pytest.raises(ValidationError) as info:
        change_status(liugang_application, "preparing")

    error = info.value.error_dict["status"][0]
    assert error.code == "status_program_closed"
    assert str(error.params["new"]) == str(Application.Status.PREPARING.label)
    liugang_application.refresh_from_db()
    assert liugang_application.status == current


def test_after_the_deadline_an_administrator_still_reopens_a_submission(liugang_application):
    with_status(liugang_application, "submitted")

    with time_machine.travel(CLOSED, tick=False):
        change_status(liugang_application, "preparing", by_admin=True)

    liugang_application.refresh_from_db()
    assert liugang_application.status == "preparing"


def test_the_transition_is_judged_on_the_stored_status_not_a_stale_copy(liugang_application):
    stale = Application.objects.get(pk=liugang_application.pk)  # loaded while preparing
    change_status(liugang_application, "withdrawn")

    with pytest.raises(ValidationError):
        change_status(stale, "submitted")


def test_each_status_change_is_recorded_in_the_history(liugang_application, call_open):
    change_status(liugang_application, "submitted")
    change_status(liugang_application, "preparing")

    history = liugang_application.history.order_by("history_id")
    assert list(history.values_list("status", flat=True))[-2:] == ["submitted", "preparing"]


@pytest.mark.parametrize("status", ["submitted", "certified", "rejected"])
def test_a_submitted_application_refuses_ticks_and_partner_changes(liugang_application, status):
    with_status(liugang_application, status)
    item = liugang_application.program.checklist_items.first()
    partner = make_partners(1)[0]
    co_builder = liugang_application.co_builders.first()

    attempts = [
        ("items", lambda: set_ticked_items(liugang_application, [item], None)),
        ("organization", lambda: add_co_builder(liugang_application, partner)),
        ("organization", lambda: remove_co_builder(co_builder)),
    ]
    for field, attempt in attempts:
        with pytest.raises(ValidationError) as info:
            attempt()
        assert info.value.error_dict[field][0].code == "application_locked"

    assert not liugang_application.ticks.exists()
    assert liugang_application.co_builders.count() == 2


def test_back_in_preparation_the_checklist_and_partners_change_again(
    liugang_application, call_open
):
    with_status(liugang_application, "submitted")
    change_status(liugang_application, "preparing")
    item = liugang_application.program.checklist_items.first()

    set_ticked_items(liugang_application, [item], None)
    add_co_builder(liugang_application, make_partners(1)[0])

    assert liugang_application.ticks.count() == 1
    assert liugang_application.co_builders.count() == 3


# --- Partners entered by the lead and their confirmation ------------------------------------------
CODE = "91350100M000100Y43"


@pytest.fixture
def partner_owner(django_user_model):
    """An owner of 广西大学, which has an account."""
    user = django_user_model.objects.create_user("gxu", "owner@gxu.example.com", "pw")
    organization = Organization.objects.create(name_zh="广西大学", kind=OrganizationKind.UNIVERSITY)
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.OWNER)
    return user


def test_an_added_partner_waits_for_its_owners_who_are_emailed(
    liugang_application, partner_owner, firm_user, django_capture_on_commit_callbacks
):
    partner = Organization.objects.get(name_zh="广西大学")

    with django_capture_on_commit_callbacks(execute=True):
        co_builder = add_co_builder(liugang_application, partner, by=firm_user)

    assert co_builder.confirmed_at is None and co_builder.added_by == firm_user
    [message] = mail.outbox
    assert message.to == ["owner@gxu.example.com"]
    assert "柳钢集团" in message.subject and "广西大学" in message.body


def test_a_partner_the_adding_user_owns_is_confirmed_at_once_without_mail(
    liugang_application, partner_owner, django_capture_on_commit_callbacks
):
    partner = Organization.objects.get(name_zh="广西大学")

    with django_capture_on_commit_callbacks(execute=True):
        co_builder = add_co_builder(liugang_application, partner, by=partner_owner)

    assert co_builder.confirmed_by == partner_owner and co_builder.confirmed_at is not None
    assert mail.outbox == []


def test_a_new_partner_is_created_with_its_unit_unconfirmed(liugang_application, firm_user):
    co_builder = add_new_partner(
        liugang_application, name_zh="广西新材料研究院", kind="research_institute",
        credit_code=CODE.lower(), by=firm_user,
    )

    organization = co_builder.organization
    assert organization.added_by == firm_user and organization.credit_code == CODE
    assert not organization.memberships.exists()
    assert co_builder.confirmed_at is None


def test_a_new_partner_refused_by_the_limit_leaves_no_organization_behind(
    liugang_application, firm_user
):
    for partner in make_partners(3):
        add_co_builder(liugang_application, partner)

    with pytest.raises(ValidationError) as info:
        add_new_partner(
            liugang_application, name_zh="第六个单位", kind="university", by=firm_user
        )

    assert info.value.code == "max_co_builders"
    assert not Organization.objects.filter(name_zh="第六个单位").exists()


def test_a_new_partner_with_a_registered_credit_code_is_refused_naming_the_existing_one(
    liugang_application, firm_user
):
    Organization.objects.create(name_zh="已登记大学", kind="university", credit_code=CODE)

    with pytest.raises(ValidationError) as info:
        add_new_partner(
            liugang_application, name_zh="重复录入", kind="university",
            credit_code=f" {CODE.lower()} ", by=firm_user,
        )

    [error] = info.value.error_dict["credit_code"]
    assert error.code == "partner_credit_code_taken" and error.params["name"] == "已登记大学"
    assert not Organization.objects.filter(name_zh="重复录入").exists()


def test_a_new_partner_with_an_invalid_credit_code_is_refused_on_that_field(
    liugang_application, firm_user
):
    with pytest.raises(ValidationError) as info:
        add_new_partner(
            liugang_application, name_zh="某单位", kind="other", credit_code="123", by=firm_user
        )

    assert info.value.error_dict["credit_code"][0].code == "credit_code_length"
    assert not Organization.objects.filter(name_zh="某单位").exists()


def test_confirming_records_who_and_when(liugang_application, partner_owner, call_open):
    co_builder = add_co_builder(liugang_application, Organization.objects.get(name_zh="广西大学"))

    confirm_partnership(co_builder, by=partner_owner)

    co_builder.refresh_from_db()
    assert co_builder.confirmed_by == partner_owner
    assert co_builder.confirmed_at == call_open


def test_declining_a_submitted_applications_unit_removes_it_and_tells_the_lead(
    liugang_application, partner_owner, firm_user, django_capture_on_commit_callbacks
):
    co_builder = add_co_builder(liugang_application, Organization.objects.get(name_zh="广西大学"))
    Application.objects.filter(pk=liugang_application.pk).update(status="submitted")

    with django_capture_on_commit_callbacks(execute=True):
        decline_partnership(co_builder, by=partner_owner)

    assert not CoBuilder.objects.filter(pk=co_builder.pk).exists()
    assert CoBuilder.history.filter(id=co_builder.pk, history_type="-").exists()
    [message] = mail.outbox
    assert message.to == ["liugang@example.com"]
    assert "广西大学" in message.subject and "该申报已提交" in message.body
