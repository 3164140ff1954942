import datetime
import time
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command

from tracker.interchange import seeds
from tracker.models import (
    Application,
    Authority,
    CoBuilder,
    Organization,
    OrganizationFact,
    Program,
    Qualification,
    Region,
    Sector,
)

FACTS_SECTORS = [
    "人工智能",
    "电子信息",
    "低空经济",
    "智能终端",
    "新材料",
    "新能源",
    "高端装备制造",
    "航空航天",
    "生命科学",
    "生物医药",
    "医疗器械",
    "绿色化工",
    "绿色建材",
    "军民融合",
    "特色农产品加工",
]


def row_counts():
    return {
        m.__name__: m.objects.count()
        for m in (
            Region, Authority, Sector, Qualification, Program, Organization, OrganizationFact,
            Application, CoBuilder,
        )
    }


def test_the_seed_program_holds_the_facts_of_the_article(pilot_base):
    p = pilot_base
    assert p.title_zh == "2025年广西科技成果转化中试研究基地认定"
    assert p.title_en.startswith("2025 Guangxi Pilot-Scale Research Base")
    assert p.short_name_zh == "中试基地"
    assert p.authority.short_name_zh == "自治区科技厅"
    assert p.authority.level == Authority.Level.PROVINCIAL
    assert (p.opens_on, p.deadline) == (datetime.date(2025, 3, 27), datetime.date(2025, 4, 20))
    assert p.timezone == "Asia/Shanghai"
    assert [s.name_zh for s in p.sectors_in_order()] == FACTS_SECTORS
    assert all(s.name_en for s in p.sectors_in_order())
    assert p.sector_policy == Program.SectorPolicy.PRIORITY
    assert p.preferred_partnership == Program.Partnership.ACADEMIA_ENTERPRISE
    assert p.max_co_builders == 5
    assert "不超过5个" in p.co_builder_clause
    assert "优先获得申报广西科技计划相关开发项目支持" in p.benefits_zh
    assert p.contact_zh == "柳州市科技局"
    assert p.source_publication.startswith("柳州日报")
    assert (settings.BASE_DIR / p.source_file).exists()


def test_the_demo_organizations_are_marked_as_demo(seeded):
    demo = set(Organization.objects.filter(is_demo=True).values_list("name_zh", flat=True))
    assert demo == {
        "柳钢集团",
        "北京科技大学",
        "武汉科技大学",
        "东风柳汽",
        "柳州天海盟立电器有限公司",
    }


def test_the_demo_firm_holds_the_articles_figure_and_the_qualification_list_is_loaded(seeded):
    liugang = Organization.objects.get(name_zh="柳钢集团")
    assert list(liugang.facts.values_list("fact", "year", "value")) == [
        ("rd_ratio", 2024, Decimal("3.60"))
    ]
    assert list(Qualification.objects.values_list("name_zh", flat=True)) == [
        "高新技术企业",
        "专精特新中小企业",
        "专精特新“小巨人”企业",
        "科技型中小企业",
        "规模以上工业企业（规上企业）",
    ]


def test_loading_twice_gives_the_same_rows(seeded):
    before = row_counts()
    call_command("load_seeds")
    assert row_counts() == before


def test_loading_restores_an_edited_seed_field(pilot_base):
    Program.objects.filter(pk=pilot_base.pk).update(max_co_builders=9)
    call_command("load_seeds")
    pilot_base.refresh_from_db()
    assert pilot_base.max_co_builders == 5


