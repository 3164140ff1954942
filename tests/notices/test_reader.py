import datetime

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from tracker.models import ChecklistItem, Milestone, Program, Sector
from tracker.notices import FIELD_LABELS, NoticeError, draft_from_notice

D = datetime.date

PILOT_SECTORS = [
    "人工智能", "电子信息", "低空经济", "智能终端", "新材料", "新能源", "高端装备制造", "航空航天",
    "生命科学", "生物医药", "医疗器械", "绿色化工", "绿色建材", "军民融合", "特色农产品加工",
]

MULTI_STAGE = """关于组织申报2025年度柳州市科技成果转化项目的通知

各县（区）科技主管部门，各有关单位：
为加快科技成果转化，现将2025年度柳州市科技成果转化项目申报工作有关事项通知如下。
一、支持方向
重点支持新能源汽车、新材料、智能制造装备及螺蛳粉预包装食品等领域。
二、申报要求
（一）优先支持高校、科研院所与企业联合申报，每个项目合作单位不超过三家。
（二）申报单位近三年内无严重失信行为。
三、申报材料
1.项目申报书；
2.自评报告；
3.联合申报的须提交合作协议；
4.诚信承诺书。
四、时间安排
申报单位于4月6日前报送县级科技主管部门，县级于4月17日前报送市科技局。
获批项目给予最高50万元资助。

柳州市科学技术局
2025年3月20日
"""

FULL_WIDTH_DATE = """广西壮族自治区科学技术厅关于征集2026年度自治区重点研发计划项目的通知

各有关单位：
根据工作安排，现面向全区征集2026年度自治区重点研发计划项目。
一、征集范围
聚焦人工智能、生物医药、海洋经济。
二、申报条件
申报单位须在广西注册，具有独立法人资格。
三、时间安排
网上申报时间为即日起至２０２５年７月３０日１７：００前，逾期不予受理。

自治区科技厅
2025年6月30日
"""

NO_DEADLINE = """关于开展2025年柳州市专精特新中小企业认定工作的通知
各县（区）工业和信息化局：
为培育专精特新中小企业，现开展2025年柳州市专精特新中小企业认定工作。具体申报时间另行通知。
联系电话：0772-1234567。
"""

NEWS_REPORT = """柳州市2025年科技型中小企业评价工作开始

本报讯 4月1日，柳州市科技局启动2025年科技型中小企业评价工作。申报时间为4月1日至4月15日。\
此次评价仅限智能终端、汽车零部件领域企业。企业需提交申报书、财务报表和知识产权证明。\
申报企业须承诺近三年无严重失信行为。
"""


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, whatever the site's default language."""
    with translation.override("en"):
        yield


@pytest.fixture
def page():
    return (settings.BASE_DIR / "seeds/sources/liuzhou-daily-2025-04.txt").read_text("utf-8")


def read(text, **kwargs):
    return draft_from_notice(text, **kwargs)


def test_the_whole_newspaper_page_yields_the_pilot_base_facts(seeded, page):
    draft = read(page)
    assert draft.title.value == "2025年广西科技成果转化中试研究基地认定"
    assert draft.title.source == "2025年广西科技成果转化中试研究基地认定申报启动"
    assert draft.short_name.value == "中试基地"
    assert draft.authority.value.name_zh == "广西壮族自治区科学技术厅"
    assert draft.year.value == 2025
    assert draft.opens_on.value == D(2025, 3, 27)
    assert draft.opens_on.source.startswith("3月27日，自治区科技厅启动2025年广西")
    assert draft.deadline.value == D(2025, 4, 20)
    assert draft.deadline.source == "符合要求的单位请于4月20日前递交材料。"
    assert draft.stages == []
    assert [m.name for m in draft.sectors.value] == PILOT_SECTORS
    assert all(m.sector is not None for m in draft.sectors.value)
    assert draft.sectors.source.startswith("此次认定申报重点支持人工智能、电子信息")
    assert draft.sector_policy.value == Program.SectorPolicy.PRIORITY
    assert draft.max_co_builders.value == 5
    assert "每家中试基地联合共建单位不超过5个。" in draft.max_co_builders.source
    assert draft.preferred_partnership.value == Program.Partnership.ACADEMIA_ENTERPRISE
    assert "“科研机构（高校）+企业”或“企业+科研机构（高校）”" in draft.preferred_partnership.source
    assert draft.benefits.value == (
        "通过评审获得认定的自治区级中试基地，还可优先获得申报广西科技计划相关开发项目支持。"
    )


