"""The rules entered as rows: thresholds on facts, qualifications held, conditions to confirm."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from tracker.eligibility import Outcome, Profile, Summary, evaluate, prefetch_for_rules
from tracker.eligibility.impact import impact_of_change, program_for_impact, program_with_changes
from tracker.eligibility.registry import question_counts
from tracker.models import (
    Application,
    ConditionConfirmation,
    Fact,
    FactThreshold,
    HeldQualification,
    ManualCondition,
    OrganizationFact,
    Program,
    Qualification,
    QualificationRequirement,
)
from tracker.services.programs import clone_as_next_edition

OPEN_DAY = datetime.datetime(2025, 4, 1, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
REVENUE_CLAUSE = "申报单位2024年主营业务收入不低于2000万元。"


@pytest.fixture(autouse=True)
def during_the_call_in_english():
    with time_machine.travel(OPEN_DAY, tick=False), translation.override("en"):
        yield


def reloaded(program):
    return Program.objects.prefetch_related(*prefetch_for_rules()).get(pk=program.pk)


def only(verdict, rule):
    [finding] = [f for f in verdict.findings if f.rule == rule]
    return finding


def qualification(code):
    return Qualification.objects.get(code=code)


@pytest.fixture
def revenue_rule(pilot_base):
    FactThreshold.objects.create(
        program=pilot_base, fact=Fact.MAIN_REVENUE, year=2024, value=2000, clause=REVENUE_CLAUSE
    )
    return reloaded(pilot_base)


def revenue(value, year=2024):
    return Profile(facts={(Fact.MAIN_REVENUE, year): Decimal(value)})


def test_revenue_above_the_threshold_of_the_year_the_notice_names_passes(revenue_rule):
    finding = only(evaluate(revenue("2500"), revenue_rule), "facts")

    assert finding.outcome == Outcome.PASS
    assert str(finding.requirement) == (
        "Main-business revenue in 2024: at least 2000 10,000 yuan."
    )
    assert finding.citation == REVENUE_CLAUSE


def test_revenue_below_the_threshold_fails_with_the_gap_to_close(revenue_rule):
    finding = only(evaluate(revenue("1700.50"), revenue_rule), "facts")

    assert finding.outcome == Outcome.FAIL
    assert str(finding.reason) == (
        "You gave 1700.5 10,000 yuan, the limit is at least 2000 10,000 yuan."
    )
    assert str(finding.fix).startswith("299.5 10,000 yuan short.")


def test_revenue_of_another_year_is_not_known_yet_never_a_failure(revenue_rule):
    verdict = evaluate(revenue("9000", year=2023), revenue_rule)

    assert only(verdict, "facts").outcome == Outcome.UNKNOWN
    assert str(only(verdict, "facts").reason) == "Main-business revenue in 2024 is not given."
    assert verdict.summary == Summary.INCOMPLETE


def test_in_chinese_the_requirement_reads_as_the_notice_does(revenue_rule):
    with translation.override("zh-hans"):
        finding = only(evaluate(revenue("100"), revenue_rule), "facts")
        assert str(finding.requirement) == "2024年主营业务收入：不低于2000万元。"
        assert str(finding.fix).startswith("还差1900万元。")


def test_a_ceiling_without_a_year_reads_the_latest_year_given(pilot_base):
    FactThreshold.objects.create(
        program=pilot_base, fact=Fact.EMPLOYEES, bound=FactThreshold.Bound.AT_MOST, value=500
    )
    program = reloaded(pilot_base)
    profile = Profile(facts={(Fact.EMPLOYEES, 2023): 300, (Fact.EMPLOYEES, 2024): 650})

    finding = only(evaluate(profile, program), "facts")

    assert finding.outcome == Outcome.FAIL
    assert str(finding.fix).startswith("150 people over.")


def test_years_since_registration_are_counted_to_the_deadline(pilot_base):
    FactThreshold.objects.create(
        program=pilot_base, fact=Fact.YEARS_REGISTERED, value=1, clause="注册满1年"
    )
    program = reloaded(pilot_base)

    def outcome(registered_on):
        return only(evaluate(Profile(registered_on=registered_on), program), "facts").outcome

    # The deadline is 2025-04-20: a year registered on that day, not the day after.
    assert outcome(datetime.date(2024, 4, 20)) == Outcome.PASS
    assert outcome(datetime.date(2024, 4, 21)) == Outcome.FAIL
    assert outcome(None) == Outcome.UNKNOWN


def test_a_reference_year_on_years_since_registration_is_refused(pilot_base):
    threshold = FactThreshold(program=pilot_base, fact=Fact.YEARS_REGISTERED, value=1, year=2024)

    with pytest.raises(Exception) as info:
        threshold.full_clean()

    assert "year" in info.value.message_dict


@pytest.fixture
def high_tech_or_specialised(pilot_base):
    for code in ["high-tech-enterprise", "specialised-sme"]:
        QualificationRequirement.objects.create(
            program=pilot_base, qualification=qualification(code), group=1,
            clause="须为高新技术企业或专精特新中小企业",
        )
    return reloaded(pilot_base)


def holding(code, until):
    return Profile(qualifications={qualification(code).pk: until})


def test_one_of_the_alternatives_valid_at_the_deadline_passes(high_tech_or_specialised):
    profile = holding("specialised-sme", datetime.date(2026, 12, 31))

    finding = only(evaluate(profile, high_tech_or_specialised), "qualifications")

    assert finding.outcome == Outcome.PASS
    assert finding.citation == "须为高新技术企业或专精特新中小企业"
    assert "one of" in str(finding.requirement)


def test_a_qualification_expiring_before_the_deadline_does_not_count(high_tech_or_specialised):
    profile = holding("high-tech-enterprise", datetime.date(2025, 4, 19))

    finding = only(evaluate(profile, high_tech_or_specialised), "qualifications")

    assert finding.outcome == Outcome.FAIL
    assert "before" in str(finding.reason)
    assert str(finding.fix).startswith("Renew")


def test_a_firm_holding_none_of_them_fails_with_what_to_obtain(high_tech_or_specialised):
    profile = holding("tech-based-sme", datetime.date(2026, 1, 1))

    finding = only(evaluate(profile, high_tech_or_specialised), "qualifications")

    assert finding.outcome == Outcome.FAIL
    assert str(finding.fix).startswith("Obtain")


def test_qualifications_not_given_are_not_known_yet(high_tech_or_specialised):
    verdict = evaluate(Profile(), high_tech_or_specialised)

    assert only(verdict, "qualifications").outcome == Outcome.UNKNOWN
    assert verdict.summary == Summary.INCOMPLETE


def test_each_group_of_alternatives_is_its_own_finding(high_tech_or_specialised):
    QualificationRequirement.objects.create(
        program=high_tech_or_specialised, qualification=qualification("above-scale"), group=2
    )
    program = reloaded(high_tech_or_specialised)
    profile = holding("high-tech-enterprise", datetime.date(2027, 1, 1))

    findings = [f for f in evaluate(profile, program).findings if f.rule == "qualifications"]

    assert [f.outcome for f in findings] == [Outcome.PASS, Outcome.FAIL]


def test_an_organization_without_qualifications_is_unknown_until_it_says_its_list_is_complete(
    pilot_base, liugang, high_tech_or_specialised
):
    def verdict():
        application = Application.objects.prefetch_related(
            *Profile.prefetch_for_application()
        ).get(organization=liugang, program=pilot_base)
        return evaluate(Profile.for_application(application), high_tech_or_specialised)

    assert only(verdict(), "qualifications").outcome == Outcome.UNKNOWN
    liugang.qualifications_complete = True
    liugang.save()
    assert only(verdict(), "qualifications").outcome == Outcome.FAIL
    HeldQualification.objects.create(
        organization=liugang, qualification=qualification("high-tech-enterprise"),
        valid_until=datetime.date(2027, 12, 31),
    )
    assert only(verdict(), "qualifications").outcome == Outcome.PASS


@pytest.fixture
def safety_condition(pilot_base):
    return ManualCondition.objects.create(
        program=pilot_base,
        text_zh="近三年未发生重大安全、环保事故",
        text_en="No serious safety or environmental accident in the last three years",
        clause="申报单位近三年内未发生重大安全、环保、质量事故。",
    )


def test_a_condition_the_site_cannot_judge_is_shown_to_confirm_never_dropped(
    pilot_base, safety_condition
):
    verdict = evaluate(Profile(), reloaded(pilot_base))

    finding = only(verdict, "manual")
    assert finding.outcome == Outcome.UNKNOWN
    assert finding.confirm == safety_condition.pk
    assert finding.citation == safety_condition.clause
    assert str(finding.requirement).startswith("No serious safety")
    with translation.override("zh-hans"):
        assert str(finding.label) == "请自行确认"


def test_a_confirmed_condition_passes_and_an_unconfirmed_one_leaves_the_verdict_incomplete(
    pilot_base, liugang, safety_condition
):
    application = Application.objects.get(organization=liugang, program=pilot_base)
    program = reloaded(pilot_base)

    def finding():
        loaded = Application.objects.prefetch_related(*Profile.prefetch_for_application()).get(
            pk=application.pk
        )
        return only(evaluate(Profile.for_application(loaded), program), "manual")

    assert finding().outcome == Outcome.UNKNOWN
    ConditionConfirmation.objects.create(application=application, condition=safety_condition)
    assert finding().outcome == Outcome.PASS


def test_an_organizations_facts_reach_its_profile(pilot_base, liugang, revenue_rule):
    OrganizationFact.objects.create(
        organization=liugang, fact=Fact.MAIN_REVENUE, year=2024, value=Decimal("1500")
    )
    application = Application.objects.prefetch_related(*Profile.prefetch_for_application()).get(
        organization=liugang, program=pilot_base
    )

    assert only(evaluate(Profile.for_application(application), revenue_rule), "facts").outcome == (
        Outcome.FAIL
    )


def test_next_years_edition_keeps_the_rows_with_the_reference_year_a_year_on(
    revenue_rule, high_tech_or_specialised, safety_condition
):
    clone = clone_as_next_edition(revenue_rule)

    assert list(clone.fact_thresholds.values_list("fact", "year", "value")) == [
        (Fact.MAIN_REVENUE, 2025, Decimal("2000"))
    ]
    assert clone.qualification_requirements.count() == 2
    assert clone.manual_conditions.get().text_zh == safety_condition.text_zh
    assert revenue_rule.fact_thresholds.get().year == 2024


def test_the_impact_of_a_new_threshold_is_judged_before_it_is_saved(pilot_base, liugang):
    OrganizationFact.objects.create(
        organization=liugang, fact=Fact.MAIN_REVENUE, year=2024, value=Decimal("1500")
    )
    before = program_for_impact(pilot_base.pk)
    new_row = FactThreshold(program=pilot_base, fact=Fact.MAIN_REVENUE, year=2024, value=1000)
    raised = FactThreshold(program=pilot_base, fact=Fact.MAIN_REVENUE, year=2024, value=2000)

    def verdict_of(application, program):
        return evaluate(Profile.for_application(application), program).summary

    lower = impact_of_change(before, program_with_changes(before, fact_thresholds=[new_row]),
                             verdict_of)
    higher = impact_of_change(before, program_with_changes(before, fact_thresholds=[raised]),
                              verdict_of)

    assert lower.changes == []
    assert [(c.application.organization, c.after) for c in higher.changes] == [
        (liugang, Summary.NOT_ELIGIBLE)
    ]
    assert not FactThreshold.objects.exists()


def test_the_questions_are_counted_per_program_from_the_rules(pilot_base, revenue_rule):
    second = clone_as_next_edition(pilot_base)
    programs = [reloaded(pilot_base), reloaded(second)]
    for program in programs:
        program.eligible_regions = list(program.regions.all())
        program.priority_sector_ids = frozenset(program.program_sectors.values_list(
            "sector_id", flat=True
        ))

    counts = question_counts(programs)

    # The seed program's rules read these; the threshold is the edition's own year.
    assert counts["region"] == counts["sectors"] == counts["partner_count"] == 2
    assert counts["fact_main_revenue_2024"] == 1
    assert counts["fact_main_revenue_2025"] == 1
    assert "qualifications" not in counts
