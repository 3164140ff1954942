"""The reader's conditions on applicants: thresholds on facts, qualifications, conditions to
confirm, each with its sentence."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from tracker.models import ChecklistItem, Fact, FactThreshold
from tracker.notices import draft_from_notice

AT_LEAST, AT_MOST = FactThreshold.Bound.AT_LEAST, FactThreshold.Bound.AT_MOST
TODAY = datetime.date(2025, 1, 1)


@pytest.fixture(autouse=True)
def english():
    """The review rows are asserted in English, whatever the site's default language."""
    with translation.override("en"):
        yield


def notice(*condition_lines):
    return "\n".join([
        "柳州市科学技术局关于组织申报2025年度柳州市科技计划项目的通知",
        "各有关单位：",
        "一、申报条件",
        *condition_lines,
        "二、申报时间",
        "企业于2025年6月30日前提交申报材料。",
        "",
        "柳州市科学技术局",
        "2025年5月6日",
    ])


def thresholds(*lines):
    draft = draft_from_notice(notice(*lines), today=TODAY)
    return [(t.value.fact, t.value.bound, t.value.value, t.value.year) for t in draft.thresholds]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("2024年主营业务收入不低于2000万元。", (Fact.MAIN_REVENUE, AT_LEAST, 2000, 2024)),
    ("2024年度营业收入在1.5亿元以上。", (Fact.MAIN_REVENUE, AT_LEAST, 15000, 2024)),
    ("上年度销售收入超过5000万元。", (Fact.MAIN_REVENUE, AT_LEAST, 5000, 2024)),
    ("年销售收入不超过2亿元。", (Fact.MAIN_REVENUE, AT_MOST, 20000, None)),
    ("职工人数不少于50人。", (Fact.EMPLOYEES, AT_LEAST, 50, None)),
    ("从业人员300人以下。", (Fact.EMPLOYEES, AT_MOST, 300, None)),
    ("2024年研发费用占销售收入比例不低于3%。", (Fact.RD_RATIO, AT_LEAST, 3, 2024)),
    ("研发投入强度不低于2.5%。", (Fact.RD_RATIO, AT_LEAST, Decimal("2.5"), None)),
    ("注册资本不低于500万元。", (Fact.REGISTERED_CAPITAL, AT_LEAST, 500, None)),
    ("企业须在柳州市注册满1年。", (Fact.YEARS_REGISTERED, AT_LEAST, 1, None)),
    ("企业成立三年以上。", (Fact.YEARS_REGISTERED, AT_LEAST, 3, None)),
    ("企业成立时间不满5年。", (Fact.YEARS_REGISTERED, AT_MOST, 5, None)),
])
def test_a_threshold_is_read_with_its_bound_unit_and_year(seeded, sentence, expected):
    assert thresholds(sentence) == [expected]


@pytest.mark.parametrize("sentence", [
    # A case of another rule, a part of the revenue, a description, an alternative.
    "最近一年销售收入小于5000万元（含）的企业，比例不低于5%。",
    "2024年农产品销售收入不低于1000万元。",
    "企业2024年营业收入为3000万元。",
    "2024年营业收入不低于1000万元，或近2年新增股权融资总额达到2000万元以上。",
    "与其签订1年以上劳动合同。",
    "科技人员占企业当年职工总数的比例不低于10%。",
])
def test_a_figure_that_is_no_condition_of_its_own_gives_no_threshold(seeded, sentence):
    assert thresholds(sentence) == []


def test_every_threshold_of_a_sentence_keeps_the_sentence(seeded):
    sentence = "（一）企业成立满3年，2024年主营业务收入不低于5000万元，职工人数不超过300人。"
    draft = draft_from_notice(notice(sentence), today=TODAY)
    assert [t.value.fact for t in draft.thresholds] == [
        Fact.YEARS_REGISTERED, Fact.MAIN_REVENUE, Fact.EMPLOYEES,
    ]
    assert {t.source for t in draft.thresholds} == {sentence}


