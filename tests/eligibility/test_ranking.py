"""The outcome-only ranking (`eligibility.ranking`) never disagrees with full verdicts: over
a catalog setting every rule kind in its variants and many profiles, each program gets the
summary and priority score `evaluate()` gives it, in `Verdict.sort_key`'s order."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.eligibility import (
    RULES,
    CompiledRules,
    Profile,
    Ranking,
    evaluate,
    load_rule_lists,
    prefetch_for_rules,
    rank,
    rule_fields,
)
from tracker.eligibility import ranking as ranking_module
from tracker.models import (
    Authority,
    Fact,
    FactThreshold,
    ManualCondition,
    Milestone,
    OrganizationKind,
    Program,
    ProgramSector,
    Qualification,
    QualificationRequirement,
    Region,
    Sector,
)

Policy, Bound = Program.SectorPolicy, FactThreshold.Bound
DAY = datetime.date
# Each rule's variants; program i takes variant i % len of each list.
REGIONS = [[], ["450000"], ["450200"], ["450202"], ["420000", "450200"]]
SECTORS = [(None, ()), (Policy.PRIORITY, (0, 1)), (Policy.REQUIRED, (1, 2, 3))]
KINDS = [[], [OrganizationKind.ENTERPRISE],
         [OrganizationKind.UNIVERSITY, OrganizationKind.RESEARCH_INSTITUTE]]
LIMITS = [None, 0, 3, 5]
PARTNERSHIPS = [Program.Partnership.NONE, Program.Partnership.ACADEMIA_ENTERPRISE]
# (opens on, deadline, an applicant stage due on): open, closed, upcoming, a stage passed
# before the deadline, and no dates yet (the rows are judged on the day they are asked).
DATES = [
    (DAY(2025, 3, 1), DAY(2025, 5, 31), None),
    (DAY(2025, 2, 1), DAY(2025, 3, 15), None),
    (DAY(2025, 6, 1), DAY(2025, 7, 1), None),
    (DAY(2025, 3, 1), DAY(2025, 5, 31), DAY(2025, 3, 20)),
    (None, None, None),
]
THRESHOLDS = [
    [],
    [(Fact.MAIN_REVENUE, 2024, Bound.AT_LEAST, 2000)],
    [(Fact.EMPLOYEES, None, Bound.AT_MOST, 300)],
    [(Fact.YEARS_REGISTERED, None, Bound.AT_LEAST, 2),
     (Fact.RD_RATIO, 2023, Bound.AT_LEAST, Decimal("3.5"))],
]
# Groups of alternatives, as indexes into the qualifications.
QUALIFICATIONS = [[], [[0]], [[0, 1], [2]]]
CONDITIONS = [0, 1, 2]
ZONES = ["Asia/Shanghai", "Asia/Shanghai", "Asia/Shanghai", "Europe/Berlin"]
PROGRAMS = 48
# 17:00 UTC on the last day of a deadline or stage: the next day in Beijing, still that day in
# Berlin, so the programs of the two zones are judged on different days.
ZONE_NIGHTS = [
    datetime.datetime(2025, month, day, 17, tzinfo=datetime.timezone.utc)
    for month, day in [(3, 15), (3, 20), (5, 31)]
]


def variant(options, i):
    return options[i % len(options)]


@pytest.fixture
def catalog(seeded):
    """48 programs setting every rule kind in its variants, loaded as the self-check loads
    its copy (only the rule fields, the lists preloaded)."""
    authority = Authority.objects.create(
        name_zh="排序测试机关", level=Authority.Level.PROVINCIAL,
        region=Region.objects.get(code="450000"),
    )
    sectors = list(Sector.objects.order_by("pk")[:4])
    qualifications = list(Qualification.objects.order_by("pk")[:3])
    for i in range(PROGRAMS):
        opens_on, deadline, stage = variant(DATES, i)
        policy, listed = variant(SECTORS, i)
        program = Program.objects.create(
            slug=f"ranked-{i}", year=2025, title_zh=f"排序项目{i}", authority=authority,
            opens_on=opens_on, deadline=deadline, timezone=variant(ZONES, i),
            # A draft may have no dates yet (the admin's impact preview judges drafts).
            is_published=deadline is not None, eligible_kinds=variant(KINDS, i),
            max_co_builders=variant(LIMITS, i), preferred_partnership=variant(PARTNERSHIPS, i),
            sector_policy=policy or Policy.PRIORITY,
        )
        program.regions.set(Region.objects.filter(code__in=variant(REGIONS, i)))
        ProgramSector.objects.bulk_create(
            ProgramSector(program=program, sector=sectors[n], position=n) for n in listed
        )
        if stage:
            Milestone.objects.create(program=program, title_zh="县级推荐", due_on=stage)
        for fact, year, bound, value in variant(THRESHOLDS, i):
            FactThreshold.objects.create(
                program=program, fact=fact, year=year, bound=bound, value=value
            )
        for group, alternatives in enumerate(variant(QUALIFICATIONS, i), start=1):
            for n in alternatives:
                QualificationRequirement.objects.create(
                    program=program, qualification=qualifications[n], group=group
                )
        for n in range(variant(CONDITIONS, i)):
            ManualCondition.objects.create(program=program, text_zh=f"须自行确认的条件{n}")
    programs = load_rule_lists(
        Program.objects.filter(authority=authority)
        .only(*rule_fields())
        .prefetch_related(*prefetch_for_rules(ticks=False))
    )
    return programs, sectors, qualifications


def profiles(sectors, qualifications, condition_ids):
    regions = list(Region.objects.filter(code__in=["450000", "450200", "450202", "450203",
                                                   "420000", "110108"]))
    figures = st.dictionaries(
        st.tuples(st.sampled_from([Fact.MAIN_REVENUE, Fact.EMPLOYEES, Fact.RD_RATIO]),
                  st.sampled_from([None, 2023, 2024])),
        st.decimals(min_value=0, max_value=5000, places=1),
        max_size=4,
    )
    held = st.dictionaries(
        st.sampled_from([q.pk for q in qualifications]),
        st.none() | st.dates(DAY(2025, 1, 1), DAY(2026, 1, 1)),
    )
    return st.builds(
        Profile,
        kind=st.none() | st.sampled_from(OrganizationKind.values),
        region=st.none() | st.sampled_from(regions),
        sectors=st.none() | st.frozensets(st.sampled_from(sectors), min_size=1),
        partner_kinds=st.none() | st.frozensets(st.sampled_from(OrganizationKind.values)),
        co_builder_count=st.none() | st.integers(min_value=0, max_value=8),
        submitted=st.booleans(),
        facts=figures,
        registered_on=st.none() | st.dates(DAY(2021, 1, 1), DAY(2025, 6, 1)),
        qualifications=st.none() | held,
        confirmed_condition_ids=st.none() | st.frozensets(st.sampled_from(condition_ids)),
    )


def test_the_catalog_sets_every_rule_kind_and_each_outcome_is_reachable(catalog):
    programs, _sectors, _qualifications = catalog
    rules = CompiledRules(programs)

    set_by = {rule.key: len(groups) for rule, groups in rules.groups}
    assert set(set_by) == {rule.key for rule in RULES if not rule.readiness}
    assert all(set_by.values())


def test_the_outcome_only_ranking_and_standing_agree_with_full_verdicts(catalog):
    programs, sectors, qualifications = catalog
    rules = CompiledRules(programs)
    condition_ids = list(ManualCondition.objects.values_list("pk", flat=True))
    seen = set()

    @settings(max_examples=200, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(
        profile=profiles(sectors, qualifications, condition_ids),
        moment=st.sampled_from(ZONE_NIGHTS) | st.datetimes(
            datetime.datetime(2025, 2, 20), datetime.datetime(2025, 7, 10),
            timezones=st.just(datetime.timezone.utc),
        ),
    )
    def check(profile, moment):
        todays = rules.todays(moment)
        ranking = Ranking(profile, rules, todays, range(len(rules.programs)))
        verdicts = rank(evaluate(profile, p, todays[p.timezone]) for p in programs)

        assert [(program.slug, summary, score) for program, summary, score in
                ranking.standings()] == [
            (v.program.slug, v.summary, v.priority_score) for v in verdicts
        ]
        # The verdicts it builds when read are the same, in the same order.
        assert [v.sort_key() for v in ranking] == [v.sort_key() for v in verdicts]
        # And one program's standing alone (a dashboard line's) is its verdict's.
        standings = (ranking_module.standing(profile, v.program, todays[v.program.timezone])
                     for v in verdicts)
        assert [(s.summary, s.priority_score) for s in standings] == [
            (v.summary, v.priority_score) for v in verdicts
        ]
        seen.update(
            (f.rule, f.outcome) for v in verdicts for f in v.findings
        )

    check()
    # The profiles met every outcome of every rule kind.
    reached = {rule: {outcome for r, outcome in seen if r == rule} for rule, _ in seen}
    assert {rule: len(outcomes) for rule, outcomes in reached.items()} == {
        "deadline": 3, "kind": 3, "region": 3, "sector": 4, "co_builders": 3,
        "partnership": 3, "facts": 3, "qualifications": 3, "manual": 2,
    }


def test_a_ranking_places_only_the_programs_asked_and_builds_only_the_verdicts_read(
    catalog, monkeypatch
):
    programs, _sectors, _qualifications = catalog
    rules = CompiledRules(programs)
    now = datetime.datetime(2025, 4, 1, 4, tzinfo=datetime.timezone.utc)
    among = [rules.number[p.pk] for p in programs if p.takes_applications(now)]
    built = []
    monkeypatch.setattr(ranking_module, "evaluate", lambda *args: built.append(args) or
                        evaluate(*args))

    ranking = Ranking(Profile(), rules, rules.todays(now), among)
    page = ranking[:3]
    again = ranking[:3]

    assert sorted(p.slug for p, _summary, _score in ranking.standings()) == sorted(
        rules.programs[n].slug for n in among
    )
    assert len(ranking) == len(among) > 3
    assert [v.program for v in page] == [p for p, *_ in ranking.standings()[:3]]
    assert again == page
    assert len(built) == 3


def test_programs_with_equal_rules_share_one_group(catalog):
    programs, _sectors, _qualifications = catalog

    groups = {rule.key: groups for rule, groups in CompiledRules(programs).groups}

    # Judged once per distinct (kinds, zone), not once per program.
    kinds = {(frozenset(p.eligible_kinds), p.timezone) for p in programs if p.eligible_kinds}
    assert len(groups["kind"]) == len(kinds) < PROGRAMS
    assert sum(len(numbers) for *_key, numbers in groups["partnership"]) == PROGRAMS // 2
