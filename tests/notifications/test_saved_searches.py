"""Saved searches: a member is told once per (search, program) when a program is published or
changed so that the program list would show it under the search."""

import datetime

import pytest
from django.core import mail

from tracker.models import AlertDelivery, AlertMessage, Authority, Organization, SavedSearch
from tracker.notifications import alerts
from tracker.services.alerts import save_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def dflz(seeded):
    return Organization.objects.get(name_zh="东风柳汽")


def saved(user, organization, querystring, name="中试"):
    return save_search(user=user, organization=organization, name=name, querystring=querystring)


def told(search):
    return AlertMessage.objects.filter(kind="saved_search", saved_search=search)


def move_deadline(program, day):
    """An administrator's change of the dates: a new version of the program to plan."""
    program.refresh_from_db()  # as the admin loads it, with the versions planning wrote
    program.deadline = day
    program.save()


def test_a_published_program_in_a_saved_search_tells_its_member_once_when_run_twice(
    pilot_base, dflz, other_firm_user, call_open
):
    search = saved(other_firm_user, dflz, "q=中试基地&status=all")
    alerts.sweep()
    alerts.sweep()
    [message] = told(search)
    assert (message.program, message.organization) == (pilot_base, dflz)
    assert sorted(AlertDelivery.objects.filter(message=message).values_list(
        "user", "channel")) == [(other_firm_user.pk, "email"), (other_firm_user.pk, "in_app")]
    [sent] = mail.outbox  # new matches are off by default; a saved search is asked for
    assert sent.subject == "您保存的搜索“中试”有新项目：中试基地"
    assert "http://127.0.0.1:8000/programs/guangxi-pilot-base-2025/" in sent.body


def test_only_the_member_who_saved_it_is_told(
    pilot_base, dflz, other_firm_user, django_user_model, call_open
):
    colleague = django_user_model.objects.create_user("dflz2", "dflz2@example.com", "pw")
    dflz.memberships.create(user=colleague)
    saved(other_firm_user, dflz, "q=中试基地")
    alerts.sweep()
    assert set(AlertDelivery.objects.filter(message__kind="saved_search")
               .values_list("user", flat=True)) == {other_firm_user.pk}


def test_a_search_the_program_does_not_match_tells_nothing(
    pilot_base, dflz, other_firm_user, call_open
):
    search = saved(other_firm_user, dflz, "deadline_from=2025-05-01")
    alerts.sweep()
    assert not told(search).exists()


def test_a_program_that_matches_only_after_a_change_is_told_then(
    pilot_base, dflz, other_firm_user, call_open
):
    search = saved(other_firm_user, dflz, "deadline_from=2025-05-01")
    alerts.sweep()
    move_deadline(pilot_base, datetime.date(2025, 5, 10))
    alerts.sweep()
    assert told(search).get().version == 2


def test_a_program_that_stops_matching_after_a_change_is_not_told_again(
    pilot_base, dflz, other_firm_user, call_open
):
    search = saved(other_firm_user, dflz, "deadline_to=2025-04-30")
    alerts.sweep()
    assert told(search).count() == 1
    move_deadline(pilot_base, datetime.date(2025, 5, 10))  # out of the search
    alerts.sweep()
    move_deadline(pilot_base, datetime.date(2025, 4, 25))  # back in: told already
    alerts.sweep()
    assert pilot_base.__class__.objects.get(pk=pilot_base.pk).alert_version == 3
    assert told(search).count() == 1
    assert len(mail.outbox) == 1


def test_a_search_whose_filters_no_longer_validate_is_skipped(
    pilot_base, dflz, other_firm_user, call_open
):
    authority = Authority.objects.create(name_zh="已撤销的机关", level="provincial",
                                         region=pilot_base.authority.region)
    broken = saved(other_firm_user, dflz, f"authority={authority.pk}", name="旧机关")
    working = saved(other_firm_user, dflz, "q=中试基地", name="中试")
    authority.delete()
    alerts.sweep()
    assert not told(broken).exists()
    assert told(working).count() == 1


def test_matching_costs_a_fixed_number_of_queries_per_saved_search(
    pilot_base, dflz, other_firm_user, call_open, django_assert_num_queries
):
    authority = pilot_base.authority_id
    for n in range(1, 6):
        SavedSearch.objects.create(
            user=other_firm_user, organization=dflz, name=f"s{n}",
            querystring=f"authority={authority}&deadline_to=2025-04-{20 + n}",
        )
    # The searches, the time zones in use, then for each search its authority (the form's
    # validation) and its INSERT … SELECT, then the in-app and email deliveries.
    with django_assert_num_queries(2 + 2 * 5 + 2):
        assert alerts.plan_saved_searches([pilot_base.pk], call_open) == 5


def test_searches_sharing_a_query_string_are_validated_once(
    pilot_base, dflz, django_user_model, call_open, django_assert_num_queries
):
    for n in range(5):
        user = django_user_model.objects.create_user(f"m{n}", f"m{n}@example.com", "pw")
        dflz.memberships.create(user=user)
        SavedSearch.objects.create(user=user, organization=dflz, name="s",
                                   querystring=f"authority={pilot_base.authority_id}")
    with django_assert_num_queries(2 + 1 + 5 + 2):
        assert alerts.plan_saved_searches([pilot_base.pk], call_open) == 5
