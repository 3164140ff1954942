import datetime

import pytest
import time_machine
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_partner
from tracker.eligibility import (
    Outcome,
    Profile,
    Summary,
    evaluate,
    load_rule_lists,
    prefetch_for_rules,
    rank,
    rule_fields,
)
from tracker.eligibility.impact import program_with_changes
from tracker.models import (
    Application,
    ChecklistItem,
    Milestone,
    OrganizationKind,
    Program,
    Region,
    Sector,
)
from tracker.services.applications import add_co_builder, set_ticked_items
from tracker.services.programs import clone_as_next_edition

# 2025-04-01 in Beijing: the seed call (2025-03-27 to 2025-04-20) is open.
OPEN_DAY = datetime.datetime(2025, 4, 1, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def during_the_call_in_english():
    """Reasons are asserted on their English msgids, whatever translations are compiled."""
    with time_machine.travel(OPEN_DAY, tick=False), translation.override("en"):
        yield


@pytest.fixture
def program(pilot_base):
    return Program.objects.prefetch_related(*prefetch_for_rules()).get(pk=pilot_base.pk)


@pytest.fixture
def liuzhou(seeded):
    return Region.objects.get(code="450200")


@pytest.fixture
def new_materials(seeded):
    return Sector.objects.get(code="new-materials")


def liugang_profile(liuzhou, new_materials, **changes):
    values = dict(
        kind=OrganizationKind.ENTERPRISE,
        region=liuzhou,
        sectors=frozenset([new_materials]) if new_materials else None,
        partner_kinds=frozenset([OrganizationKind.UNIVERSITY]),
        co_builder_count=2,
    )
    values.update(changes)
    return Profile(**values)


def findings_by_rule(verdict):
    return {f.rule: f for f in verdict.findings}


def test_liugang_with_its_two_universities_is_eligible_with_both_priorities(
    program, liuzhou, new_materials
):
    verdict = evaluate(liugang_profile(liuzhou, new_materials), program)

    found = findings_by_rule(verdict)
    assert verdict.summary == Summary.ELIGIBLE
    assert found["sector"].outcome == Outcome.PREFERRED
    assert found["partnership"].outcome == Outcome.PREFERRED
    assert found["co_builders"].outcome == Outcome.PASS
    assert verdict.priority_score == 2


def test_the_seed_application_is_eligible_once_its_materials_are_ticked(pilot_base):
    application = (
        Application.objects.select_related("organization__region")
        .prefetch_related(
            "organization__sectors",
            "co_builders__organization",
            "ticks",
            *prefetch_for_rules("program__"),
        )
        .get(program=pilot_base, organization__name_zh="柳钢集团")
    )
    set_ticked_items(application, pilot_base.checklist_items.all(), user=None)
    application = Application.objects.prefetch_related(*Profile.prefetch_for_application()).get(
        pk=application.pk
    )

    verdict = evaluate(Profile.for_application(application), program=pilot_base)

    assert verdict.summary == Summary.ELIGIBLE
    assert findings_by_rule(verdict)["partnership"].outcome == Outcome.PREFERRED


def test_unticked_materials_are_reported_apart_and_leave_an_eligible_firm_eligible(
    program, liuzhou, new_materials
):
    profile = liugang_profile(liuzhou, new_materials, ticked_item_ids=frozenset())

    verdict = evaluate(profile, program)

    assert verdict.materials.outcome == Outcome.UNKNOWN
    assert "0 of 2" in str(verdict.materials.reason)
    assert "checklist" not in findings_by_rule(verdict)
    assert verdict.summary == Summary.ELIGIBLE


def test_joint_only_materials_are_not_asked_without_co_builders(program, liuzhou, new_materials):
    first = program.checklist_items.get(joint_only=False)
    profile = liugang_profile(
        liuzhou,
        new_materials,
        co_builder_count=0,
        partner_kinds=frozenset(),
        ticked_item_ids=frozenset([first.pk]),
    )

    assert evaluate(profile, program).materials.outcome == Outcome.PASS


def test_the_co_building_units_list_is_done_once_a_co_builder_has_confirmed(
    program, liuzhou, new_materials
):
    first = program.checklist_items.get(joint_only=False)
    ticked = dict(ticked_item_ids=frozenset([first.pk]))

    unconfirmed = evaluate(liugang_profile(liuzhou, new_materials, **ticked), program)
    confirmed = evaluate(
        liugang_profile(liuzhou, new_materials, co_builders_confirmed=True, **ticked), program
    )

    assert "1 of 2" in str(unconfirmed.materials.reason)
    assert confirmed.materials.outcome == Outcome.PASS


def test_six_co_builders_are_not_eligible_and_the_fix_says_remove_one(
    program, liuzhou, new_materials
):
    verdict = evaluate(liugang_profile(liuzhou, new_materials, co_builder_count=6), program)

    limit = findings_by_rule(verdict)["co_builders"]
    assert verdict.summary == Summary.NOT_ELIGIBLE
    assert limit.outcome == Outcome.FAIL
    assert str(limit.reason) == "6 co-building units, at most 5 allowed."
    assert str(limit.fix) == "Reduce the co-building units by 1."
    assert limit.citation == "每家中试基地联合共建单位不超过5个。"


def test_a_sector_outside_the_list_is_still_eligible_without_priority(program, liuzhou, seeded):
    parts = Sector.objects.get(code="automotive-parts")

    verdict = evaluate(
        liugang_profile(liuzhou, None, sectors=frozenset([parts])), program
    )

    assert verdict.summary == Summary.ELIGIBLE
    assert findings_by_rule(verdict)["sector"].outcome == Outcome.PASS
    assert verdict.priority_score == 1  # the partnership only


def test_a_missing_region_is_unknown_and_the_verdict_incomplete(program, new_materials):
    verdict = evaluate(liugang_profile(None, new_materials, region=None), program)

    assert findings_by_rule(verdict)["region"].outcome == Outcome.UNKNOWN
    assert verdict.summary == Summary.INCOMPLETE
    assert not any(f.outcome == Outcome.FAIL for f in verdict.findings)


def test_a_region_outside_guangxi_fails_with_a_fix(program, new_materials, seeded):
    wuhan = Region.objects.get(code="420100")

    region = findings_by_rule(evaluate(liugang_profile(wuhan, new_materials), program))["region"]

    assert region.outcome == Outcome.FAIL
    assert "Guangxi Zhuang Autonomous Region" in str(region.fix)


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        ("450202", Outcome.PASS),  # 城中区, a county of 柳州市
        ("450302", Outcome.PASS),  # 秀峰区, 桂林市
        ("450000", Outcome.PASS),
        ("420102", Outcome.FAIL),  # 江岸区, a county of 武汉市 (湖北)
        ("110108", Outcome.FAIL),  # 海淀区, straight under the municipality 北京
    ],
)
def test_a_program_open_to_a_province_is_open_to_every_city_and_county_in_it(
    program, new_materials, code, outcome
):
    region = Region.objects.get(code=code)

    finding = findings_by_rule(evaluate(liugang_profile(region, new_materials), program))["region"]

    assert finding.outcome == outcome


