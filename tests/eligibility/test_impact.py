import pytest

from tracker.eligibility.impact import (
    impact_of_change,
    program_for_impact,
    program_with_changes,
    tracked_applications,
)
from tracker.models import (
    Application,
    CoBuilder,
    Organization,
    OrganizationKind,
    Program,
    Region,
    Sector,
)


def verdict_of(application, program):
    """A small real rule set for these tests (the eligibility engine is wired in the admin).

    Reads the program's lists with `.all()`, as rule code must for the preview to see edits.
    """
    co_builders = len(application.co_builder_list)  # as `Profile.prefetch_for_application` loads it
    if program.max_co_builders is not None and co_builders > program.max_co_builders:
        return "not_eligible"
    organization = application.organization
    if program.sector_policy == Program.SectorPolicy.REQUIRED:
        listed = {s.pk for s in program.priority_sectors.all()}
        if not listed & {s.pk for s in organization.sectors.all()}:
            return "not_eligible"
    regions = list(program.regions.all())
    if regions and organization.region is None:
        return "incomplete"
    if regions and not any(r.contains(organization.region) for r in regions):
        return "not_eligible"
    return "eligible"


def track(program, name, co_builders, region="450200", sectors=(), status="preparing"):
    organization = Organization.objects.create(
        name_zh=name,
        kind=OrganizationKind.ENTERPRISE,
        region=Region.objects.get(code=region) if region else None,
    )
    organization.sectors.set(Sector.objects.filter(code__in=sectors))
    application = Application.objects.create(
        organization=organization, program=program, status=status
    )
    partners = [
        Organization.objects.create(name_zh=f"{name}伙伴{i}", kind=OrganizationKind.UNIVERSITY)
        for i in range(co_builders)
    ]
    CoBuilder.objects.bulk_create(
        CoBuilder(application=application, organization=p) for p in partners
    )
    return application


@pytest.fixture
def firms(pilot_base):
    """Under the limit of 5: 柳钢集团 (2 partners, seeded), 甲 (1), 乙 (4) and 丙 (5)."""
    return {
        "甲": track(pilot_base, "甲公司", 1),
        "乙": track(pilot_base, "乙公司", 4),
        "丙": track(pilot_base, "丙公司", 5),
    }


def names(impact):
    return sorted(c.application.organization.name_zh for c in impact.changes)


def test_lowering_the_limit_counts_the_firms_above_it(pilot_base, firms):
    before = program_for_impact(pilot_base.pk)
    impact = impact_of_change(before, program_with_changes(before, {"max_co_builders": 3}),
                              verdict_of)
    assert impact.evaluated == 4
    assert names(impact) == ["丙公司", "乙公司"]
    assert impact.transitions() == [("eligible", "not_eligible", 2)]


def test_a_firm_exactly_at_the_new_limit_keeps_its_verdict(pilot_base, firms):
    before = program_for_impact(pilot_base.pk)
    impact = impact_of_change(before, program_with_changes(before, {"max_co_builders": 4}),
                              verdict_of)
    assert names(impact) == ["丙公司"]


def test_raising_the_limit_makes_firms_eligible_again(pilot_base, firms):
    Program.objects.filter(pk=pilot_base.pk).update(max_co_builders=2)
    before = program_for_impact(pilot_base.pk)
    impact = impact_of_change(before, program_with_changes(before, {"max_co_builders": None}),
                              verdict_of)
    assert names(impact) == ["丙公司", "乙公司"]
    assert impact.transitions() == [("not_eligible", "eligible", 2)]


def test_an_edit_that_changes_no_verdict_counts_none(pilot_base, firms):
    before = program_for_impact(pilot_base.pk)
    impact = impact_of_change(before, program_with_changes(before, {"max_co_builders": 6}),
                              verdict_of)
    assert impact.evaluated == 4 and impact.changes == []


def test_new_regions_are_judged_without_being_saved(pilot_base, firms):
    track(pilot_base, "无地区公司", 0, region=None)
    before = program_for_impact(pilot_base.pk)
    after = program_with_changes(before, regions=[Region.objects.get(code="110000")])
    impact = impact_of_change(before, after, verdict_of)
    transitions = dict(((b, a), n) for b, a, n in impact.transitions())
    assert transitions == {("eligible", "not_eligible"): 4}
    assert [r.code for r in pilot_base.regions.all()] == ["450000"]
    assert [r.code for r in before.regions.all()] == ["450000"]


def test_a_required_sector_list_is_judged_from_the_edited_list(pilot_base, firms):
    # 柳钢集团 declares new materials; the other firms declare no sector.
    before = program_for_impact(pilot_base.pk)
    after = program_with_changes(
        before,
        {"sector_policy": Program.SectorPolicy.REQUIRED},
        priority_sectors=Sector.objects.filter(code="new-materials"),
    )
    impact = impact_of_change(before, after, verdict_of)
    assert names(impact) == ["丙公司", "乙公司", "甲公司"]
    assert pilot_base.sector_policy == Program.SectorPolicy.PRIORITY


def test_withdrawn_and_rejected_applications_are_not_counted(pilot_base, firms):
    track(pilot_base, "退出公司", 5, status=Application.Status.WITHDRAWN)
    track(pilot_base, "落选公司", 5, status=Application.Status.REJECTED)
    before = program_for_impact(pilot_base.pk)
    impact = impact_of_change(before, program_with_changes(before, {"max_co_builders": 3}),
                              verdict_of)
    assert impact.evaluated == 4
    assert "退出公司" not in names(impact)


def test_judging_many_applications_takes_a_fixed_number_of_queries(
    pilot_base, firms, django_assert_max_num_queries
):
    for i in range(20):
        track(pilot_base, f"公司{i}", i % 7)
    before = program_for_impact(pilot_base.pk)
    after = program_with_changes(before, {"max_co_builders": 3},
                                 regions=list(before.regions.all()))
    # The applications, then one query per list a profile reads (sectors, co-builders, ticks,
    # facts, qualifications, confirmations): none per application.
    with django_assert_max_num_queries(9):
        impact = impact_of_change(before, after, verdict_of)
    assert impact.evaluated == 24


def test_the_applications_can_be_given_explicitly(pilot_base, firms):
    before = program_for_impact(pilot_base.pk)
    only = tracked_applications(before).filter(organization__name_zh="乙公司")
    impact = impact_of_change(before, program_with_changes(before, {"max_co_builders": 3}),
                              verdict_of, applications=only)
    assert impact.evaluated == 1 and names(impact) == ["乙公司"]
