"""Next year's notice for a program the site holds: compared field by field, then the new
edition created from the last one and the notice."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tracker.models import Program
from tracker.notices import draft_from_notice
from tracker.notices.editions import edition_changes
from tracker.selectors.programs import last_edition_of
from tracker.services.programs import next_edition_from_notice

D = datetime.date
PASTE_URL = reverse("admin:tracker_program_paste_notice")

NEXT_YEAR = """关于组织申报2026年广西科技成果转化中试研究基地认定的通知
各市科技局，各有关单位：
一、重点支持领域
此次认定重点支持人工智能、低空经济、新材料、新能源等产业领域中试基地。
二、申报要求
每家中试基地联合共建单位不超过6个。
三、申报时间
申报单位请于2026年4月20日前递交材料，各市科技局于4月30日前完成推荐。
自治区科技厅
2026年3月25日
"""


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_last_edition_is_found_by_its_title_without_the_year(
    pilot_base, django_assert_max_num_queries
):
    draft = draft_from_notice(NEXT_YEAR)
    # The program, then its sectors, checklist, milestones and the three kinds of condition
    # rows: one query each.
    with django_assert_max_num_queries(7):
        edition = last_edition_of("2026年广西科技成果转化中试研究基地认定", 2026)
        changes = edition_changes(edition, draft)
    assert edition == pilot_base
    assert len(changes) == 14
    assert last_edition_of("2025年广西科技成果转化中试研究基地认定", 2025) is None
    assert last_edition_of("2026年广西科技企业孵化器认定", 2026) is None


def test_the_changes_show_each_field_against_the_last_edition(pilot_base):
    changes = {c.label: c for c in edition_changes(pilot_base, draft_from_notice(NEXT_YEAR))}
    assert (changes["applicant deadline"].before, changes["applicant deadline"].after,
            changes["applicant deadline"].status) == ("2025-04-20", "2026-04-20",
                                                     "same day, a year later")
    assert (changes["maximum co-building units"].before,
            changes["maximum co-building units"].after) == ("5", "6")
    assert changes["maximum co-building units"].status == "changed"
    assert changes["priority sectors"].after == "人工智能、低空经济、新材料、新能源"
    assert changes["issuing authority"].status == "unchanged"
    assert changes["benefits"].status == "not in this notice: kept"
    assert changes["opening date"].status == "not in this notice: kept"


def test_the_next_edition_takes_what_the_notice_states_and_keeps_the_rest(pilot_base):
    draft = draft_from_notice(NEXT_YEAR)
    edition = next_edition_from_notice(
        program=pilot_base, draft=draft, title_zh=draft.title.value, year=2026,
        slug="guangxi-pilot-base-2026", source_publication="广西科技厅网站",
    )
    assert edition.cloned_from == pilot_base and not edition.is_published
    assert (edition.year, edition.deadline, edition.max_co_builders) == (2026, D(2026, 4, 20), 6)
    assert edition.benefits_zh == pilot_base.benefits_zh
    assert edition.authority == pilot_base.authority
    assert list(edition.regions.all()) == list(pilot_base.regions.all())
    assert [s.name_zh for s in edition.sectors_in_order()] == ["人工智能", "低空经济", "新材料",
                                                               "新能源"]
    assert list(edition.checklist_items.values_list("title_zh", flat=True)) == list(
        pilot_base.checklist_items.values_list("title_zh", flat=True)
    )
    assert [(m.due_on, m.audience) for m in edition.milestones.filter(kind="stage")] == [
        (D(2026, 4, 30), "bureau")
    ]
    pilot_base.refresh_from_db()
    assert pilot_base.max_co_builders == 5


def test_the_paste_page_shows_the_changes_and_creates_the_next_edition(admin_client, pilot_base):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = admin_client.post(PASTE_URL, {"text": NEXT_YEAR, "_preview": "1"})
    html = page.content.decode()
    assert "Changes against the last edition, “2025年广西科技成果转化中试研究基地认定”" in html
    assert "same day, a year later" in html
    form = page.context["create_form"]
    assert form.fields["next_edition"].initial is True
    response = admin_client.post(PASTE_URL, {
        "text": NEXT_YEAR, "_create": "1", "title_zh": form.initial["title_zh"], "year": "2026",
        "slug": "pilot-base-2026", "authority": form.initial["authority"].pk,
        "source_publication": "广西科技厅网站", "next_edition": "on",
    })
    edition = Program.objects.get(slug="pilot-base-2026")
    assert response.status_code == 302
    assert edition.cloned_from == pilot_base
    assert edition.max_co_builders == 6


def test_each_kind_of_condition_the_next_notice_states_replaces_last_years_rows(pilot_base):
    pilot_base.fact_thresholds.create(fact="main_revenue", bound="at_least", value=1000,
                                      year=2024, clause="2024年主营业务收入不低于1000万元")
    pilot_base.manual_conditions.create(text_zh="近三年无重大安全事故")
    text = NEXT_YEAR.replace("每家中试基地联合共建单位不超过6个。",
                             "每家中试基地联合共建单位不超过6个。2025年主营业务收入不低于3000万元。")
    draft = draft_from_notice(text)

    edition = next_edition_from_notice(
        program=pilot_base, draft=draft, title_zh=draft.title.value, year=2026,
        slug="guangxi-pilot-base-2026", source_publication="广西科技厅网站",
    )

    # The notice's threshold replaces the clone's (which the clone had moved on to 2025) …
    assert list(edition.fact_thresholds.values_list("value", "year", "clause")) == [
        (3000, 2025, "2025年主营业务收入不低于3000万元。"),
    ]
    changes = {c.label: c for c in edition_changes(pilot_base, draft)}
    assert changes["thresholds on facts"].before == (
        "Main-business revenue in 2024: at least 1000 10,000 yuan."
    )
    assert changes["thresholds on facts"].status == "changed"
    assert changes["conditions to confirm"].status == "not in this notice: kept"
    # … and the condition it does not state is kept from last year.
    assert list(edition.manual_conditions.values_list("text_zh", flat=True)) == [
        "近三年无重大安全事故"
    ]