def test_a_program_open_to_one_city_is_closed_to_the_rest_of_its_province(
    program, new_materials
):
    liuzhou_only = program_with_changes(program, regions=[Region.objects.get(code="450200")])

    def outcome(code):
        profile = liugang_profile(Region.objects.get(code=code), new_materials)
        return findings_by_rule(evaluate(profile, liuzhou_only))["region"].outcome

    assert outcome("450202") == Outcome.PASS
    assert outcome("450302") == Outcome.FAIL  # 桂林市
    assert outcome("450000") == Outcome.FAIL  # somewhere in Guangxi: maybe not in 柳州


def test_the_deadline_rule_fails_once_the_call_has_closed(program, liuzhou, new_materials):
    with time_machine.travel(datetime.date(2025, 4, 21), tick=False):
        verdict = evaluate(liugang_profile(liuzhou, new_materials), program)

    deadline = findings_by_rule(verdict)["deadline"]
    assert deadline.outcome == Outcome.FAIL
    assert "has passed" in str(deadline.reason)
    assert verdict.summary == Summary.NOT_ELIGIBLE


def test_the_deadline_day_itself_is_still_open(program, liuzhou, new_materials):
    # 23:30 in Beijing on April 20 is already April 20 15:30 UTC: the local date counts.
    late = datetime.datetime(2025, 4, 20, 15, 30, tzinfo=datetime.timezone.utc)
    with time_machine.travel(late, tick=False):
        deadline = findings_by_rule(evaluate(liugang_profile(liuzhou, new_materials), program))

    assert deadline["deadline"].outcome == Outcome.PASS
    assert str(deadline["deadline"].reason) == "Today is the last day to submit."


def test_a_passed_applicant_stage_fails_even_before_the_deadline(
    pilot_base, liuzhou, new_materials
):
    Milestone.objects.create(
        program=pilot_base, title_zh="网上填报", title_en="Online registration",
        due_on=datetime.date(2025, 3, 30),
    )
    program = Program.objects.prefetch_related(*prefetch_for_rules()).get(pk=pilot_base.pk)

    deadline = findings_by_rule(evaluate(liugang_profile(liuzhou, new_materials), program))

    assert deadline["deadline"].outcome == Outcome.FAIL
    assert "Online registration" in str(deadline["deadline"].reason)