def test_the_pilot_base_draft_matches_the_seeded_program(pilot_base, page):
    draft = read(page)
    assert draft.title.value == pilot_base.title_zh
    assert draft.authority.value == pilot_base.authority
    assert draft.opens_on.value == pilot_base.opens_on
    assert draft.deadline.value == pilot_base.deadline
    assert [m.sector for m in draft.sectors.value] == pilot_base.sectors_in_order()
    assert draft.max_co_builders.value == pilot_base.max_co_builders
    assert draft.preferred_partnership.value == pilot_base.preferred_partnership
    assert draft.benefits.value == pilot_base.benefits_zh
    assert draft.sectors.source == pilot_base.sector_clause


def test_a_multi_stage_notice_gives_each_deadline_its_audience(seeded):
    draft = read(MULTI_STAGE)
    sentence = "申报单位于4月6日前报送县级科技主管部门，县级于4月17日前报送市科技局。"
    assert draft.title.value == "2025年度柳州市科技成果转化项目"
    assert draft.authority.value.name_zh == "柳州市科学技术局"
    assert draft.authority.source == "柳州市科学技术局"
    assert draft.deadline.value == D(2025, 4, 6)
    assert draft.deadline.source == sentence
    [stage] = draft.stages
    assert stage.value.due_on == D(2025, 4, 17)
    assert stage.value.audience == Milestone.Audience.BUREAU
    assert stage.value.title == "县级于4月17日前报送市科技局"
    assert stage.source == sentence
    assert draft.opens_on is None and "opens_on" in draft.missing


def test_a_multi_stage_notice_lists_materials_limit_and_partnership(seeded):
    draft = read(MULTI_STAGE)
    assert draft.max_co_builders.value == 3
    limit_sentence = "（一）优先支持高校、科研院所与企业联合申报，每个项目合作单位不超过三家。"
    assert draft.max_co_builders.source == limit_sentence
    assert draft.preferred_partnership.source == limit_sentence
    assert draft.benefits.value == "获批项目给予最高50万元资助。"
    entries = [(e.value.title, e.value.kind, e.value.joint_only, e.source) for e in draft.checklist]
    material, attestation = ChecklistItem.Kind.MATERIAL, ChecklistItem.Kind.ATTESTATION
    assert entries == [
        ("项目申报书", material, False, "1.项目申报书；"),
        ("自评报告", material, False, "2.自评报告；"),
        ("联合申报的须提交合作协议", material, True, "3.联合申报的须提交合作协议；"),
        ("诚信承诺书", attestation, False, "4.诚信承诺书。"),
    ]
    # The body's condition is one to confirm, not a second checklist entry.
    [condition] = draft.conditions
    assert condition.value == "申报单位近三年内无严重失信行为"
    assert condition.source == "（二）申报单位近三年内无严重失信行为。"


def test_sectors_outside_the_taxonomy_are_proposed_as_new(seeded):
    draft = read(MULTI_STAGE)
    assert [(m.name, m.sector and m.sector.code) for m in draft.sectors.value] == [
        ("新能源汽车", None),
        ("新材料", "new-materials"),
        ("智能制造装备", None),
        ("螺蛳粉预包装食品", None),
    ]
    assert draft.new_sectors == ["新能源汽车", "智能制造装备", "螺蛳粉预包装食品"]


def test_a_full_width_date_with_year_and_time_is_read(seeded):
    draft = read(FULL_WIDTH_DATE)
    sentence = "网上申报时间为即日起至２０２５年７月３０日１７：００前，逾期不予受理。"
    assert draft.deadline.value == D(2025, 7, 30)
    assert draft.deadline.source == sentence
    assert "17:00" in draft.deadline.note
    # "From today" is the date the notice is signed with.
    assert draft.opens_on.value == D(2025, 6, 30)
    assert draft.opens_on.source == sentence
    assert draft.year.value == 2026
    assert draft.authority.value.name_zh == "广西壮族自治区科学技术厅"
    assert draft.authority.source == "自治区科技厅"


def test_a_notice_without_a_co_builder_limit_leaves_it_empty(seeded):
    draft = read(FULL_WIDTH_DATE)
    assert draft.max_co_builders is None
    assert draft.preferred_partnership is None
    assert {"max_co_builders", "preferred_partnership", "benefits"} <= set(draft.missing)
    assert [m.name for m in draft.sectors.value] == ["人工智能", "生物医药", "海洋经济"]
    assert draft.sectors.source == "聚焦人工智能、生物医药、海洋经济。"


