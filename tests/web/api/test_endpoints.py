"""The open data API (/api/v1/), through the HTTP requests its clients send."""

import datetime
import json
import urllib.error
import urllib.request

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_programs
from tests.web.test_program_search import incubator  # noqa: F401  (a fixture)
from tracker.models import Application, Program

LIST = "/api/v1/programs"
SLUG = "guangxi-pilot-base-2025"


def listed(client, **params):
    response = client.get(LIST, params)
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def unpublished(pilot_base):
    return Program.objects.create(
        slug="draft-2025", year=2025, authority=pilot_base.authority, title_zh="中试草稿项目",
        source_publication="草稿", opens_on=datetime.date(2025, 3, 1),
        deadline=datetime.date(2025, 5, 1), is_published=False,
    )


def test_the_list_filters_and_searches_as_the_program_page_does(
    client, pilot_base, incubator  # noqa: F811
):
    assert listed(client, q="中试", status="all") == [SLUG]
    assert listed(client, q="孵化", status="all") == [incubator.slug]
    assert listed(client, region="450202", kind="enterprise", benefit="funding") == [
        incubator.slug
    ]
    page = [row["program"].slug for row in client.get(
        "/programs/", {"region": "450202", "status": "all"}
    ).context["rows"]]
    assert listed(client, region="450202", status="all") == page


def test_a_record_names_the_program_in_both_languages_with_codes(client, pilot_base, call_open):
    [row] = client.get(LIST, {"q": "中试"}).json()["results"]

    assert row["title_zh"] == pilot_base.title_zh
    assert row["authority_zh"] == "广西壮族自治区科学技术厅"
    assert row["deadline"] == "2025-04-20" and row["status"] == "open"
    assert len(row["sectors"]) == 15 and row["url"].endswith(f"/programs/{SLUG}/")


def test_nothing_unpublished_or_of_the_example_catalog_is_reachable(
    client, pilot_base, unpublished, demo_catalog
):
    demo = Program.objects.filter(is_demo=True).first()

    everything = listed(client, status="all", limit=100)
    assert everything == [SLUG]
    assert listed(client, q="草稿", status="all") == []
    assert client.get(f"{LIST}/{unpublished.slug}").status_code == 404
    assert client.get(f"{LIST}/{demo.slug}").status_code == 404


def test_nothing_organization_related_is_in_a_program(client, pilot_base, liugang, call_open):
    assert Application.objects.filter(organization=liugang, program=pilot_base).exists()

    body = client.get(f"{LIST}/{SLUG}").content.decode()

    assert "柳钢" not in body and "organization" not in body


def test_the_detail_gives_the_rules_in_plain_words_with_their_citations(client, pilot_base):
    detail = client.get(f"{LIST}/{SLUG}").json()

    page_rules = client.get(f"/programs/{SLUG}/").context["rules"]
    assert [(r["label"], r["requirement"], r["citation"]) for r in detail["rules"]] == [
        (str(f.label), str(f.requirement), f.citation) for f in page_rules
    ]
    assert any("5" in r["requirement"] and r["citation"] for r in detail["rules"])
    assert detail["milestones"][-1]["due_on"] == "2025-04-20"
    assert [i["title_zh"] for i in detail["checklist"]] == [
        i.title_zh for i in pilot_base.checklist_items.all()
    ]
    assert detail["source"]["publication"] == pilot_base.source_publication


def test_it_pages_with_limit_and_offset(client, db):
    make_programs(7, sectors=1)

    first = client.get(LIST, {"status": "all", "limit": 3}).json()
    rest = client.get(LIST, {"status": "all", "limit": 3, "offset": 6}).json()

    assert (first["count"], first["limit"], len(first["results"])) == (7, 3, 3)
    assert len(rest["results"]) == 1


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"limit": "1000"}, "limit"),
        ({"limit": "9" * 40}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "ten"}, "offset"),
        ({"q": "中试\x00"}, "q"),
        ({"deadline_from": "2025-02-30"}, "deadline_from"),
        ({"deadline_from": "2025-05-01", "deadline_to": "2025-04-01"}, "deadline_to"),
        ({"authority": "9" * 30}, "authority"),
        ({"sector": "\x00"}, "sector"),
        ({"region": "45\x000000"}, "region"),
        ({"status": "sometimes"}, "status"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, pilot_base, params, parameter):
    response = client.get(LIST, params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_the_errors_speak_the_readers_language(client, settings, pilot_base):
    [chinese] = client.get(LIST, {"limit": "1000"}).json()["errors"]["limit"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    [english] = client.get(LIST, {"limit": "1000"}).json()["errors"]["limit"]

    assert chinese == "limit（每页条数）不能超过100。"
    assert english == "limit can be at most 100."


def test_a_slug_with_a_nul_byte_is_a_404(client, pilot_base):
    assert client.get(f"{LIST}/guangxi%00").status_code == 404


def test_an_unchanged_list_answers_a_conditional_get_with_304(client, pilot_base, call_open):
    first = client.get(LIST, {"status": "all"})

    again = client.get(LIST, {"status": "all"}, HTTP_IF_NONE_MATCH=first["ETag"])
    since = client.get(LIST, {"status": "all"}, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert (again.status_code, since.status_code) == (304, 304)
    assert again["ETag"] == first["ETag"]


def test_an_edit_or_another_query_changes_the_etag(client, pilot_base, call_open):
    first = client.get(LIST, {"status": "all"})["ETag"]
    assert client.get(LIST, {"status": "closed"})["ETag"] != first

    pilot_base.title_zh += "（修订）"
    pilot_base.save()

    answer = client.get(LIST, {"status": "all"}, HTTP_IF_NONE_MATCH=first)
    assert answer.status_code == 200 and answer["ETag"] != first


def test_the_etag_changes_when_a_day_begins_in_a_programs_zone(client, pilot_base):
    with time_machine.travel(datetime.datetime(2025, 4, 20, 15, 59, tzinfo=datetime.UTC)):
        before = client.get(LIST)
        assert [r["slug"] for r in before.json()["results"]] == [SLUG]
    with time_machine.travel(datetime.datetime(2025, 4, 20, 16, 1, tzinfo=datetime.UTC)):
        after = client.get(LIST, HTTP_IF_NONE_MATCH=before["ETag"])
        assert after.status_code == 200 and after.json()["results"] == []


def test_the_lists_queries_do_not_grow_with_the_page_size(client, db):
    make_programs(60, sectors=3)

    def count(limit):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, {"status": "all", "limit": limit}).status_code == 200
        return len(queries)

    # The first list after an edit also builds the catalog's index (three queries more).
    assert count(50) == count(5) + 3
    assert count(50) == count(5) <= 4


def test_the_detail_reads_a_bounded_number_of_queries(
    client, pilot_base, django_assert_max_num_queries
):
    with django_assert_max_num_queries(24):
        assert client.get(f"{LIST}/{SLUG}").status_code == 200


def test_the_openapi_schema_documents_the_filters_and_the_docs_are_served(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/programs"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "region", "status", "deadline_from", "limit", "offset"} <= names
    assert "/api/v1/programs/{slug}" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_a_client_over_its_rate_is_told_to_wait_with_429(live_server, settings, pilot_base):
    settings.API_THROTTLE_RATE = "3/m"
    url = f"{live_server.url}{LIST}?status=all"
    for _ in range(3):
        with urllib.request.urlopen(url) as response:
            assert response.status == 200
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url)
    assert refused.value.code == 429 and int(refused.value.headers["Retry-After"]) > 0
    assert json.loads(refused.value.read())["errors"]
