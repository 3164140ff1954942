import datetime

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tracker.interchange import seeds
from tracker.models import (
    Application,
    Authority,
    CoBuilder,
    Organization,
    Program,
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
        for m in (Region, Authority, Sector, Program, Organization, Application, CoBuilder)
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