BAD_PROGRAM = """\
programs:
  - slug: bad-2025
    year: 2025
    title_zh: 坏数据
    authority: 广西壮族自治区科学技术厅
    source_publication: x
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def all_seed_files():
    return seeds.seed_files(settings.BASE_DIR / "seeds")


@pytest.mark.django_db
def test_a_malformed_file_changes_nothing_and_names_file_record_and_field(tmp_path):
    bad = write(
        tmp_path,
        "zz-bad.yaml",
        BAD_PROGRAM + "    opens_on: 2025-05-01\n    deadline: 2025-04-01\n",
    )
    with pytest.raises(CommandError) as info:
        call_command("load_seeds", *all_seed_files(), bad)
    message = str(info.value)
    assert "zz-bad.yaml" in message
    assert "programs[0]" in message and "bad-2025" in message
    assert "deadline" in message
    assert Program.objects.count() == 0
    assert Sector.objects.count() == 0


@pytest.mark.django_db
def test_a_reference_to_an_unknown_sector_names_the_field(tmp_path):
    bad = write(
        tmp_path,
        "zz-bad.yaml",
        BAD_PROGRAM + "    priority_sectors: [quantum-widgets]\n",
    )
    with pytest.raises(seeds.SeedError) as info:
        seeds.load([*all_seed_files(), bad])
    assert info.value.field == "priority_sectors"
    assert "quantum-widgets" in str(info.value)
    assert Program.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_field_is_refused_not_ignored(tmp_path):
    bad = write(tmp_path, "bad.yaml", "sectors:\n  - {code: x, name_zh: 某, colour: red}\n")
    with pytest.raises(seeds.SeedError) as info:
        seeds.load([bad])
    assert info.value.field == "colour"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    ["programs: [unclosed", "- just\n- a list\n", "widgets:\n  - {a: 1}\n", "sectors: 3\n"],
)
def test_a_file_that_is_not_seed_data_is_refused_with_its_name(tmp_path, text):
    bad = write(tmp_path, "broken.yaml", text)
    with pytest.raises(seeds.SeedError) as info:
        seeds.load([bad])
    assert "broken.yaml" in str(info.value)


@pytest.mark.django_db
def test_a_sixth_co_builder_in_a_seed_file_is_refused(tmp_path):
    names = [f"伙伴{i}" for i in range(6)]
    partners = "".join(f"  - {{name_zh: {name}, kind: university}}\n" for name in names)
    extra = write(
        tmp_path,
        "zz-extra.yaml",
        f"organizations:\n{partners}"
        "applications:\n"
        "  - organization: 东风柳汽\n"
        "    program: guangxi-pilot-base-2025\n"
        f"    co_builders: [{', '.join(names)}]\n",
    )
    with pytest.raises(seeds.SeedError) as info:
        seeds.load([*all_seed_files(), extra])
    assert info.value.field == "co_builders"
    assert Organization.objects.count() == 0


# --- The administrative divisions (seeds/regions/gb2260.csv) -------------------------------------
REGIONS_FILE = settings.BASE_DIR / "seeds" / seeds.REGIONS_FILE


def without_regions():
    """An empty division table (the test database keeps the divisions between tests, see
    conftest.division_codes); each level protects the one below, hence the unlinking first."""
    Region.objects.update(parent=None)
    Region.objects.all().delete()


def test_the_division_file_holds_every_province_city_and_county(seeded):
    levels = {level: Region.objects.filter(level=level).count() for level in Region.Level.values}
    assert levels == {"province": 31, "city": 337, "county": 2846}
    county = Region.objects.select_related("parent__parent").get(code="450202")
    assert (county.name_zh, county.parent.name_zh, county.parent.parent.name_zh) == (
        "城中区", "柳州市", "广西壮族自治区"
    )
    assert county.level == Region.Level.COUNTY and county.name_en == ""
    assert Region.objects.get(code="450000").name_en == "Guangxi Zhuang Autonomous Region"
    assert Region.objects.get(code="420100").name_en == "Wuhan"
    assert not Region.objects.filter(level=Region.Level.PROVINCE, name_en="").exists()


def test_a_municipality_holds_its_counties_without_a_city_level(seeded):
    haidian = Region.objects.get(code="110108")
    assert haidian.parent.code == "110000" and haidian.level == Region.Level.COUNTY
    assert not Region.objects.filter(code__startswith="11", level=Region.Level.CITY).exists()


def test_a_county_governed_directly_by_its_province_sits_in_a_grouping_city(seeded):
    xiantao = Region.objects.select_related("parent").get(code="429004")
    assert xiantao.parent.name_zh == "省直辖县级行政区划"
    assert xiantao.parent.parent.code == "420000"


@pytest.mark.django_db
def test_loading_the_divisions_takes_a_few_queries_and_well_under_two_seconds(
    django_assert_max_num_queries,
):
    without_regions()
    started = time.perf_counter()
    with django_assert_max_num_queries(30):
        assert seeds.load_regions(REGIONS_FILE) == 3214
    assert time.perf_counter() - started < 2
    with django_assert_max_num_queries(3):
        seeds.load_regions(REGIONS_FILE)
    assert Region.objects.count() == 3214


def test_reloading_the_divisions_restores_names_and_parents_and_keeps_extra_ones(seeded):
    Region.objects.filter(code="450202").update(name_zh="改名", parent=None)
    Region.objects.filter(code="450000").update(name_en="")
    gone = Region.objects.create(code="450299", name_zh="已撤销区", level=Region.Level.COUNTY)
    firm = Organization.objects.create(name_zh="新公司", kind="enterprise", region=gone)
    Region.objects.filter(code="450203").delete()

    call_command("load_seeds")

    county = Region.objects.get(code="450202")
    assert (county.name_zh, county.parent.code) == ("城中区", "450200")
    assert Region.objects.get(code="450000").name_en == "Guangxi Zhuang Autonomous Region"
    assert Region.objects.get(code="450203").parent.code == "450200"
    firm.refresh_from_db()
    assert firm.region == gone
    assert Region.objects.count() == 3215


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("45020x,某区,,county,450200", "code"),
        ("459999,,,county,450000", "name_zh"),
        ("459999,某区,,hamlet,450000", "level"),
        ("459999,某区,,county,420000", "parent_code"),
        ("459999,某区,,county,", "parent_code"),
        ("459900,某市,,city,459901", "parent_code"),
        ("450202,城中区,,county,450200", "code"),
    ],
)
def test_a_bad_division_row_changes_nothing_and_names_the_row_and_field(tmp_path, row, field):
    without_regions()
    rows = REGIONS_FILE.read_text(encoding="utf-8") + row + "\n"
    bad = write(tmp_path, "regions.csv", rows)
    with pytest.raises(seeds.SeedError) as info:
        seeds.load([bad, *all_seed_files()[1:]])
    assert info.value.field == field
    assert "regions.csv" in str(info.value) and "regions[3214]" in str(info.value)
    assert Region.objects.count() == 0 and Sector.objects.count() == 0


@pytest.mark.django_db
def test_a_division_file_with_other_columns_is_refused(tmp_path):
    bad = write(tmp_path, "regions.csv", "code,name\n450000,广西\n")
    with pytest.raises(seeds.SeedError) as info:
        seeds.load([bad])
    assert "code,name_zh,name_en,level,parent_code" in str(info.value)


@pytest.mark.django_db
def test_regions_in_a_yaml_file_are_refused_the_divisions_have_one_home(tmp_path):
    bad = write(tmp_path, "bad.yaml", "regions:\n  - {code: '450000', name_zh: 广西}\n")
    with pytest.raises(seeds.SeedError) as info:
        seeds.load([bad])
    assert "regions" in str(info.value)


# --- The example catalog (`load_seeds --demo`) -------------------------------------------------
def test_the_demo_option_loads_example_programs_dated_from_today(db):
    with time_machine.travel(datetime.datetime(2026, 12, 3, 1, tzinfo=datetime.UTC), tick=False):
        call_command("load_seeds", "--demo")
        statuses = {p.slug: p.status_on() for p in Program.objects.filter(is_demo=True)}
        rd = Program.objects.get(slug="demo-rd-subsidy")
    assert statuses == {
        "demo-rd-subsidy": Program.Status.OPEN,
        "demo-joint-research": Program.Status.CLOSING,
        "demo-innovation-voucher": Program.Status.OPEN,
        "demo-new-rd-institution": Program.Status.UPCOMING,
    }
    # Beijing's date (already the 3rd at 09:00), 30 days back and 45 ahead.
    assert (rd.opens_on, rd.deadline) == (datetime.date(2026, 11, 3), datetime.date(2027, 1, 17))
    assert all(p.title_zh.startswith("【示例】") for p in Program.objects.filter(is_demo=True))
    real = Program.objects.get(slug="guangxi-pilot-base-2025")
    assert not real.is_demo
    assert (real.opens_on, real.deadline) == (
        datetime.date(2025, 3, 27), datetime.date(2025, 4, 20)
    )


def test_without_the_demo_option_no_example_is_loaded(db):
    call_command("load_seeds")
    assert not Program.objects.filter(is_demo=True).exists()
    assert Program.objects.filter(slug="guangxi-pilot-base-2025").exists()


@pytest.mark.django_db
def test_a_relative_date_outside_example_data_is_refused(tmp_path):
    bad = write(
        tmp_path, "zz-bad.yaml", BAD_PROGRAM + "    opens_on: today\n    deadline: today+5\n"
    )
    with pytest.raises(CommandError) as info:
        call_command("load_seeds", *all_seed_files(), bad)
    assert "opens_on" in str(info.value) and "示例数据" in str(info.value)
    assert Program.objects.count() == 0