def test_a_notice_without_a_deadline_says_so(seeded):
    draft = read(NO_DEADLINE)
    assert draft.deadline is None and draft.stages == []
    assert "deadline" in draft.missing
    # 工业和信息化局 is not a known authority: nothing is guessed.
    assert draft.authority is None
    assert draft.title.value == "2025年柳州市专精特新中小企业认定"
    assert draft.year.value == 2025
    assert draft.year.source == "关于开展2025年柳州市专精特新中小企业认定工作的通知"


def test_a_news_report_with_a_date_range_and_required_sectors(seeded):
    draft = read(NEWS_REPORT)
    assert draft.title.value == "柳州市2025年科技型中小企业评价"
    assert draft.authority.value.name_zh == "柳州市科学技术局"
    assert draft.opens_on.value == D(2025, 4, 1)
    assert draft.opens_on.source == "4月1日，柳州市科技局启动2025年科技型中小企业评价工作。"
    assert draft.deadline.value == D(2025, 4, 15)
    assert draft.deadline.source == "申报时间为4月1日至4月15日。"
    assert [m.sector.code for m in draft.sectors.value] == ["smart-terminals", "automotive-parts"]
    assert draft.sector_policy.value == Program.SectorPolicy.REQUIRED
    assert draft.sector_policy.source == "此次评价仅限智能终端、汽车零部件领域企业。"
    titles = [(e.value.title, e.value.kind) for e in draft.checklist]
    assert titles == [
        ("申报书", ChecklistItem.Kind.MATERIAL),
        ("财务报表", ChecklistItem.Kind.MATERIAL),
        ("知识产权证明", ChecklistItem.Kind.MATERIAL),
    ]
    assert draft.checklist[0].source == "企业需提交申报书、财务报表和知识产权证明。"
    assert [c.value for c in draft.conditions] == ["申报企业须承诺近三年无严重失信行为"]


def test_a_deadline_with_a_time_of_day_keeps_the_date(seeded):
    draft = read("关于申报2025年创新券的通知\n各有关单位：\n请于4月20日17:00前提交申报材料。\n")
    assert draft.deadline.value == D(2025, 4, 20)
    assert draft.deadline.source == "请于4月20日17:00前提交申报材料。"
    assert "17:00" in draft.deadline.note


def test_a_notice_without_any_year_assumes_todays_and_says_so(seeded):
    draft = read("关于申报创新券的通知\n各有关单位：\n请于4月20日前提交申报材料。\n",
                 today=D(2026, 1, 5))
    assert draft.year is None
    assert draft.deadline.value == D(2026, 4, 20)
    assert draft.deadline.note


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_empty_text_is_refused_with_a_message(db, text):
    with pytest.raises(NoticeError, match="empty"):
        read(text)


def test_text_announcing_no_call_is_refused_with_a_message(db):
    with pytest.raises(NoticeError, match="call for applications"):
        read("今天天气很好，我们去公园散步。\n晚上吃了螺蛳粉。")


def test_saving_a_draft_creates_an_unpublished_program_with_stages_and_checklist(seeded):
    draft = read(MULTI_STAGE)
    program = draft.save_as_program(
        title_zh=draft.title.value,
        year=draft.year.value,
        slug="liuzhou-transfer-2025",
        authority=draft.authority.value,
        source_publication="柳州市科学技术局通知",
        new_sector_codes={"智能制造装备": "smart-manufacturing"},
    )
    assert not program.is_published
    assert program.deadline == D(2025, 4, 6)
    assert program.deadline_clause == draft.deadline.source
    assert [s.code for s in program.sectors_in_order()] == ["new-materials", "smart-manufacturing"]
    assert Sector.objects.get(code="smart-manufacturing").name_zh == "智能制造装备"
    stages = program.milestones.order_by("due_on").values_list("kind", "audience", "due_on")
    assert list(stages) == [
        (Milestone.Kind.DEADLINE, Milestone.Audience.APPLICANT, D(2025, 4, 6)),
        (Milestone.Kind.STAGE, Milestone.Audience.BUREAU, D(2025, 4, 17)),
    ]
    assert program.checklist_items.count() == 4
    assert program.checklist_items.get(position=3).joint_only
    [condition] = program.manual_conditions.all()
    assert condition.text_zh == "申报单位近三年内无严重失信行为"
    assert condition.clause == "（二）申报单位近三年内无严重失信行为。"


def test_an_afternoon_time_is_read_on_the_24_hour_clock(seeded):
    draft = read("关于申报2025年创新券的通知\n各有关单位：\n请于4月20日下午5:30前提交申报材料。\n")
    assert "17:30" in draft.deadline.note


