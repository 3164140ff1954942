import re

import pytest

from tests.factories import make_programs
from tracker.models import OrganizationKind, Sector

WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)", re.I)


def verdicts(response):
    """Every ranked verdict, across pages."""
    return list(response.context["page"].paginator.object_list)


def liugang_answers(seeded, **changes):
    answers = {
        "kind": OrganizationKind.ENTERPRISE,
        "region_province": "450000",
        "region_city": "450200",
        "sectors": [Sector.objects.get(code="new-materials").pk],
        "partner_count": 2,
        "partner_kinds": [OrganizationKind.UNIVERSITY],
    }
    answers.update(changes)
    return {k: v for k, v in answers.items() if v is not None}


def test_it_shows_the_form_without_verdicts_before_any_answer(english_client, seeded, call_open):
    response = english_client.get("/check/")

    assert response.status_code == 200
    assert response.context["page"] is None


def test_liugang_sees_the_seed_program_as_eligible_with_priority(english_client, seeded, call_open):
    response = english_client.get("/check/", liugang_answers(seeded))

    [verdict] = verdicts(response)
    assert verdict.program.slug == "guangxi-pilot-base-2025"
    assert verdict.summary == "eligible"
    assert verdict.priority_score == 2
    assert "a priority sector of this program" in response.content.decode()


def test_a_firm_in_a_county_of_liuzhou_is_eligible_and_sees_its_choice_again(
    english_client, seeded, call_open
):
    answers = liugang_answers(seeded, region_county="450202")

    response = english_client.get("/check/", answers)

    [verdict] = verdicts(response)
    assert verdict.summary == "eligible"
    page = response.content.decode()
    assert '<option value="450202" data-level="county" selected>' in page
    assert 'src="/static/tracker/regions.js" defer' in page


def test_six_partners_show_the_fix(english_client, seeded, call_open):
    response = english_client.get("/check/", liugang_answers(seeded, partner_count=6))

    [verdict] = verdicts(response)
    assert verdict.summary == "not_eligible"
    assert "Reduce the co-building units by 1." in response.content.decode()


def test_empty_answers_are_incomplete_never_a_failure(english_client, seeded, call_open):
    response = english_client.get("/check/", {"kind": "", "region_province": ""})

    [verdict] = verdicts(response)
    assert verdict.summary == "incomplete"


def test_it_lists_open_programs_only_and_links_to_closed_ones(english_client, seeded):
    # No frozen time: today (after 2025-04-20) the seed call is closed.
    response = english_client.get("/check/", liugang_answers(seeded))

    assert verdicts(response) == []
    assert "?status=closed" in response.content.decode()


def test_bad_input_names_the_field_and_the_limit(english_client, seeded, call_open):
    answers = liugang_answers(seeded, partner_count=999, region_province="x")
    response = english_client.get("/check/", answers)

    assert response.status_code == 200
    assert response.context["page"] is None
    assert response.context["form"].errors["partner_count"] == [
        "The number of partners must be at most 50."
    ]
    assert "region" in response.context["form"].errors


def test_it_stores_nothing(english_client, seeded, call_open, django_assert_num_queries):
    answers = liugang_answers(seeded)
    # Reads only: the chosen region and sectors, the catalog stamp, the programs and what the
    # rules read (their regions, sectors and stages; the rows of thresholds, qualifications and
    # conditions: this process has no copy of them yet), then the sectors, qualifications and
    # divisions the form offers (kept with the copy from now on).
    with django_assert_num_queries(13) as captured:
        english_client.get("/check/", answers)
    # Again: the compiled copy is fresh, only the stamp is read of the catalog; the chosen
    # region and sectors are validated.
    with django_assert_num_queries(3) as again:
        english_client.get("/check/", answers)

    writes = [
        q["sql"] for q in captured.captured_queries + again.captured_queries
        if WRITE.match(q["sql"])
    ]
    assert writes == []


@pytest.mark.parametrize("count", [3, 300])
def test_queries_stay_the_same_whatever_the_number_of_programs(
    english_client, db, call_open, count, django_assert_num_queries
):
    make_programs(count)
    answers = {
        "kind": OrganizationKind.ENTERPRISE,
        "sectors": list(Sector.objects.values_list("pk", flat=True)[:2]),
        "partner_count": 1,
        "partner_kinds": ["university"],
    }

    # 12 whatever the count: the chosen sectors, the catalog stamp, the programs with their
    # authorities, and one query per list the rules read (regions, sectors, stages,
    # thresholds, qualifications, conditions to confirm), then the form's choices (sectors,
    # qualifications, divisions).
    with django_assert_num_queries(12):
        response = english_client.get("/check/", answers)
    # Another profile: judged on the compiled copy, which the stamp says is fresh.
    with django_assert_num_queries(2):
        other = english_client.get("/check/", {**answers, "partner_count": 3})

    assert len(verdicts(response)) == len(verdicts(other)) == count
    assert len(response.context["page"]) == min(count, 20)


def test_later_pages_keep_the_answers(english_client, db, call_open):
    make_programs(25)

    response = english_client.get("/check/", {"kind": "enterprise", "page": 2})

    assert [v.program.slug for v in response.context["page"]] == [
        v.program.slug for v in verdicts(response)[20:]
    ]
    assert "kind=enterprise&amp;page=1" in response.content.decode()


def test_a_sector_id_too_large_for_the_database_is_a_form_error(english_client, seeded, call_open):
    response = english_client.get("/check/", {"sectors": "99999999999999999999999"})

    assert response.status_code == 200
    assert "sectors" in response.context["form"].errors
    assert response.context["page"] is None


def test_the_fix_names_what_to_reduce_in_chinese(client, seeded, call_open):
    body = client.get("/check/", liugang_answers(seeded, partner_count=6)).content.decode()
    assert "处理建议：请减少1家共建单位。" in body


def test_priority_reads_as_a_line_under_the_verdict_not_a_second_badge(client, seeded, call_open):
    body = client.get("/check/", liugang_answers(seeded, partner_count=6)).content.decode()
    summary = body[body.index('<p class="summary">'):]
    summary = summary[: summary.index('<ul class="findings">')]
    assert '<span class="badge not_eligible">不符合申报条件</span>' in summary
    assert "badge preferred" not in summary
    line = "若不符合的条件得到解决，另有2项优先支持条件可计入。"
    assert f'<p class="meta priority">{line}</p>' in summary


def test_the_form_lands_on_its_results(client, seeded, call_open):
    body = client.get("/check/", liugang_answers(seeded)).content.decode()
    assert '<form method="get" action="#results" class="stacked card">' in body
    assert '<section id="results" tabindex="-1"' in body
