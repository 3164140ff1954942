import datetime

import icalendar
import pytest
from django.urls import reverse

from tracker.models import Application, Milestone, Organization, Program
from tracker.services.programs import clone_as_next_edition


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar):
    return [c for c in calendar.walk("VEVENT")]


def feed_url(organization):
    return reverse("tracker:organization_calendar", args=[organization.calendar_token])


def test_the_program_feed_has_the_deadline_as_an_all_day_event(client, pilot_base):
    calendar = parse(client.get(reverse("tracker:program_calendar", args=[pilot_base.slug])))
    [event] = events(calendar)
    assert event.decoded("dtstart") == datetime.date(2025, 4, 20)
    assert event.decoded("dtend") == datetime.date(2025, 4, 21)
    assert "中试基地" in str(event["summary"])
    assert str(event["url"]).endswith("/programs/guangxi-pilot-base-2025/")
    assert event.walk("VALARM")


def test_a_moved_deadline_keeps_the_uid_and_raises_the_sequence(client, pilot_base):
    url = reverse("tracker:program_calendar", args=[pilot_base.slug])
    [before] = events(parse(client.get(url)))
    pilot_base.deadline = datetime.date(2025, 4, 25)
    pilot_base.save()
    [after] = events(parse(client.get(url)))
    assert after["uid"] == before["uid"]
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    assert after.decoded("dtstart") == datetime.date(2025, 4, 25)


def test_the_program_feed_lists_every_stage(client, pilot_base):
    Milestone.objects.create(
        program=pilot_base, title_zh="县级推荐截止", due_on=datetime.date(2025, 4, 25),
        audience=Milestone.Audience.BUREAU,
    )
    calendar = parse(client.get(reverse("tracker:program_calendar", args=[pilot_base.slug])))
    assert len(events(calendar)) == 2


def test_an_unpublished_program_has_no_feed(client, pilot_base):
    Program.objects.filter(pk=pilot_base.pk).update(is_published=False)
    response = client.get(reverse("tracker:program_calendar", args=[pilot_base.slug]))
    assert response.status_code == 404


def test_the_organization_feed_lists_the_deadlines_it_tracks(
    client, liugang, pilot_base, django_assert_max_num_queries
):
    for n in range(3):
        edition = clone_as_next_edition(pilot_base)
        edition.opens_on = datetime.date(2026 + n, 3, 1)
        edition.deadline = datetime.date(2026 + n, 4, 20)
        edition.is_published = True
        edition.save()
        Application.objects.create(organization=liugang, program=edition)
    with django_assert_max_num_queries(2):
        calendar = parse(client.get(feed_url(liugang)))
    starts = sorted(event.decoded("dtstart") for event in events(calendar))
    assert starts == [datetime.date(y, 4, 20) for y in (2025, 2026, 2027, 2028)]


def test_the_organization_feed_leaves_out_withdrawn_programs_and_bureau_stages(
    client, liugang, pilot_base
):
    Milestone.objects.create(
        program=pilot_base, title_zh="县级推荐截止", due_on=datetime.date(2025, 4, 25),
        audience=Milestone.Audience.BUREAU,
    )
    assert len(events(parse(client.get(feed_url(liugang))))) == 1
    Application.objects.filter(organization=liugang).update(status=Application.Status.WITHDRAWN)
    assert events(parse(client.get(feed_url(liugang)))) == []


def test_another_organizations_programs_are_not_in_the_feed(client, seeded):
    other = Organization.objects.get(name_zh="东风柳汽")
    assert events(parse(client.get(feed_url(other)))) == []


@pytest.mark.parametrize("token", ["forged", "x" * 43, ""])
def test_a_forged_token_is_refused(client, seeded, token):
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 404


def test_resetting_the_address_retires_the_old_one(client, firm_user, liugang):
    old = feed_url(liugang)
    client.force_login(firm_user)
    response = client.post(reverse("tracker:calendar_reset", args=[liugang.pk]))
    assert response.status_code == 302
    liugang.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(feed_url(liugang)).status_code == 200


def test_a_member_cannot_reset_another_organizations_address(client, other_firm_user, liugang):
    client.force_login(other_firm_user)
    response = client.post(reverse("tracker:calendar_reset", args=[liugang.pk]))
    assert response.status_code == 404


def test_the_dashboard_shows_the_private_feed_address(client, firm_user, liugang):
    client.force_login(firm_user)
    page = client.get(reverse("tracker:dashboard")).content.decode()
    assert liugang.calendar_token in page


def test_each_organization_gets_its_own_token(seeded):
    tokens = set(Organization.objects.values_list("calendar_token", flat=True))
    assert len(tokens) == Organization.objects.count()
    assert all(len(token) >= 40 for token in tokens)



def test_line_breaks_in_a_title_do_not_break_the_feed(client, pilot_base):
    Program.objects.filter(pk=pilot_base.pk).update(short_name_zh="中试\r\n基地")
    calendar = parse(client.get(reverse("tracker:program_calendar", args=[pilot_base.slug])))
    assert str(events(calendar)[0]["summary"]).startswith("中试 基地:")