def test_a_date_the_calendar_lacks_is_not_guessed(seeded):
    draft = read("关于申报2025年创新券的通知\n各有关单位：\n请于4月31日前提交申报材料。\n")
    assert draft.deadline is None


FRAGMENTS = [
    "关于申报", "2025年", "２０２５年", "的通知", "4月", "31日", "13月", "前", "至", "26日",
    "17:00", "，", "。", "、", "\n", "\n\n", "重点支持", "等", "不超过", "五个", "合作单位",
    "即日起", "县级于", "申报单位", "三、申报材料", "1.", "（一）", "承诺", "可获得",
    "优先支持高校与企业联合", "自治区科技厅", "日报消息（记者某）", "柳州市科学技术局",
    "2025年2月30日", "x",
    # The forwarded, rolling, tabled and grouped shapes.
    "转发《", "》的通知", "关于", "常年受理", "\t", "参与单位（含牵头单位）", "三大支柱产业",
    "（", "）", "一、支持方向", "（一）", "三、申报材料：", "①", "柳江区科学技术局", "截至",
    "12月1日", "2025年11月20日", "首页 > ", "（星期一）17时", "部署",
]


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40))
@hyp_settings(max_examples=300, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_text_gives_a_draft_or_a_clear_message(seeded, fragments):
    try:
        draft = read("".join(fragments))
    except NoticeError:
        return
    assert set(draft.missing) <= set(FIELD_LABELS)
    draft.rows()


def test_the_seed_page_raises_no_warning_and_proposes_no_authority(seeded, page):
    draft = read(page)
    assert draft.warnings == []
    assert draft.new_authority is None and draft.rolling is None


CONDITIONS_NAME_LAST_YEAR = """关于开展规模以上工业企业首次上规奖励申报的通知
各县、区工业和信息化局：
一、奖励对象
2024年主营业务收入首次达到2000万元，且于2024年12月31日前在柳州注册的工业企业。
二、申报时间
企业于4月30日前提交申报材料，各县区工信局于5月15日前汇总报送我局。
柳州市工业和信息化局
2025年4月3日
"""


def test_a_conditions_year_is_never_the_year_of_the_stages(seeded):
    draft = read(CONDITIONS_NAME_LAST_YEAR)
    assert draft.year.value == 2025
    assert draft.deadline.value == D(2025, 4, 30)
    assert [s.value.due_on for s in draft.stages] == [D(2025, 5, 15)]
    assert draft.warnings == []


def test_a_signature_the_database_lacks_is_proposed_as_a_new_authority(seeded):
    draft = read(CONDITIONS_NAME_LAST_YEAR)
    assert draft.authority is None
    assert draft.new_authority.value.name_zh == "柳州市工业和信息化局"
    assert draft.new_authority.value.level == "municipal"
    assert draft.new_authority.source == "柳州市工业和信息化局"
    assert "authority" not in draft.missing


@pytest.mark.parametrize("name, level", [
    ("科技部", "national"),
    ("国家知识产权局办公室", "national"),
    ("广西壮族自治区工业和信息化厅", "provincial"),
    ("上海市科学技术委员会", "provincial"),
    ("柳州市商务局", "municipal"),
    ("柳江区科学技术局", "district"),
    ("鹿寨县工业和信息化局", "district"),
])
def test_a_proposed_authority_gets_the_level_its_name_says(seeded, name, level):
    draft = read(f"关于申报2025年创新券的通知\n各有关单位：\n请于4月20日前提交申报材料。\n{name}\n"
                 "2025年3月1日\n")
    assert (draft.new_authority.value.name_zh, draft.new_authority.value.level) == (name, level)


def test_a_forwarding_county_bureau_passes_on_the_originals_call(seeded):
    draft = read(
        "柳江区科学技术局关于转发《柳州市科学技术局关于组织申报2025年柳州市科技计划项目的通知》的通知\n"
        "各有关单位：\n"
        "市科技局要求各县区科技局于2025年5月30日前完成推荐。\n"
        "请我区有意向的单位于2025年5月16日前将申报材料报送区科技局。\n"
        "柳江区科学技术局\n2025年4月28日\n"
    )
    assert draft.title.value == "2025年柳州市科技计划项目"
    assert draft.authority.value.name_zh == "柳州市科学技术局"
    assert draft.deadline.value == D(2025, 5, 16)
    [stage] = draft.stages
    assert (stage.value.due_on, stage.value.audience) == (D(2025, 5, 30), "bureau")


@pytest.mark.parametrize("sentence, limit", [
    ("联合申报单位原则上不超过3家。", 3),
    ("参与单位（含牵头单位）不超过4家。", 3),
    ("每个项目牵头单位1家，参与单位不超过4家。", 4),
    ("牵头单位和参与单位总数不超过5家。", 4),
    ("合作单位最多两家。", 2),
])
def test_co_builder_limits_leave_the_lead_unit_out(seeded, sentence, limit):
    draft = read(f"关于申报2025年科技计划项目的通知\n各有关单位：\n{sentence}\n")
    assert draft.max_co_builders.value == limit
    assert draft.max_co_builders.source == sentence


def test_sector_groups_named_before_their_members_list_the_members(seeded):
    draft = read("关于申报2025年技术改造项目的通知\n各有关企业：\n"
                 "重点支持“三大支柱产业”（汽车、钢铁、机械）和“新三样”（智能终端、新能源、新材料）。\n")
    assert [m.name for m in draft.sectors.value] == [
        "汽车", "钢铁", "机械", "智能终端", "新能源", "新材料",
    ]


def test_a_group_named_without_its_members_gives_no_sectors(seeded):
    draft = read("关于申报2025年技术改造项目的通知\n各有关企业：\n"
                 "重点支持三大支柱产业和新兴产业。\n")
    assert draft.sectors is None


def test_a_rolling_call_is_a_call_without_a_deadline_and_is_flagged(seeded):
    draft = read("柳州市市场监督管理局关于知识产权质押融资贴息申请的通知\n各有关企业：\n"
                 "本政策长期受理，企业在贷款利息支付后即可申请。\n")
    assert draft.deadline is None
    assert draft.rolling.source == "本政策长期受理，企业在贷款利息支付后即可申请。"
    assert "deadline" not in draft.missing
    assert any("rolling call" in w for w in draft.warnings)


def test_a_date_in_another_year_than_the_notice_is_warned_about(seeded):
    draft = read("关于申报2025年创新券的通知\n各有关单位：\n请于2024年4月20日前提交申报材料。\n"
                 "柳州市科学技术局\n2025年3月1日\n")
    assert draft.deadline.value == D(2024, 4, 20)
    assert draft.warnings == [
        "The applicant deadline (2024-04-20) is in another year than the notice (2025).",
        "The applicant deadline (2024-04-20) is before the notice's own date (2025-03-01).",
    ]


def test_a_stage_before_the_opening_date_is_warned_about(seeded):
    draft = read("关于申报2025年创新券的通知\n各有关单位：\n申报时间为2025年5月1日至5月30日。\n"
                 "各县区科技局于4月20日前完成推荐。\n柳州市科学技术局\n2025年3月1日\n")
    assert draft.warnings == [
        "The stage “各县区科技局于4月20日前完成推荐” (2025-04-20) is before the opening date "
        "(2025-05-01).",
    ]


def test_a_table_row_gives_a_stage_to_the_actor_in_its_row(seeded):
    draft = read("关于开展2025年工业设计中心认定工作的通知\n各市工业和信息化局：\n"
                 "具体安排如下表。\n序号\t工作环节\t责任主体\t完成时间\n1\t企业网上申报\t申报企业\t2025年7月10日前\n"
                 "2\t市级审核推荐\t各市工业和信息化局\t2025年7月25日前\n")
    assert draft.deadline.value == D(2025, 7, 10)
    assert [(s.value.due_on, s.value.audience) for s in draft.stages] == [
        (D(2025, 7, 25), "bureau")
    ]


def test_yearless_dates_well_before_a_late_notice_are_read_in_the_next_year_and_flagged(seeded):
    draft = read("关于组织申报2026年度柳州市科技计划项目的通知\n各有关单位：\n"
                 "网上申报时间为12月1日至1月10日。\n各县（区）科技主管部门于1月20日前完成推荐。\n"
                 "柳州市科学技术局\n2025年11月20日\n")
    assert (draft.opens_on.value, draft.deadline.value) == (D(2025, 12, 1), D(2026, 1, 10))
    assert [s.value.due_on for s in draft.stages] == [D(2026, 1, 20)]
    assert draft.warnings == [
        "Dates written without a year fall well before the notice's own date, so they were "
        "read in the next year: 2026-01-10, 2026-01-20.",
    ]


def test_a_news_headline_loses_its_who_and_verb_before_the_year(seeded):
    draft = read("自治区工业和信息化厅部署2025年度广西制造业单项冠军企业培育申报\n"
                 "6月3日，自治区工业和信息化厅印发通知，启动申报工作。企业于7月4日前报送材料。\n")
    assert draft.title.value == "2025年度广西制造业单项冠军企业培育"
