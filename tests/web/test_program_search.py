"""The program list's keyword search and filters, through the page readers use."""

import datetime

import pytest
import time_machine

from tracker.models import Authority, OrganizationKind, Program, Region, Sector
from tracker.services.programs import clone_as_next_edition, set_priority_sectors

SLUG = "guangxi-pilot-base-2025"


def slugs(response):
    return [row["program"].slug for row in response.context["rows"]]


def search(client, **params):
    return client.get("/programs/", {"status": "all", **params})


@pytest.fixture
def incubator(pilot_base, call_open):
    """A county program with a subsidy, posted a month after the pilot-base call."""
    county = Region.objects.get(code="450202")
    authority = Authority.objects.create(
        name_zh="柳州市城中区科技局", name_en="Chengzhong District S&T Bureau",
        level=Authority.Level.DISTRICT, region=county,
    )
    program = Program.objects.create(
        slug="chengzhong-incubator-2025", year=2025, authority=authority,
        title_zh="城中区科技企业孵化器运营补贴", title_en="Chengzhong incubator operating subsidy",
        summary_zh="对区内认定的孵化器给予运营补贴。",
        benefits_zh="每家最高补贴50万元。", benefit_kind=Program.BenefitKind.FUNDING,
        source_publication="城中区科技局通知", opens_on=datetime.date(2025, 3, 20),
        deadline=datetime.date(2025, 6, 30), eligible_kinds=[OrganizationKind.ENTERPRISE],
        is_published=True,
    )
    program.regions.set([county])
    return program


@pytest.mark.parametrize(
    "term", ["中试", "基地", "试研", "科技厅", "Pilot", "pilot-scale", "certif", "ＰＩＬＯＴ"]
)
def test_two_character_chinese_terms_and_english_words_find_the_pilot_base(
    client, pilot_base, term
):
    assert slugs(search(client, q=term)) == [SLUG]


@pytest.mark.parametrize("term", ["孵化", "补贴", "孵化器补贴", "incubator"])
def test_it_finds_the_incubator_by_its_two_character_words(client, incubator, term):
    assert slugs(search(client, q=term)) == [incubator.slug]


def test_a_sector_name_and_the_authority_are_searched_too(client, pilot_base):
    assert slugs(search(client, q="低空经济")) == [SLUG]
    assert slugs(search(client, q="自治区科技厅")) == [SLUG]


def test_every_word_of_the_query_must_match(client, pilot_base, incubator):
    assert slugs(search(client, q="中试 孵化")) == []
    assert slugs(search(client, q="科技")) == [SLUG, incubator.slug]


def test_a_title_match_ranks_above_a_summary_match(client, pilot_base, incubator):
    pilot_base.summary_zh += "也面向孵化器。"
    pilot_base.save()

    assert slugs(search(client, q="孵化器")) == [incubator.slug, SLUG]


def test_matched_words_are_marked_and_the_text_stays_escaped(client, pilot_base):
    pilot_base.title_zh = "<script>alert(1)</script>中试基地认定"
    pilot_base.save()

    body = search(client, q="中试").content.decode()

    assert "<mark>中试</mark>基地认定" in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body


def test_a_query_with_markup_is_shown_escaped(client, pilot_base):
    body = search(client, q='<img src=x onerror="alert(1)">').content.decode()

    assert "<img src=x" not in body


def test_an_edit_reaches_the_index_at_once(client, pilot_base, staff_user):
    assert slugs(search(client, q="氢能")) == []

    pilot_base.title_zh = "2025年氢能中试基地认定"
    pilot_base.save()
    assert slugs(search(client, q="氢能")) == [SLUG]

    hydrogen = Sector.objects.create(code="hydrogen", name_zh="新型储能")
    set_priority_sectors(pilot_base, [hydrogen])
    assert slugs(search(client, q="储能")) == [SLUG]
    hydrogen.name_zh = "氢燃料电池"
    hydrogen.save()
    assert slugs(search(client, q="储能")) == []
    assert slugs(search(client, q="燃料电池")) == [SLUG]

    authority = pilot_base.authority
    authority.name_en = "Guangxi Department of Science and Technology"
    authority.save()
    assert slugs(search(client, q="department")) == [SLUG]