def test_a_required_sector_policy_fails_an_unlisted_sector(pilot_base, liuzhou, seeded):
    pilot_base.sector_policy = Program.SectorPolicy.REQUIRED
    pilot_base.save()
    parts = Sector.objects.get(code="automotive-parts")
    program = Program.objects.prefetch_related(*prefetch_for_rules()).get(pk=pilot_base.pk)

    sector = findings_by_rule(
        evaluate(liugang_profile(liuzhou, None, sectors=frozenset([parts])), program)
    )["sector"]

    assert sector.outcome == Outcome.FAIL
    assert str(sector.fix) == "Apply with work in one of the sectors this program lists."


def test_an_organization_kind_outside_the_list_fails(pilot_base, liuzhou, new_materials):
    pilot_base.eligible_kinds = [OrganizationKind.ENTERPRISE]
    pilot_base.save()
    program = Program.objects.prefetch_related(*prefetch_for_rules()).get(pk=pilot_base.pk)

    profile = liugang_profile(liuzhou, new_materials, kind=OrganizationKind.UNIVERSITY)
    kind = findings_by_rule(evaluate(profile, program))["kind"]

    assert kind.outcome == Outcome.FAIL
    assert kind.fix


def test_a_program_without_prefetching_gets_the_same_verdict(
    pilot_base, program, liuzhou, new_materials
):
    Milestone.objects.create(
        program=pilot_base, title_zh="网上填报", due_on=datetime.date(2025, 4, 10)
    )
    profile = liugang_profile(liuzhou, new_materials, ticked_item_ids=frozenset())
    plain = Program.objects.get(pk=pilot_base.pk)
    prefetched = Program.objects.prefetch_related(*prefetch_for_rules()).get(pk=pilot_base.pk)
    with time_machine.travel(datetime.date(2025, 4, 12), tick=False):
        verdicts = [evaluate(profile, p) for p in (plain, prefetched)]

    outcomes = [[(f.rule, f.outcome, str(f.reason)) for f in v.findings] for v in verdicts]
    assert outcomes[0] == outcomes[1]
    assert ("deadline", Outcome.FAIL) in [(rule, outcome) for rule, outcome, _ in outcomes[0]]


def test_a_program_loaded_for_ranking_gets_the_same_findings_without_a_query(
    pilot_base, liuzhou, new_materials, django_assert_num_queries
):
    Milestone.objects.create(
        program=pilot_base, title_zh="网上填报", due_on=datetime.date(2025, 3, 30)
    )
    profile = liugang_profile(liuzhou, new_materials)
    plain = Program.objects.get(pk=pilot_base.pk)
    [ranked] = load_rule_lists(
        Program.objects.filter(pk=pilot_base.pk)
        .only(*rule_fields())
        .prefetch_related(*prefetch_for_rules(ticks=False))
    )

    def words(verdict):
        return [
            (f.rule, f.outcome, str(f.requirement), str(f.reason), str(f.fix), f.citation)
            for f in verdict.findings
        ]

    expected = words(evaluate(profile, plain))
    with django_assert_num_queries(0):
        found = words(evaluate(profile, ranked))

    assert found == expected
    assert [(rule, outcome) for rule, outcome, *_ in found][:1] == [("deadline", Outcome.FAIL)]
    assert len(found) == 5  # every rule the seed program sets


def test_an_unsaved_edit_of_the_regions_is_judged_on_the_new_regions(
    program, liuzhou, new_materials, seeded
):
    profile = liugang_profile(liuzhou, new_materials)

    edited = program_with_changes(program, regions=[Region.objects.get(code="420100")])

    assert findings_by_rule(evaluate(profile, program))["region"].outcome == Outcome.PASS
    assert findings_by_rule(evaluate(profile, edited))["region"].outcome == Outcome.FAIL


def test_an_unsaved_edit_is_judged_on_its_own_rules_and_lists(program, liuzhou, new_materials):
    profile = liugang_profile(liuzhou, new_materials)
    before = findings_by_rule(evaluate(profile, program))

    edited = program_with_changes(program, {"max_co_builders": 1}, program_sectors=[])
    after = findings_by_rule(evaluate(profile, edited))

    assert before["sector"].outcome == Outcome.PREFERRED
    assert "sector" not in after
    assert after["co_builders"].outcome == Outcome.FAIL


def test_rules_the_program_does_not_set_are_left_out(program):
    assert {f.rule for f in evaluate(Profile(), program).findings} == {
        "deadline", "region", "sector", "co_builders", "partnership"
    }


def test_one_verdict_reads_in_the_readers_language(program, liuzhou, new_materials):
    region = findings_by_rule(evaluate(liugang_profile(liuzhou, new_materials), program))["region"]

    with translation.override("zh-hans"):
        chinese = str(region.reason)

    assert str(region.reason) == "Liuzhou lies in Guangxi Zhuang Autonomous Region."
    assert "柳州市" in chinese and "广西壮族自治区" in chinese


