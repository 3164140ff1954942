import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.admin.formsets import application_post, management
from tracker.models import Application, Organization, OrganizationKind


@pytest.fixture
def liugang_application(liugang, pilot_base):
    return Application.objects.get(organization=liugang, program=pilot_base)


def universities(n):
    return [
        Organization.objects.create(name_zh=f"大学{i}", kind=OrganizationKind.UNIVERSITY)
        for i in range(n)
    ]


def test_a_sixth_co_builder_in_the_admin_is_refused_naming_5(admin_client, liugang_application):
    url = reverse("admin:tracker_application_change", args=[liugang_application.pk])
    response = admin_client.post(url, application_post(liugang_application, universities(4)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "最多 5 个" in page
    assert liugang_application.co_builders.count() == 2


def test_co_builders_up_to_the_limit_are_saved_in_the_admin(admin_client, liugang_application):
    url = reverse("admin:tracker_application_change", args=[liugang_application.pk])
    response = admin_client.post(url, application_post(liugang_application, universities(3)))
    assert response.status_code == 302
    assert liugang_application.co_builders.count() == 5


def test_the_lead_cannot_be_added_as_its_own_co_builder_in_the_admin(
    admin_client, liugang_application, liugang
):
    url = reverse("admin:tracker_application_change", args=[liugang_application.pk])
    response = admin_client.post(url, application_post(liugang_application, [liugang]))
    assert response.status_code == 200
    assert "牵头单位不能同时作为自己的联合共建单位" in response.content.decode()


@pytest.mark.parametrize("program", ["", "not-an-id", "99999999999999999999999"])
def test_adding_an_application_without_a_valid_program_is_a_form_error(
    admin_client, liugang, program
):
    data = {
        "organization": liugang.pk,
        "program": program,
        "status": "interested",
        **management("co_builders", 1, 0),
        "co_builders-0-organization": Organization.objects.exclude(pk=liugang.pk).first().pk,
        **management("ticks", 0, 0),
    }
    count = Application.objects.count()
    response = admin_client.post(reverse("admin:tracker_application_add"), data)
    assert response.status_code == 200
    assert "program" in response.context["adminform"].form.errors
    assert Application.objects.count() == count


def run_action(admin_client, action, *applications):
    return admin_client.post(
        reverse("admin:tracker_application_changelist"),
        {"action": action, "_selected_action": [a.pk for a in applications]},
        follow=True,
    )


def submitted(application):
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    application.refresh_from_db()
    return application


def test_reopen_for_changes_moves_a_submission_back_to_preparing_in_the_history(
    admin_client, liugang_application
):
    submitted(liugang_application)

    response = run_action(admin_client, "reopen_for_changes", liugang_application)

    assert response.status_code == 200
    liugang_application.refresh_from_db()
    assert liugang_application.status == Application.Status.PREPARING
    latest = liugang_application.history.order_by("-history_id").first()
    assert (latest.status, latest.history_user.username) == ("preparing", "admin")


def test_reopen_works_after_the_deadline_too(admin_client, liugang_application):
    submitted(liugang_application)

    with time_machine.travel(dt.datetime(2025, 5, 1, tzinfo=dt.UTC), tick=False):
        run_action(admin_client, "reopen_for_changes", liugang_application)

    liugang_application.refresh_from_db()
    assert liugang_application.status == Application.Status.PREPARING


def test_reopen_leaves_an_application_that_is_not_submitted_alone(
    admin_client, liugang_application
):
    Application.objects.filter(pk=liugang_application.pk).update(status="withdrawn")

    response = run_action(admin_client, "reopen_for_changes", liugang_application)

    liugang_application.refresh_from_db()
    assert liugang_application.status == Application.Status.WITHDRAWN
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]


@pytest.mark.parametrize(
    "action, outcome", [("mark_certified", "certified"), ("mark_rejected", "rejected")]
)
def test_an_administrator_records_the_authoritys_decision(
    admin_client, liugang_application, action, outcome
):
    submitted(liugang_application)

    run_action(admin_client, action, liugang_application)

    liugang_application.refresh_from_db()
    assert liugang_application.status == outcome


def test_a_saved_applications_status_is_not_a_form_field(admin_client, liugang_application):
    url = reverse("admin:tracker_application_change", args=[liugang_application.pk])

    form = admin_client.get(url).context["adminform"].form

    assert "status" not in form.fields


def test_the_co_builder_inline_shows_the_confirmation_but_cannot_set_it(
    admin_client, liugang_application
):
    url = reverse("admin:tracker_application_change", args=[liugang_application.pk])
    response = admin_client.get(url)

    formset = response.context["inline_admin_formsets"][0]
    assert {"confirmed_at", "confirmed_by"} <= set(formset.readonly_fields)
    assert "confirmed_at" not in formset.formset.form.base_fields
