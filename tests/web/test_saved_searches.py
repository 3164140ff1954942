"""Saved searches through HTTP: saved from the program list, listed and deleted on the alert
settings page, within a limit, only one's own."""

import pytest

from tracker.models import Authority, Organization, SavedSearch

pytestmark = pytest.mark.django_db


@pytest.fixture
def dflz(seeded):
    return Organization.objects.get(name_zh="东风柳汽")


@pytest.fixture
def member(english_client, other_firm_user):
    english_client.force_login(other_firm_user)
    return english_client


def save(client, organization, querystring, name="Pilot bases"):
    return client.post("/my/searches/", {
        "name": name, "organization": organization.pk, "querystring": querystring,
    }, follow=True)


def test_the_list_offers_members_to_save_its_filters(member, pilot_base, call_open):
    html = member.get("/programs/?q=中试&status=all").content.decode()
    assert 'action="/my/searches/"' in html
    assert 'name="querystring" value="q=%E4%B8%AD%E8%AF%95&amp;status=all"' in html


def test_the_list_offers_nothing_to_save_to_a_visitor(client, pilot_base, call_open):
    assert 'action="/my/searches/"' not in client.get("/programs/").content.decode()


def test_a_member_saves_the_lists_filters_and_goes_back_to_the_list(
    member, other_firm_user, dflz, pilot_base, call_open
):
    response = save(member, dflz, "q=old&status=all&page=2&q=中试&sector=&utm_source=wx")
    [search] = SavedSearch.objects.filter(user=other_firm_user)
    # Only the filters the list reads (the last keywords), none empty, no page, in a fixed
    # order: the same filters, one key.
    assert search.querystring == "q=%E4%B8%AD%E8%AF%95&status=all"
    assert response.redirect_chain == [(f"/programs/?{search.querystring}", 302)]
    assert "Search “Pilot bases” saved" in response.content.decode()
    html = member.get("/my/alerts/").content.decode()
    assert 'href="/programs/?q=%E4%B8%AD%E8%AF%95&amp;status=all">Pilot bases</a>' in html
    again = save(member, dflz, "q=中试&status=all", name="Twice")
    assert "You saved this search already, as “Pilot bases”." in again.content.decode()
    assert SavedSearch.objects.count() == 1


def test_the_twenty_first_search_is_refused_naming_the_limit(
    member, other_firm_user, dflz, call_open
):
    SavedSearch.objects.bulk_create(
        SavedSearch(user=other_firm_user, organization=dflz, name=f"s{n}",
                    querystring=f"q=word{n}")
        for n in range(SavedSearch.LIMIT)
    )
    response = save(member, dflz, "q=one-more")
    assert "You can keep at most 20 saved searches: delete one first." in (
        response.content.decode()
    )
    assert SavedSearch.objects.count() == SavedSearch.LIMIT


def test_bad_filters_or_a_foreign_organization_save_nothing(
    member, dflz, liugang, pilot_base, call_open
):
    bad = save(member, dflz, "deadline_from=2025-13-01").content.decode()
    assert "These filters cannot be saved: Deadline from: Give the date as YYYY-MM-DD" in bad
    foreign = save(member, liugang, "q=中试").content.decode()
    assert "Choose one of your organizations." in foreign
    nameless = save(member, dflz, "q=中试", name=" ").content.decode()
    assert "Give the search a name." in nameless
    assert not SavedSearch.objects.exists()


def test_another_members_search_cannot_be_deleted(
    member, firm_user, liugang, other_firm_user, dflz
):
    theirs = SavedSearch.objects.create(user=firm_user, organization=liugang, name="x")
    mine = SavedSearch.objects.create(user=other_firm_user, organization=dflz, name="y")
    assert member.post(f"/my/searches/{theirs.pk}/delete/").status_code == 404
    assert member.post(f"/my/searches/{mine.pk}/delete/").status_code == 302
    assert list(SavedSearch.objects.values_list("name", flat=True)) == ["x"]


def test_a_search_whose_filters_no_longer_validate_says_so_not_a_500(
    member, other_firm_user, dflz, pilot_base
):
    authority = Authority.objects.create(name_zh="已撤销的机关", level="provincial",
                                         region=pilot_base.authority.region)
    SavedSearch.objects.create(user=other_firm_user, organization=dflz, name="Old authority",
                               querystring=f"authority={authority.pk}")
    authority.delete()
    response = member.get("/my/alerts/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "These filters no longer work, so this search tells you nothing:" in html
    assert "Issuing authority: Select a valid choice." in html


def test_the_settings_page_reads_a_bounded_number_of_queries(
    member, other_firm_user, dflz, pilot_base, django_assert_max_num_queries
):
    SavedSearch.objects.bulk_create(
        SavedSearch(user=other_firm_user, organization=dflz, name=f"s{n}",
                    querystring=f"authority={pilot_base.authority_id}&q=w{n}")
        for n in range(SavedSearch.LIMIT)
    )
    # The session, the user, the unread count, the preferences, the searches with their
    # organizations, then each search's authority (its filters validated): at most LIMIT.
    with django_assert_max_num_queries(5 + SavedSearch.LIMIT):
        assert member.get("/my/alerts/").status_code == 200