def test_a_clone_is_found_once_published(client, pilot_base):
    clone = clone_as_next_edition(pilot_base)
    assert slugs(search(client, q="中试")) == [SLUG]

    clone.opens_on, clone.deadline, clone.is_published = (
        datetime.date(2026, 3, 1), datetime.date(2026, 4, 20), True
    )
    clone.save()
    assert set(slugs(search(client, q="中试"))) == {SLUG, clone.slug}


def test_a_county_firm_sees_its_provinces_programs(client, pilot_base, incubator):
    # 城中区 (450202) lies in Liuzhou (450200), in Guangxi (450000), the pilot base's region.
    assert slugs(search(client, region="450202")) == [SLUG, incubator.slug]
    assert slugs(search(client, region="450200")) == [SLUG, incubator.slug]
    assert slugs(search(client, region="450000")) == [SLUG, incubator.slug]
    # Another Liuzhou county: the province's program, not 城中区's.
    assert slugs(search(client, region="450203")) == [SLUG]
    assert slugs(search(client, region="110000")) == []


def test_a_program_for_anywhere_appears_for_every_region(client, pilot_base):
    pilot_base.regions.clear()

    assert slugs(search(client, region="110101")) == [SLUG]


def test_it_filters_by_level_kind_benefit_and_deadline(client, pilot_base, incubator):
    assert slugs(search(client, level="district")) == [incubator.slug]
    assert slugs(search(client, level="provincial")) == [SLUG]
    assert slugs(search(client, kind="university")) == [SLUG]
    assert slugs(search(client, kind="enterprise")) == [SLUG, incubator.slug]
    assert slugs(search(client, benefit="funding")) == [incubator.slug]
    assert slugs(search(client, deadline_from="2025-05-01")) == [incubator.slug]
    assert slugs(search(client, deadline_to="2025-04-30")) == [SLUG]


def test_posted_in_the_last_days_reads_the_first_publication(client, pilot_base, incubator):
    Program.objects.filter(pk=pilot_base.pk).update(
        published_at=datetime.datetime(2025, 2, 1, tzinfo=datetime.timezone.utc)
    )

    assert slugs(search(client, posted="7")) == [incubator.slug]
    assert slugs(search(client, posted="30")) == [incubator.slug]
    assert slugs(search(client, posted="")) == [SLUG, incubator.slug]


def test_it_sorts_by_deadline_newest_and_relevance(client, pilot_base, incubator):
    Program.objects.filter(pk=pilot_base.pk).update(
        published_at=datetime.datetime(2025, 2, 1, tzinfo=datetime.timezone.utc)
    )

    assert slugs(search(client, sort="deadline")) == [SLUG, incubator.slug]
    assert slugs(search(client, sort="newest")) == [incubator.slug, SLUG]
    # 科技 is in the incubator's authority only, in the pilot base's title and summary too.
    assert slugs(search(client, q="科技")) == [SLUG, incubator.slug]
    assert slugs(search(client, q="科技", sort="newest")) == [incubator.slug, SLUG]


def test_each_filter_value_shows_how_many_programs_it_would_list(
    english_client, pilot_base, incubator
):
    response = english_client.get("/programs/", {"status": "all", "level": "district"})
    form = response.context["form"]

    assert dict(form.fields["level"].choices)["provincial"] == "Provincial / autonomous region (1)"
    assert dict(form.fields["benefit"].choices)["funding"] == "Funding or subsidy (1)"
    assert dict(form.fields["kind"].choices)["university"] == "University (0)"
    assert dict(form.fields["status"].choices)["all"] == "All (1)"
    body = response.content.decode()
    assert "Provincial / autonomous region (1)" in body


