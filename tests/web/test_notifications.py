"""The notification centre (站内信), the header's unread count and the alert settings, through
HTTP as a member uses them."""

import pytest

from tests.factories import make_programs, opt_in
from tracker.eligibility import Profile
from tracker.models import (
    AlertDelivery,
    AlertMessage,
    AlertPreference,
    Membership,
    Organization,
    Region,
    Sector,
)
from tracker.notifications import alerts
from tracker.services.organizations import save_organization_profile


@pytest.fixture
def dflz_member(other_firm_user, pilot_base, call_open):
    """东风柳汽's member opted in, and the sweep told it of the pilot-base call."""
    opt_in(other_firm_user)
    alerts.sweep()
    return other_firm_user


@pytest.fixture
def dflz(english_client, dflz_member):
    english_client.force_login(dflz_member)
    return english_client


def in_app(user):
    return AlertDelivery.objects.filter(user=user, channel="in_app")


def test_the_centre_lists_the_members_alerts_with_a_link_to_the_program(dflz):
    response = dflz.get("/my/notifications/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "A program that may suit you: Pilot base" in html
    assert 'href="/programs/guangxi-pilot-base-2025/"' in html
    assert '<span class="count" aria-label="1 unread">1</span>' in html


def test_another_organizations_member_sees_none_of_them_and_cannot_mark_them(
    english_client, firm_user, dflz_member
):
    english_client.force_login(firm_user)
    [delivery] = in_app(dflz_member)
    html = english_client.get("/my/notifications/").content.decode()
    assert "Pilot base" not in html and 'class="count"' not in html
    response = english_client.post(f"/my/notifications/{delivery.pk}/read/")
    assert response.status_code == 404
    delivery.refresh_from_db()
    assert delivery.read_at is None


def test_a_member_who_left_no_longer_reads_the_teams_alerts(dflz, dflz_member):
    Membership.objects.filter(user=dflz_member).delete()
    assert "Pilot base" not in dflz.get("/my/notifications/").content.decode()


def test_marking_one_read_clears_the_count(dflz, dflz_member):
    [delivery] = in_app(dflz_member)
    response = dflz.post(f"/my/notifications/{delivery.pk}/read/")
    assert response.status_code == 302
    assert 'class="count"' not in dflz.get("/my/notifications/").content.decode()
    # Twice: it is read already, nothing of the member's is left to mark.
    assert dflz.post(f"/my/notifications/{delivery.pk}/read/").status_code == 404


def test_marking_all_read_leaves_none_unread(dflz, dflz_member):
    make_programs(3)
    alerts.sweep()
    assert in_app(dflz_member).filter(read_at=None).count() == 4
    assert dflz.post("/my/notifications/read/").status_code == 302
    assert not in_app(dflz_member).filter(read_at=None).exists()


def test_a_get_changes_nothing(dflz, dflz_member):
    [delivery] = in_app(dflz_member)
    assert dflz.get(f"/my/notifications/{delivery.pk}/read/").status_code == 405
    assert dflz.get("/my/notifications/read/").status_code == 405


def test_the_centre_needs_a_login(english_client, db):
    assert english_client.get("/my/notifications/").status_code == 302


@pytest.mark.parametrize("programs", [1, 20])
def test_the_centre_reads_a_fixed_number_of_queries(
    dflz, dflz_member, programs, django_assert_max_num_queries
):
    make_programs(programs)
    alerts.sweep()
    # The session, the user, the alerts with their programs and organizations, the count.
    with django_assert_max_num_queries(4):
        response = dflz.get("/my/notifications/")
    assert len(response.context["rows"]) == programs + 1


def test_the_settings_page_turns_new_matches_off(dflz, dflz_member):
    response = dflz.get("/my/alerts/")
    assert response.context["form"].initial == {
        "new_match": "immediate", "verdict_change": "immediate", "opened": "immediate",
        "saved_search": "immediate",
    }
    response = dflz.post(
        "/my/alerts/", {"new_match": "off", "verdict_change": "immediate", "opened": "daily",
                        "saved_search": "immediate"}
    )
    assert response.status_code == 302
    assert AlertPreference.objects.get(user=dflz_member, kind="new_match").frequency == "off"
    make_programs(2)
    alerts.sweep()
    assert in_app(dflz_member).count() == 1


def test_an_unknown_frequency_is_a_message_not_a_500(dflz, dflz_member):
    response = dflz.post(
        "/my/alerts/", {"new_match": "hourly", "verdict_change": "off", "opened": "off"}
    )
    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Your alerts were not changed: Select a valid choice.")
    assert AlertPreference.objects.get(user=dflz_member, kind="new_match").frequency == "immediate"


def test_the_reminder_settings_link_to_the_alert_settings(dflz):
    assert 'href="/my/alerts/"' in dflz.get("/my/reminders/").content.decode()


def test_saving_a_self_check_as_the_profile_writes_the_organization(
    english_client, other_firm_user, seeded, call_open
):
    english_client.force_login(other_firm_user)
    dflz = Organization.objects.get(name_zh="东风柳汽")
    materials = Sector.objects.get(code="new-materials").pk
    answers = {"kind": "enterprise", "region_province": "450000", "region_city": "450300",
               "sectors": [str(materials)], "partner_count": "1",
               "partner_kinds": ["university"]}
    page = english_client.get("/check/", answers)
    assert page.context["save_form"].fields["organization"].queryset.get() == dflz

    response = english_client.post(
        "/check/save/", {**answers, "organization": dflz.pk, "alerts": "on"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/check/?kind=enterprise")
    dflz.refresh_from_db()
    assert (dflz.region.code, dflz.partner_kinds) == ("450300", ["university"])
    assert list(dflz.sectors.values_list("pk", flat=True)) == [materials]
    assert AlertPreference.objects.get(user=other_firm_user, kind="new_match").frequency == (
        "immediate"
    )


def test_a_profile_cannot_be_saved_into_another_organization(
    english_client, other_firm_user, liugang, call_open
):
    english_client.force_login(other_firm_user)
    response = english_client.post(
        "/check/save/", {"kind": "university", "organization": liugang.pk}, follow=True
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("The profile was not saved: Select a valid choice.")
    liugang.refresh_from_db()
    assert liugang.kind == "enterprise"


def test_saving_a_profile_matches_it_against_the_programs_matched_before(
    other_firm_user, pilot_base, call_open, django_capture_on_commit_callbacks
):
    """东风柳汽 registered in Beijing when the call was matched; its profile, saved in
    Liuzhou, is matched at once against the call (no new version of the call needed)."""
    dflz = Organization.objects.get(name_zh="东风柳汽")
    dflz.region = Region.objects.get(code="110000")
    dflz.save()
    alerts.sweep()
    assert not AlertMessage.objects.filter(organization=dflz).exists()

    with django_capture_on_commit_callbacks() as queued:
        save_organization_profile(
            other_firm_user, dflz, profile=Profile(region=Region.objects.get(code="450200")),
            alerts=True,
        )
    assert len(queued) == 1
    alerts.sweep(organization_id=dflz.pk)
    assert in_app(other_firm_user).get().message.program == pilot_base
