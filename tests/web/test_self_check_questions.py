"""The self-check asks what the open programs' rules read, the most deciding question first."""

import pytest

from tests.factories import make_programs_asking_revenue
from tracker.models import Fact, FactThreshold, Qualification, QualificationRequirement


def open_programs_asking_revenue(pilot_base, n):
    return make_programs_asking_revenue(pilot_base.authority, n)


def test_the_question_deciding_most_programs_is_asked_first(
    english_client, pilot_base, call_open
):
    open_programs_asking_revenue(pilot_base, 7)

    response = english_client.get("/check/")

    form = response.context["form"]
    assert list(form.fields)[0] == "fact_main_revenue_2024"
    assert form.first_question == ("Main-business revenue in 2024 (10,000 yuan)", 7)
    page = response.content.decode()
    assert "“Main-business revenue in 2024 (10,000 yuan)” decides 7 open programs" in page
    # The seed program's questions follow, each deciding one program.
    assert list(form.fields)[1:] == ["kind", "region", "sectors", "partner_count",
                                     "partner_kinds"]
    assert "Decides 1 open program." in page


def test_the_lead_sentence_reads_in_chinese(client, pilot_base, call_open):
    open_programs_asking_revenue(pilot_base, 7)

    page = client.get("/check/").content.decode()

    assert "“2024年主营业务收入（万元）”决定7个开放项目，请先回答这一项。" in page


def test_a_question_no_open_program_reads_is_not_asked(english_client, pilot_base, call_open):
    form = english_client.get("/check/").context["form"]

    assert "registered_on" not in form.fields
    assert "qualifications" not in form.fields
    assert not [name for name in form.fields if name.startswith("fact_")]


def test_the_answer_settles_the_programs_that_ask_it(english_client, pilot_base, call_open):
    open_programs_asking_revenue(pilot_base, 3)

    low = english_client.get("/check/", {"fact_main_revenue_2024": "1500"})
    high = english_client.get("/check/", {"fact_main_revenue_2024": "2500"})

    def summaries(response):
        return {
            v.program.slug: v.summary for v in response.context["page"].paginator.object_list
            if v.program.slug.startswith("revenue-program")
        }

    assert set(summaries(low).values()) == {"not_eligible"}
    assert "500 10,000 yuan short." in low.content.decode()
    assert set(summaries(high).values()) == {"eligible"}


def test_a_qualification_question_appears_with_the_programs_requiring_one(
    english_client, pilot_base, call_open
):
    high_tech = Qualification.objects.get(code="high-tech-enterprise")
    QualificationRequirement.objects.create(program=pilot_base, qualification=high_tech)

    response = english_client.get("/check/", {"qualifications": [high_tech.pk]})

    assert "qualifications" in response.context["form"].fields
    [verdict] = response.context["page"].paginator.object_list
    [finding] = [f for f in verdict.findings if f.rule == "qualifications"]
    assert finding.outcome == "pass"


def test_a_negative_figure_names_the_field_and_the_limit(english_client, pilot_base, call_open):
    open_programs_asking_revenue(pilot_base, 1)

    response = english_client.get("/check/", {"fact_main_revenue_2024": "-1"})

    assert response.context["page"] is None
    assert response.context["form"].errors["fact_main_revenue_2024"] == [
        "Main-business revenue in 2024 (10,000 yuan) must be at least 0."
    ]


@pytest.mark.parametrize("count", [3, 60])
def test_the_questions_cost_no_query_per_program(
    english_client, pilot_base, call_open, count, django_assert_max_num_queries
):
    open_programs_asking_revenue(pilot_base, count)

    # The same bound as the self-check's own (tests/web/test_self_check.py): the questions
    # are counted from the programs already loaded for ranking.
    with django_assert_max_num_queries(12):
        response = english_client.get("/check/", {"fact_main_revenue_2024": "2500"})

    assert response.context["form"].first_question[1] == count


def test_a_figure_of_the_latest_year_and_one_of_a_named_year_are_asked_apart(
    english_client, pilot_base, call_open
):
    [named] = open_programs_asking_revenue(pilot_base, 1)
    latest = FactThreshold.objects.create(
        program=pilot_base, fact=Fact.MAIN_REVENUE, value=100, clause="主营业务收入不低于100万元"
    )

    response = english_client.get(
        "/check/", {"fact_main_revenue": "150", "fact_main_revenue_2024": "1500"}
    )

    findings = {
        v.program.pk: [f for f in v.findings if f.rule == "facts"]
        for v in response.context["page"].paginator.object_list
    }
    assert [f.outcome for f in findings[latest.program_id]] == ["pass"]
    assert [f.outcome for f in findings[named.pk]] == ["fail"]
