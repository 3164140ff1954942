import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from tracker.models import Milestone, Program, ZoneTime

D = datetime.date


def test_the_seed_program_is_open_on_its_opening_day(pilot_base):
    assert pilot_base.status_on(D(2025, 3, 26)) == Program.Status.UPCOMING
    assert pilot_base.status_on(D(2025, 3, 27)) == Program.Status.OPEN


def test_it_is_closing_within_14_days_of_the_deadline(pilot_base):
    assert pilot_base.status_on(D(2025, 4, 5)) == Program.Status.OPEN
    assert pilot_base.status_on(D(2025, 4, 6)) == Program.Status.CLOSING
    assert pilot_base.status_on(D(2025, 4, 20)) == Program.Status.CLOSING


def test_it_is_closed_the_day_after_the_deadline(pilot_base):
    assert pilot_base.status_on(D(2025, 4, 21)) == Program.Status.CLOSED


def test_status_filter_agrees_with_status_on(pilot_base):
    for day in [D(2025, 3, 1), D(2025, 3, 30), D(2025, 4, 10), D(2025, 4, 20), D(2025, 5, 1)]:
        status = pilot_base.status_on(day)
        # 07:30 in Beijing, still the day before in UTC: the filter judges on Beijing's date.
        now = datetime.datetime.combine(day, datetime.time(7, 30), tzinfo=pilot_base.tzinfo)
        assert list(Program.objects.with_status(status, now)) == [pilot_base]


def test_status_filter_judges_each_program_on_its_own_time_zones_date(pilot_base):
    pilot_base.timezone = "Pacific/Honolulu"
    pilot_base.save()
    # 2025-04-21 07:30 in Beijing is still 2025-04-20 in Honolulu: the call is open there.
    now = datetime.datetime(2025, 4, 20, 23, 30, tzinfo=datetime.timezone.utc)
    assert list(Program.objects.taking_applications(now)) == [pilot_base]
    assert not Program.objects.with_status(Program.Status.CLOSED, now).exists()


def test_days_left_is_zero_on_the_deadline_day(pilot_base):
    assert pilot_base.days_left(D(2025, 4, 20)) == 0
    assert pilot_base.days_left(D(2025, 4, 13)) == 7


def test_local_today_is_the_shanghai_date_not_the_utc_date(pilot_base):
    # 07:30 in Shanghai on 1 April is still 31 March in UTC.
    now = datetime.datetime(2025, 3, 31, 23, 30, tzinfo=datetime.timezone.utc)
    assert pilot_base.local_today(now) == D(2025, 4, 1)



def test_a_deadline_before_the_opening_date_is_refused_by_the_database(pilot_base):
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=pilot_base.pk).update(deadline=D(2025, 3, 1))


def test_a_deadline_before_the_opening_date_is_a_form_error_on_the_deadline(pilot_base):
    pilot_base.deadline = D(2025, 3, 1)
    with pytest.raises(ValidationError) as info:
        pilot_base.full_clean()
    assert info.value.error_dict["deadline"][0].code == "deadline_before_opening"


def test_a_published_program_needs_both_dates(pilot_base):
    pilot_base.opens_on = None
    with pytest.raises(ValidationError) as info:
        pilot_base.full_clean()
    assert info.value.error_dict["opens_on"][0].code == "required_when_published"


def test_reminder_days_out_of_range_name_the_limit(pilot_base):
    pilot_base.reminder_days = [30, 400]
    with pytest.raises(ValidationError) as info:
        pilot_base.full_clean()
    assert info.value.error_dict["reminder_days"][0].params == {"limit": 365}


def test_an_unknown_time_zone_is_refused(pilot_base):
    pilot_base.timezone = "Mars/Olympus"
    with pytest.raises(ValidationError) as info:
        pilot_base.full_clean()
    assert "timezone" in info.value.error_dict


def test_the_deadline_milestone_follows_the_program_deadline(pilot_base):
    milestone = pilot_base.milestones.get(kind=Milestone.Kind.DEADLINE)
    assert (milestone.due_on, milestone.version) == (D(2025, 4, 20), 1)
    pilot_base.deadline = D(2025, 4, 25)
    pilot_base.save()
    milestone.refresh_from_db()
    assert (milestone.due_on, milestone.version) == (D(2025, 4, 25), 2)


def test_a_program_has_at_most_one_deadline_milestone(pilot_base):
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(
            program=pilot_base, kind=Milestone.Kind.DEADLINE, title_zh="x", due_on=D(2025, 4, 1)
        )


# --- A zone in prose ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("zone", "chinese", "english"),
    [
        ("Asia/Shanghai", "北京时间", "Beijing time"),
        ("Asia/Hong_Kong", "香港时间", "Hong Kong time"),
        ("Europe/Berlin", "Europe/Berlin时间", "Europe/Berlin time"),
    ],
)
def test_a_zone_reads_as_its_own_name_never_as_asia_shanghai(zone, chinese, english):
    with translation.override("zh-hans"):
        assert str(ZoneTime(zone)) == chinese
    with translation.override("en"):
        assert str(ZoneTime(zone)) == english
