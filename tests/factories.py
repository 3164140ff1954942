"""Many programs and applications at once, for query-bound tests and the benchmark.

Everything is bulk-inserted: the point is the shape of the data (programs × sectors × rules ×
applications), not the save() side effects, so deadline milestones are inserted alongside.
"""

import datetime

from tracker.models import (
    Application,
    Authority,
    ChecklistItem,
    ChecklistTick,
    CoBuilder,
    Fact,
    FactThreshold,
    Milestone,
    Organization,
    OrganizationKind,
    Program,
    ProgramSector,
    Region,
    Sector,
)
from tracker.services import catalog, search


def make_sectors(n):
    existing = list(Sector.objects.order_by("id")[:n])
    extra = [
        Sector(code=f"bench-sector-{i}", name_zh=f"测试领域{i}", name_en=f"Test sector {i}")
        for i in range(len(existing), n)
    ]
    return existing + Sector.objects.bulk_create(extra)


# Titles and summaries of the kinds a catalog holds, so that a keyword matches a share of it.
KINDS_OF_CALL = [
    ("中试基地认定", "对科技成果进行二次开发实验的中试基地给予认定。"),
    ("科技企业孵化器运营补贴", "对认定的孵化器给予运营补贴。"),
    ("企业研发费用补助", "按研发投入给予补助。"),
    ("高新技术企业认定奖励", "对首次认定的高新技术企业给予奖励。"),
]


def make_programs(n, sectors=15, opens_on=datetime.date(2025, 3, 1), days=60, *,
                  prefix="bench-program", regions=None):
    """`n` published programs open from `opens_on`, each with `sectors` priority sectors, every
    rule set, a region (Guangxi, or each one of `regions` in turn), two checklist items and a
    deadline milestone."""
    region, _ = Region.objects.get_or_create(code="450000", defaults={"name_zh": "广西壮族自治区"})
    regions = regions or [region]
    authority, _ = Authority.objects.get_or_create(
        name_zh="测试发布机关", defaults={"level": Authority.Level.PROVINCIAL, "region": region}
    )
    sector_rows = make_sectors(sectors)
    programs = Program.objects.bulk_create(
        Program(
            slug=f"{prefix}-{i}",
            year=opens_on.year,
            title_zh=f"测试项目{i}{KINDS_OF_CALL[i % len(KINDS_OF_CALL)][0]}",
            title_en=f"Test program {i}",
            summary_zh=KINDS_OF_CALL[i % len(KINDS_OF_CALL)][1],
            authority=authority,
            source_publication="测试",
            opens_on=opens_on,
            deadline=opens_on + datetime.timedelta(days=days + i % 30),
            is_published=True,
            published_at=datetime.datetime(2025, 2, 20, tzinfo=datetime.timezone.utc),
            max_co_builders=5,
            preferred_partnership=Program.Partnership.ACADEMIA_ENTERPRISE,
            eligible_kinds=[OrganizationKind.ENTERPRISE, OrganizationKind.UNIVERSITY],
            sector_clause="重点支持……",
            co_builder_clause="联合共建单位不超过5个。",
        )
        for i in range(n)
    )
    Program.regions.through.objects.bulk_create(
        Program.regions.through(program=p, region=regions[i % len(regions)])
        for i, p in enumerate(programs)
    )
    ProgramSector.objects.bulk_create(
        ProgramSector(program=p, sector=s, position=pos)
        for p in programs
        for pos, s in enumerate(sector_rows, start=1)
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(program=p, position=pos, title_zh=title, joint_only=joint)
        for p in programs
        for pos, (title, joint) in enumerate([("申报书", False), ("合作协议", True)], start=1)
    )
    Milestone.objects.bulk_create(
        Milestone(program=p, kind=Milestone.Kind.DEADLINE, title_zh="申报截止", due_on=p.deadline)
        for p in programs
    )
    # bulk_create sends no signal: the keyword index is built and the catalog version moved
    # here, as a bulk load must (`services.catalog`).
    for start in range(0, len(programs), 500):
        search.reindex(program_ids=[p.pk for p in programs[start : start + 500]])
    catalog.changed()
    return programs


def make_applications(organization, programs, partners=()):
    """`organization` tracks each program, with `partners` as co-builders and one item ticked."""
    applications = Application.objects.bulk_create(
        Application(organization=organization, program=p, status=Application.Status.PREPARING)
        for p in programs
    )
    CoBuilder.objects.bulk_create(
        CoBuilder(application=a, organization=partner) for a in applications for partner in partners
    )
    first_items = ChecklistItem.objects.filter(program__in=programs, position=1)
    by_program = {item.program_id: item for item in first_items}
    ChecklistTick.objects.bulk_create(
        ChecklistTick(application=a, item=by_program[a.program_id])
        for a in applications
        if a.program_id in by_program
    )
    return applications


def make_partner(name, kind=OrganizationKind.UNIVERSITY):
    return Organization.objects.create(name_zh=name, kind=kind)


def opt_in(user, frequency="immediate", kind="new_match"):
    """`user` takes alerts of `kind` at `frequency` (new matches are off until one opts in)."""
    from tracker.models import AlertPreference

    return AlertPreference.objects.create(user=user, kind=kind, frequency=frequency)


def make_programs_asking_revenue(authority, n, title="营业收入项目{}"):
    """`n` open programs (March to May 2025) whose only condition is 2024 main-business revenue
    of at least 2000万元."""
    programs = Program.objects.bulk_create(
        Program(
            slug=f"revenue-program-{i}", year=2025, title_zh=title.format(i),
            authority=authority, opens_on=datetime.date(2025, 3, 1),
            deadline=datetime.date(2025, 5, 31), is_published=True,
        )
        for i in range(1, n + 1)
    )
    FactThreshold.objects.bulk_create(
        FactThreshold(program=p, fact=Fact.MAIN_REVENUE, year=2024, value=2000,
                      clause="申报单位2024年主营业务收入不低于2000万元。")
        for p in programs
    )
    catalog.changed()
    return programs
