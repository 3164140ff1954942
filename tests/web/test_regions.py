import pytest


def test_a_province_lists_its_cities_in_both_languages(client, seeded):
    response = client.get("/regions/450000/children/")

    assert response.status_code == 200
    children = response.json()["children"]
    assert len(children) == 14
    assert children[1] == {"code": "450200", "name_zh": "柳州市", "name_en": "Liuzhou",
                           "level": "city"}


def test_a_city_lists_its_counties_and_a_municipality_its_districts(client, seeded):
    liuzhou = client.get("/regions/450200/children/").json()["children"]
    beijing = client.get("/regions/110000/children/").json()["children"]

    assert liuzhou[0] == {"code": "450202", "name_zh": "城中区", "name_en": "",
                          "level": "county"}
    assert {region["level"] for region in beijing} == {"county"}
    assert "海淀区" in [region["name_zh"] for region in beijing]


def test_a_county_has_no_children(client, seeded):
    assert client.get("/regions/450202/children/").json() == {"children": []}


@pytest.mark.parametrize("code", ["459999", "x", "99999999999999999999", "45%00"])
def test_an_unknown_code_is_not_found(client, seeded, code):
    assert client.get(f"/regions/{code}/children/").status_code == 404


def test_any_cache_may_keep_the_answer_for_a_day(client, seeded):
    response = client.get("/regions/450000/children/")

    assert "public" in response["Cache-Control"]
    assert "max-age=86400" in response["Cache-Control"]


def test_it_reads_two_queries_whatever_the_number_of_children(
    client, seeded, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        client.get("/regions/130000/children/")


def test_it_only_answers_reads(client, seeded):
    assert client.post("/regions/450000/children/").status_code == 405
