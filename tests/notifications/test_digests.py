"""Daily and weekly digests: one mail listing every alert since the previous one."""

import datetime

import pytest
import time_machine
from django.core import mail

from tests.factories import make_programs, opt_in
from tracker.models import AlertDelivery, AlertDigest, AlertKind, AlertPreference, Contact
from tracker.notifications import alerts, digests

# Tuesday 1 April 2025, 10:00 in Beijing (the call_open fixture's time).
TUESDAY = datetime.datetime(2025, 4, 1, 2, tzinfo=datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def daily(other_firm_user, pilot_base, call_open):
    """东风柳汽's member takes new matches in a daily digest; the pilot-base call matched."""
    opt_in(other_firm_user, "daily")
    alerts.sweep()
    return other_firm_user


def test_a_daily_reader_gets_no_mail_at_once_but_the_centre_shows_it(daily):
    assert mail.outbox == []
    assert AlertDelivery.objects.filter(user=daily).values_list("channel", flat=True).get() == (
        "in_app"
    )


def test_the_digest_lists_the_alert_with_its_link_once_when_run_twice(daily):
    assert digests.sweep(TUESDAY)["sent"] == 1
    assert digests.sweep(TUESDAY)["sent"] == 0
    [sent] = mail.outbox
    assert sent.to == ["dflz@example.com"]
    assert sent.subject == "每日推送：1条新消息"
    assert "1. 可能适合贵单位的项目：中试基地" in sent.body
    assert "http://127.0.0.1:8000/programs/guangxi-pilot-base-2025/" in sent.body
    assert "http://127.0.0.1:8000/my/notifications/" in sent.body


def test_the_next_digest_lists_only_what_came_since(daily):
    digests.sweep(TUESDAY)
    with time_machine.travel(TUESDAY + DAY, tick=False):
        assert digests.sweep()["planned"] == 0  # nothing new on Wednesday
        make_programs(2)
        alerts.sweep()
    with time_machine.travel(TUESDAY + 2 * DAY, tick=False):
        assert digests.sweep()["sent"] == 1
    latest = mail.outbox[-1]
    assert latest.subject == "每日推送：2条新消息"
    assert "测试项目0" in latest.body and "测试项目1" in latest.body
    assert "/programs/guangxi-pilot-base-2025/" not in latest.body


def test_it_waits_for_the_digest_hour_in_beijing(daily):
    assert digests.sweep(TUESDAY - datetime.timedelta(hours=3))["planned"] == 0  # 07:00


def test_a_weekly_digest_goes_out_on_mondays_in_the_readers_language(daily, seeded):
    AlertPreference.objects.filter(user=daily).update(frequency="weekly")
    Contact.objects.create(
        organization=daily.memberships.get().organization, user=daily, email=daily.email,
        language="en",
    )
    assert digests.sweep(TUESDAY)["planned"] == 0
    monday = TUESDAY + 6 * DAY
    assert digests.sweep(monday)["sent"] == 1
    [sent] = mail.outbox
    assert sent.subject == "Your weekly alerts: 1 new"
    assert AlertDigest.objects.get().frequency == "weekly"


def test_off_sends_no_digest(daily):
    AlertPreference.objects.filter(user=daily).update(frequency="off")
    assert digests.sweep(TUESDAY)["planned"] == 0
    assert mail.outbox == []


@pytest.mark.parametrize("readers", [1, 15])
def test_planning_and_sending_digests_cost_queries_per_batch_not_per_reader(
    daily, django_user_model, readers, django_assert_max_num_queries
):
    from tracker.models import Membership, Organization

    dflz = Organization.objects.get(name_zh="东风柳汽")
    users = django_user_model.objects.bulk_create(
        django_user_model(username=f"r{n}", email=f"r{n}@example.com") for n in range(readers)
    )
    Membership.objects.bulk_create(Membership(user=u, organization=dflz) for u in users)
    AlertPreference.objects.bulk_create(
        AlertPreference(user=u, kind=AlertKind.NEW_MATCH, frequency="daily") for u in users
    )
    alerts.plan_deliveries(AlertKind.NEW_MATCH, TUESDAY, program=dflz.alerts.get().program)
    with django_assert_max_num_queries(2 + 3 * (readers + 1) + 12):
        assert digests.sweep(TUESDAY)["sent"] == readers + 1