def test_the_list_and_its_counts_take_a_fixed_number_of_queries(
    client, pilot_base, django_assert_max_num_queries
):
    from tests.factories import make_programs

    def measure(**params):
        with django_assert_max_num_queries(30) as captured:
            response = search(client, **params)
        assert response.status_code == 200
        return len(captured)

    filtered = measure(region="450202", sort="newest", kind="enterprise")
    searched = measure(q="中试基地", sector=pilot_base.priority_sectors.first().pk)
    make_programs(60)
    assert measure(region="450202", sort="newest", kind="enterprise") == filtered
    assert measure(q="中试基地", sector=pilot_base.priority_sectors.first().pk) == searched


@pytest.mark.parametrize(
    "params, field",
    [
        ({"region": "999999"}, "region"),
        ({"level": "galactic"}, "level"),
        ({"authority": "99999999999999999999999"}, "authority"),
        ({"sector": "abc"}, "sector"),
        ({"kind": "robot"}, "kind"),
        ({"benefit": "gold"}, "benefit"),
        ({"deadline_from": "2025-13-45"}, "deadline_from"),
        ({"posted": "365"}, "posted"),
        ({"sort": "random"}, "sort"),
        ({"q": "中" * 101}, "q"),
        ({"deadline_from": "2025-05-01", "deadline_to": "2025-04-01"}, "deadline_to"),
    ],
)
def test_a_bad_parameter_is_a_message_on_its_field_never_a_500(client, pilot_base, params, field):
    response = client.get("/programs/", params)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {field}


def test_the_messages_name_the_limit_in_chinese(client, pilot_base):
    body = client.get("/programs/", {"q": "中" * 101, "deadline_from": "x"}).content.decode()

    assert "关键词最多100个字符" in body
    assert "日期请按YYYY-MM-DD填写" in body


def test_a_page_number_past_the_end_shows_the_last_page(client, pilot_base):
    response = search(client, page="99999999999999999999")

    assert response.status_code == 200
    assert slugs(response) == [SLUG]


def test_a_returning_reader_sees_what_is_new_since_the_last_visit(client, firm_user, pilot_base):
    Program.objects.filter(pk=pilot_base.pk).update(
        published_at=datetime.datetime(2025, 3, 27, tzinfo=datetime.timezone.utc)
    )
    client.force_login(firm_user)
    with time_machine.travel(datetime.datetime(2025, 4, 1, 2, tzinfo=datetime.timezone.utc)):
        first = search(client)
    assert [row["is_new"] for row in first.context["rows"]] == [False]

    with time_machine.travel(datetime.datetime(2025, 4, 2, 2, tzinfo=datetime.timezone.utc)):
        clone = clone_as_next_edition(pilot_base)
        clone.opens_on, clone.deadline, clone.is_published = (
            datetime.date(2025, 4, 1), datetime.date(2025, 5, 20), True
        )
        clone.save()
    with time_machine.travel(datetime.datetime(2025, 4, 3, 2, tzinfo=datetime.timezone.utc)):
        again = search(client)
        # Paging or reloading within the visit keeps the marks.
        reloaded = search(client)
    assert {r["program"].slug: r["is_new"] for r in again.context["rows"]} == {
        SLUG: False, clone.slug: True
    }
    assert "新发布" in again.content.decode()
    assert [r["is_new"] for r in reloaded.context["rows"]] == [False, True]

    with time_machine.travel(datetime.datetime(2025, 4, 5, 2, tzinfo=datetime.timezone.utc)):
        later = search(client)
    assert [r["is_new"] for r in later.context["rows"]] == [False, False]


def test_the_region_picker_s_fields_filter_as_the_plain_code_does(client, pilot_base, incubator):
    picked = search(client, region_province="450000", region_city="450200", region_county="450203")

    assert slugs(picked) == [SLUG]