def qualifications(*lines):
    draft = draft_from_notice(notice(*lines), today=TODAY)
    return [(q.value.qualification.code, q.value.group) for q in draft.qualifications]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("申报企业须为高新技术企业或专精特新企业。",
     [("high-tech-enterprise", 1), ("specialised-sme", 1)]),
    ("申报企业须为国家高新技术企业。", [("high-tech-enterprise", 1)]),
    ("申报企业须为专精特新“小巨人”企业。", [("little-giant", 1)]),
    ("申报企业须为专精特新小巨人企业。", [("little-giant", 1)]),
    ("申报企业应为已入库的科技型中小企业。", [("tech-based-sme", 1)]),
    ("申报单位为规上企业。", [("above-scale", 1)]),
    ("申报企业须为规上工业企业。", [("above-scale", 1)]),
    ("在柳州市注册的规模以上工业企业。", [("above-scale", 1)]),
    ("申请单位须同时为高新技术企业和科技型中小企业。",
     [("high-tech-enterprise", 1), ("tech-based-sme", 2)]),
])
def test_required_qualifications_are_matched_against_the_list_in_groups(seeded, sentence,
                                                                        expected):
    assert qualifications(sentence) == expected


def test_two_sentences_requiring_qualifications_give_two_groups(seeded):
    assert qualifications("申报企业须为高新技术企业。", "申报企业须为规上企业。") == [
        ("high-tech-enterprise", 1), ("above-scale", 2),
    ]


@pytest.mark.parametrize("sentence", [
    "对新认定的高新技术企业给予一次性奖励10万元。",
    "优先支持高新技术企业和专精特新中小企业申报。",
    "为培育专精特新“小巨人”企业，现开展本次工作。",
])
def test_a_qualification_named_but_not_required_gives_no_row(seeded, sentence):
    assert qualifications(sentence) == []


def test_a_condition_only_the_firm_can_judge_is_proposed_once_and_not_on_the_checklist(seeded):
    text = notice(
        "（一）企业成立满3年，近三年未发生重大安全、质量事故，无严重失信行为。",
        "三、申报材料",
        "1.项目申报书；",
        "2.诚信承诺书。",
    )
    draft = draft_from_notice(text, today=TODAY)
    [condition] = draft.conditions
    assert condition.value == "近三年未发生重大安全、质量事故，无严重失信行为"
    assert condition.source == text.splitlines()[3]
    # The commitment to hand in stays on the checklist; the condition is not repeated there.
    assert [(e.value.title, e.value.kind) for e in draft.checklist] == [
        ("项目申报书", ChecklistItem.Kind.MATERIAL),
        ("诚信承诺书", ChecklistItem.Kind.ATTESTATION),
    ]


def test_the_review_rows_show_each_condition_with_its_sentence(seeded):
    draft = draft_from_notice(notice(
        "2024年主营业务收入不低于2000万元，须为高新技术企业，无严重失信行为。"
    ), today=TODAY)
    rows = dict(draft.rows())
    sentence = "2024年主营业务收入不低于2000万元，须为高新技术企业，无严重失信行为。"
    [(threshold, source, _note)] = rows["thresholds on facts"]
    assert threshold == "Main-business revenue in 2024: at least 2000 10,000 yuan."
    assert source == sentence
    assert rows["qualifications required"][0][:2] == ("高新技术企业 · group 1", sentence)
    assert rows["conditions to confirm"][0][:2] == ("无严重失信行为", sentence)


def test_the_seed_page_proposes_no_condition_rows_as_its_article_states_none(seeded):
    page = (settings.BASE_DIR / "seeds/sources/liuzhou-daily-2025-04.txt").read_text("utf-8")
    draft = draft_from_notice(page)
    assert draft.thresholds == [] and draft.qualifications == [] and draft.conditions == []