def test_ranking_puts_eligible_and_preferred_programs_first(program, liuzhou, new_materials):
    good = evaluate(liugang_profile(liuzhou, new_materials), program)
    plain = evaluate(liugang_profile(liuzhou, new_materials, partner_kinds=frozenset()), program)
    bad = evaluate(liugang_profile(liuzhou, new_materials, co_builder_count=9), program)
    unknown = evaluate(Profile(), program)

    assert rank([bad, unknown, plain, good]) == [good, plain, unknown, bad]


def test_a_partner_university_gives_the_partnership_priority_whichever_side_leads(
    program, liuzhou, new_materials
):
    university_leads = liugang_profile(
        liuzhou, new_materials,
        kind=OrganizationKind.UNIVERSITY,
        partner_kinds=frozenset([OrganizationKind.ENTERPRISE]),
    )

    partnership = findings_by_rule(evaluate(university_leads, program))["partnership"]

    assert partnership.outcome == Outcome.PREFERRED


def test_profile_for_application_counts_co_builders_and_their_kinds(pilot_base, liugang):
    next_year = clone_as_next_edition(pilot_base)
    application = Application.objects.create(organization=liugang, program=next_year)
    add_co_builder(application, make_partner("广西大学"))
    add_co_builder(application, make_partner("某企业", kind=OrganizationKind.ENTERPRISE))
    loaded = Application.objects.prefetch_related(*Profile.prefetch_for_application()).get(
        pk=application.pk
    )

    profile = Profile.for_application(loaded)

    assert profile.co_builder_count == 2
    assert profile.partner_kinds == {OrganizationKind.UNIVERSITY, OrganizationKind.ENTERPRISE}
    assert profile.ticked_item_ids == frozenset()


# --- Properties ---------------------------------------------------------------------------

kinds = st.none() | st.sampled_from(OrganizationKind.values)
counts = st.none() | st.integers(min_value=0, max_value=40)


def profiles(regions, sectors, item_ids):
    return st.builds(
        Profile,
        kind=kinds,
        region=st.none() | st.sampled_from(regions),
        sectors=st.none() | st.frozensets(st.sampled_from(sectors)),
        partner_kinds=st.none() | st.frozensets(st.sampled_from(OrganizationKind.values)),
        co_builder_count=counts,
        ticked_item_ids=st.none() | st.frozensets(st.sampled_from(item_ids)),
        submitted=st.booleans(),
    )


PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.fixture
def world(program):
    regions = list(Region.objects.all())
    sectors = [*Sector.objects.all(), Sector(pk=10**6, name_zh="名录外领域")]
    item_ids = list(ChecklistItem.objects.values_list("pk", flat=True)) + [10**6]
    return program, profiles(regions, sectors, item_ids)


def test_evaluate_never_raises_words_every_finding_and_eligible_means_no_fail_or_unknown(
    world
):
    program, profile_strategy = world

    @PROPERTY_SETTINGS
    @given(profile=profile_strategy, policy=st.sampled_from(Program.SectorPolicy.values),
           day=st.dates(datetime.date(2025, 1, 1), datetime.date(2025, 6, 1)))
    def check(profile, policy, day):
        program.sector_policy = policy
        verdict = evaluate(profile, program, today=day)
        outcomes = {f.outcome for f in verdict.findings}
        eligible = verdict.summary == Summary.ELIGIBLE
        assert eligible == (not outcomes & {Outcome.FAIL, Outcome.UNKNOWN})
        for language in ("en", "zh-hans"):
            with translation.override(language):
                texts = [(str(f.label), str(f.requirement), str(f.reason), str(f.fix))
                         for f in verdict.findings]
            assert all(label and requirement and reason for label, requirement, reason, _ in texts)
        failed = [f for f in verdict.findings if f.outcome == Outcome.FAIL]
        assert all(str(f.fix) for f in failed)

    check()


def test_removing_co_builders_never_turns_the_limit_from_pass_to_fail(world):
    program, profile_strategy = world

    @PROPERTY_SETTINGS
    @given(profile=profile_strategy, removed=st.integers(min_value=0, max_value=40))
    def check(profile, removed):
        before = findings_by_rule(evaluate(profile, program))["co_builders"]
        count = profile.co_builder_count
        fewer = Profile(**{**profile.__dict__, "co_builder_count": max(0, (count or 0) - removed)})
        after = findings_by_rule(evaluate(fewer, program))["co_builders"]
        if before.outcome == Outcome.PASS:
            assert after.outcome == Outcome.PASS

    check()
